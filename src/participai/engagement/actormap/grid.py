"""The power-interest grid: layout (numbered points, none overlapping) and SVG.

Pure: no Django import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from participai.core.svg import FAINT, INK, LINE, num, shorten, svg_open, svg_rect, svg_text

from .model import (
    HIGH_FROM,
    KEEP_INFORMED,
    KEEP_SATISFIED,
    MANAGE_CLOSELY,
    MONITOR,
    QUADRANT_OF,
    QUADRANTS,
    SCALE,
    MapActor,
)

# -- power-interest grid -------------------------------------------------------------


def quadrant(influence: int, interest: int) -> str:
    """The quadrant of a point: ``manage_closely`` (both high), ``keep_satisfied``
    (high influence), ``keep_informed`` (high interest) or ``monitor``."""
    return QUADRANT_OF[(influence >= HIGH_FROM, interest >= HIGH_FROM)]


@dataclass(frozen=True)
class GridPoint:
    """An actor on the grid. ``number`` (1, 2, ...) labels the point; ``dx``
    and ``dy`` place it inside its cell, as fractions of the cell from its
    centre (``dx`` to the right, ``dy`` downwards; both within +/-0.4)."""

    number: int
    actor: MapActor
    quadrant: str
    dx: float
    dy: float
    crowd: int  # how many actors share the cell

    @property
    def position(self) -> tuple[float, float]:
        """(interest, influence) of the point's centre, in score units."""
        return (self.actor.interest + self.dx, self.actor.influence - self.dy)


@dataclass(frozen=True)
class GridLayout:
    points: tuple[GridPoint, ...]

    def in_quadrant(self, key: str) -> tuple[GridPoint, ...]:
        return tuple(p for p in self.points if p.quadrant == key)


_SPREAD = 0.8  # share of a cell's width and height the points of a crowded cell use


def _offsets(count: int) -> list[tuple[float, float]]:
    """``count`` distinct offsets in a cell: a near-square sub-grid, the last
    row centred. One actor sits in the centre."""
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    result = []
    for index in range(count):
        row, col = divmod(index, cols)
        in_row = cols if row < rows - 1 else count - cols * (rows - 1)
        x_slot = col + (cols - in_row) / 2
        dx = ((x_slot + 0.5) / cols - 0.5) * _SPREAD
        dy = ((row + 0.5) / rows - 0.5) * _SPREAD
        result.append((round(dx, 4), round(dy, 4)))
    return result


def grid_layout(actors: Sequence[MapActor]) -> GridLayout:
    """Number the actors 1, 2, ... in the given order and place each in the
    cell of its (interest, influence) scores, spread so none overlap."""
    cells: dict[tuple[int, int], list[int]] = {}
    for index, actor in enumerate(actors):
        cells.setdefault((actor.interest, actor.influence), []).append(index)
    placed: dict[int, GridPoint] = {}
    for members in cells.values():
        for index, (dx, dy) in zip(members, _offsets(len(members)), strict=True):
            actor = actors[index]
            placed[index] = GridPoint(
                number=index + 1,
                actor=actor,
                quadrant=quadrant(actor.influence, actor.interest),
                dx=dx,
                dy=dy,
                crowd=len(members),
            )
    return GridLayout(points=tuple(placed[i] for i in range(len(actors))))


# -- grid SVG ------------------------------------------------------------------------


@dataclass(frozen=True)
class GridText:
    """The words on and about the grid (English by default). ``intro`` opens
    the description; the caller words it, plurals included."""

    title: str = "Power-interest grid"
    intro: str = ""
    x_axis: str = "Interest (1 to 5)"
    y_axis: str = "Influence (1 to 5)"
    quadrants: Mapping[str, str] = field(
        default_factory=lambda: {
            MANAGE_CLOSELY: "Manage closely",
            KEEP_SATISFIED: "Keep satisfied",
            KEEP_INFORMED: "Keep informed",
            MONITOR: "Monitor",
        }
    )
    none: str = "none"
    key: str = "Key"
    affected: str = "Affected"
    not_affected: str = "Not affected"


_CELL_W = 84
_CELL_H = 68
_STRIP = 22  # the label strip at the top of each half of the grid
_PLOT_X = 58
_PLOT_Y = 12
_LEGEND_GAP = 28
_LEGEND_W = 250
_LEGEND_LINE = 19
_QUADRANT_FILL = {
    MANAGE_CLOSELY: "#d9e8f6",
    KEEP_SATISFIED: "#e6e6e6",
    KEEP_INFORMED: "#f0f0f0",
    MONITOR: "#f9f9f9",
}
_LOW_SCORES = tuple(s for s in SCALE if s < HIGH_FROM)
_HIGH_SCORES = tuple(s for s in SCALE if s >= HIGH_FROM)


def _row_top(influence: int) -> float:
    """The top of the grid row for ``influence`` (high rows come first, each
    half of the grid under its own label strip)."""
    if influence >= HIGH_FROM:
        return _PLOT_Y + _STRIP + (SCALE[-1] - influence) * _CELL_H
    high_height = _STRIP + len(_HIGH_SCORES) * _CELL_H
    return _PLOT_Y + high_height + _STRIP + (HIGH_FROM - 1 - influence) * _CELL_H


def _col_left(interest: int) -> float:
    return _PLOT_X + (interest - 1) * _CELL_W


def grid_description(layout: GridLayout, text: GridText) -> str:
    """What the grid shows, in words: the intro, then each quadrant's actors."""
    parts = [text.intro] if text.intro else []
    for key in QUADRANTS:
        names = ", ".join(f"{p.number}. {p.actor.name}" for p in layout.in_quadrant(key))
        parts.append(f"{text.quadrants[key]}: {names or text.none}.")
    return " ".join(parts)


