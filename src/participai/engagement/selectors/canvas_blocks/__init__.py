"""The blocks of the governance canvas, one builder per block, grouped by
what they are about; ``selectors.canvas.canvas_of`` puts them in order."""
