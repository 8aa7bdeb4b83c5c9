"""The opinion map as an accessible SVG (pure: no Django import).

Pol.is draws every participant as a dot; here each *base cluster* is one
circle whose area grows with the people in it, coloured and lettered by its
opinion group. That keeps the picture readable and light whatever the number
of participants (at most a hundred circles), and no circle stands for one
identifiable person unless a base cluster holds only one.

Groups are told apart twice, so the map reads without colour vision: by
colour (the Okabe-Ito palette, safe for the common colour deficiencies) and
by the group's letter drawn at its centre. The SVG is ``role="img"`` with a
``<title>`` and ``<desc>`` worded by the caller; pages follow it with a table
of the groups, which is the map's text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from participai.core.svg import INK, LINE, num, svg_open, svg_text

WIDTH = 560
HEIGHT = 380
MARGIN = 28
MAX_RADIUS = 26.0
MIN_RADIUS = 3.0
# Okabe & Ito (2008), "Color Universal Design": distinct for deuteranopia,
# protanopia and tritanopia; dark enough for white letters on A to E.
GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00")
GROUP_LETTERS = "ABCDE"


@dataclass(frozen=True)
class MapCircle:
    """One base cluster: where it sits, how many people, which group."""

    x: float
    y: float
    people: int
    group: int


@dataclass(frozen=True)
class MapGroup:
    """One opinion group's centre and size, for its letter."""

    x: float
    y: float
    people: int


def group_letter(group: int) -> str:
    """The letter a group goes by on pages and in reports (A for the first)."""
    if not 0 <= group < len(GROUP_LETTERS):
        raise ValueError(f"no letter for group {group}")
    return GROUP_LETTERS[group]


def render_svg(
    circles: Sequence[MapCircle],
    groups: Sequence[MapGroup],
    *,
    title: str,
    description: str,
    id_prefix: str = "opinion-map",
) -> str:
    """The SVG of the map: ``circles`` scaled to fit, each group's letter at
    its centre. Points are placed by their position only, so the same data
    give the same picture; an empty map is a frame with its title."""
    prefix = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in id_prefix) or "om"
    parts = [
        svg_open(WIDTH, HEIGHT, prefix, title, description, "opinion-map"),
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="#fff" '
        f'stroke="{LINE}" stroke-width="1"/>',
    ]
    points = [(c.x, c.y) for c in circles] + [(g.x, g.y) for g in groups]
    if points:
        place = _Placement(points)
        # Axes through the centre of opinion (the average participant).
        cx, cy = place(0.0, 0.0)
        if MARGIN <= cx <= WIDTH - MARGIN:
            parts.append(_line(cx, MARGIN / 2, cx, HEIGHT - MARGIN / 2))
        if MARGIN <= cy <= HEIGHT - MARGIN:
            parts.append(_line(MARGIN / 2, cy, WIDTH - MARGIN / 2, cy))
        largest = max((c.people for c in circles), default=1) or 1
        # Biggest first, so small circles stay visible on top.
        for circle in sorted(circles, key=lambda c: (-c.people, c.x, c.y)):
            x, y = place(circle.x, circle.y)
            radius = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(circle.people / largest))
            colour = GROUP_COLOURS[circle.group % len(GROUP_COLOURS)]
            parts.append(
                f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(radius)}" fill="{colour}" '
                f'fill-opacity="0.55" stroke="{colour}" stroke-width="1"/>'
            )
        for index, group in enumerate(groups):
            x, y = place(group.x, group.y)
            colour = GROUP_COLOURS[index % len(GROUP_COLOURS)]
            parts.append(
                f'<circle cx="{num(x)}" cy="{num(y)}" r="13" fill="{colour}" '
                f'stroke="#fff" stroke-width="2"/>'
            )
            parts.append(
                svg_text(
                    x,
                    y + 5,
                    group_letter(index),
                    text_anchor="middle",
                    font_weight="bold",
                    font_size="15",
                    fill="#fff",
                )
            )
    parts.append("</svg>")
    return "".join(parts)


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
        f'stroke="{INK}" stroke-opacity="0.25" stroke-dasharray="4 4"/>'
    )


class _Placement:
    """Maps the projection's coordinates into the frame, one scale for both
    axes (distances mean the same across and down), centred."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        xs = [p[0] for p in points] + [0.0]
        ys = [p[1] for p in points] + [0.0]
        self.mid_x = (min(xs) + max(xs)) / 2
        self.mid_y = (min(ys) + max(ys)) / 2
        span_x = max(xs) - min(xs)
        span_y = max(ys) - min(ys)
        inner_w = WIDTH - 2 * (MARGIN + MAX_RADIUS)
        inner_h = HEIGHT - 2 * (MARGIN + MAX_RADIUS)
        candidates = [inner_w / span_x if span_x > 0 else math.inf]
        candidates.append(inner_h / span_y if span_y > 0 else math.inf)
        scale = min(candidates)
        self.scale = 1.0 if math.isinf(scale) else scale

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        # SVG's y grows downwards; the projection's grows upwards.
        return (
            WIDTH / 2 + (x - self.mid_x) * self.scale,
            HEIGHT / 2 - (y - self.mid_y) * self.scale,
        )