def _marker(point: GridPoint) -> str:
    col = _col_left(point.actor.interest) + _CELL_W / 2 + point.dx * _CELL_W
    row = _row_top(point.actor.influence) + _CELL_H / 2 + point.dy * _CELL_H
    cols = math.ceil(math.sqrt(point.crowd))
    rows = math.ceil(point.crowd / cols)
    room = min(_CELL_W * _SPREAD / cols, _CELL_H * _SPREAD / rows)
    radius = max(3.0, min(12.0, room / 2 - 1))
    label = str(point.number)
    size = min(11.0, radius * (1.1 if len(label) <= 2 else 0.8))
    if point.actor.is_affected:
        shape = svg_rect(
            col - radius,
            row - radius,
            2 * radius,
            2 * radius,
            fill="#ffffff",
            stroke=INK,
            stroke_width="1.5",
        )
    else:
        shape = (
            f'<circle cx="{num(col)}" cy="{num(row)}" r="{num(radius)}" fill="#ffffff" '
            f'stroke="{INK}" stroke-width="1.5"/>'
        )
    number = svg_text(
        col,
        row,
        label,
        text_anchor="middle",
        dominant_baseline="central",
        font_size=num(size),
        font_weight="bold",
    )
    return f'<g class="actor-point">{shape}{number}</g>'


def render_grid_svg(
    layout: GridLayout, *, text: GridText | None = None, id_prefix: str = "actor-grid"
) -> str:
    """The power-interest grid as an SVG document (a string to inline in HTML).

    Influence runs up, interest to the right; each quadrant is shaded and
    named in a strip at its top. Points are numbered circles (not affected)
    or squares (affected); the key on the right gives each number's name
    (shortened; the page's data table has them in full).
    """
    text = text or GridText()
    plot_w = len(SCALE) * _CELL_W
    plot_h = 2 * _STRIP + len(SCALE) * _CELL_H
    legend_x = _PLOT_X + plot_w + _LEGEND_GAP
    legend_lines = 4 + len(layout.points)
    width = legend_x + _LEGEND_W
    height = max(_PLOT_Y + plot_h + 52, _PLOT_Y + legend_lines * _LEGEND_LINE + 8)
    out = [
        svg_open(
            width, height, id_prefix, text.title, grid_description(layout, text), "actor-grid"
        )
    ]
    # Quadrants, each with its label strip.
    high_top = _PLOT_Y
    low_top = _row_top(max(_LOW_SCORES)) - _STRIP if _LOW_SCORES else None
    halves = [(True, high_top, len(_HIGH_SCORES)), (False, low_top, len(_LOW_SCORES))]
    low_interest_w = len(_LOW_SCORES) * _CELL_W
    for high_influence, top, rows in halves:
        if top is None or not rows:
            continue
        h = _STRIP + rows * _CELL_H
        for high_interest, left, w in (
            (False, _PLOT_X, low_interest_w),
            (True, _PLOT_X + low_interest_w, plot_w - low_interest_w),
        ):
            key = QUADRANT_OF[(high_influence, high_interest)]
            out.append(svg_rect(left, top, w, h, fill=_QUADRANT_FILL[key], stroke=LINE))
            out.append(
                svg_text(
                    left + 6, top + 15, text.quadrants[key], font_weight="bold", font_size="12"
                )
            )
    # Cell lines and tick labels.
    for score in SCALE:
        top = _row_top(score)
        out.append(
            f'<line x1="{_PLOT_X}" y1="{num(top + _CELL_H)}" x2="{_PLOT_X + plot_w}" '
            f'y2="{num(top + _CELL_H)}" stroke="{FAINT}"/>'
        )
        out.append(svg_text(_PLOT_X - 8, top + _CELL_H / 2 + 4, str(score), text_anchor="end"))
        left = _col_left(score)
        out.append(
            f'<line x1="{num(left)}" y1="{_PLOT_Y}" x2="{num(left)}" '
            f'y2="{_PLOT_Y + plot_h}" stroke="{FAINT}"/>'
        )
        out.append(
            svg_text(left + _CELL_W / 2, _PLOT_Y + plot_h + 16, str(score), text_anchor="middle")
        )
    # Axis titles.
    out.append(
        svg_text(
            _PLOT_X + plot_w / 2,
            _PLOT_Y + plot_h + 38,
            text.x_axis,
            text_anchor="middle",
            font_weight="bold",
        )
    )
    mid_y = _PLOT_Y + plot_h / 2
    out.append(
        svg_text(
            16,
            mid_y,
            text.y_axis,
            text_anchor="middle",
            font_weight="bold",
            transform=f"rotate(-90 16 {num(mid_y)})",
        )
    )
    out.extend(_marker(point) for point in layout.points)
    # Key.
    y = _PLOT_Y + 14
    out.append(svg_text(legend_x, y, text.key, font_weight="bold"))
    y += _LEGEND_LINE
    out.append(
        f'<circle cx="{legend_x + 7}" cy="{num(y - 4)}" r="6" fill="#ffffff" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    out.append(svg_text(legend_x + 20, y, text.not_affected))
    y += _LEGEND_LINE
    out.append(
        svg_rect(legend_x + 1, y - 10, 12, 12, fill="#ffffff", stroke=INK, stroke_width="1.5")
    )
    out.append(svg_text(legend_x + 20, y, text.affected))
    y += _LEGEND_LINE
    for point in layout.points:
        y += _LEGEND_LINE
        out.append(svg_text(legend_x, y, f"{point.number}. {shorten(point.actor.name, 34)}"))
    out.append("</svg>")
    return "".join(out)
