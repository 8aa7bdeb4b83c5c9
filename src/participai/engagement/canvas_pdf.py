"""The governance canvas as a PDF: A3 landscape, black on white, printed well
in black and white.

Rendering only: it takes a built :class:`~participai.engagement.canvas.Canvas`
and calls no service; ``core.pdf`` renders offline.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from participai.core.pdf import render_pdf

from .canvas import Canvas, print_rows

PRINT_TEMPLATE = "engagement/canvas/print.html"


def canvas_html(canvas: Canvas) -> str:
    """The print page of ``canvas`` (what WeasyPrint lays out), in the active language."""
    return render_to_string(
        PRINT_TEMPLATE,
        {"canvas": canvas, "header": canvas.header, "rows": print_rows(canvas.blocks)},
    )


def render_canvas_pdf(canvas: Canvas) -> bytes:
    """The PDF of ``canvas``: A3 landscape pages, a running page header."""
    return render_pdf(canvas_html(canvas))
