"""The stage x actor coverage matrix: rows, counts, description and SVG.

Pure: no Django import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from participai.core.svg import FAINT, INK, LINE, num, shorten, svg_open, svg_rect, svg_text
from participai.core.vocabulary import DEPTHS, STAGE_KEYS

from .model import DEPTH_RANK, MapActor

# -- coverage matrix -----------------------------------------------------------------

# Shades of one hue, lightest for "inform"; the mark and the text colour keep
# every cell readable without colour.
DEPTH_FILL: Mapping[str, str] = MappingProxyType(
    {
        "inform": "#d9e8f6",
        "consult": "#aacdec",
        "involve": "#73b3e7",
        "collaborate": "#2378c3",
        "empower": "#0b4778",
    }
)
DEPTH_INK: Mapping[str, str] = MappingProxyType(
    {"inform": INK, "consult": INK, "involve": INK, "collaborate": "#ffffff", "empower": "#ffffff"}
)
# The mark in each cell: the rung on the ladder, the same in every language.
DEPTH_MARKS: Mapping[str, str] = MappingProxyType(
    {depth: str(rank + 1) for depth, rank in DEPTH_RANK.items()}
)


@dataclass(frozen=True)
class CoverageText:
    """The words on and about the coverage matrix (English by default)."""

    title: str = "Who takes part at each stage"
    intro: str = ""
    stage_names: Mapping[str, str] = field(
        default_factory=lambda: {key: key.replace("_", " ").capitalize() for key in STAGE_KEYS}
    )
    depth_names: Mapping[str, str] = field(
        default_factory=lambda: {key: key.capitalize() for key in DEPTHS}
    )
    nobody: str = "nobody"
    key: str = "Key"
    blank: str = "Blank: not involved"


@dataclass(frozen=True)
class CoverageRow:
    actor: MapActor
    number: int
    depths: tuple[str | None, ...]  # one per stage, in ``STAGE_KEYS`` order


def coverage_rows(
    actors: Sequence[MapActor], stages: Sequence[str] = STAGE_KEYS
) -> list[CoverageRow]:
    """One row per actor (numbered as on the grid) with its depth at each stage."""
    return [
        CoverageRow(actor=a, number=i + 1, depths=tuple(a.depth_at(s) for s in stages))
        for i, a in enumerate(actors)
    ]


def stage_counts(actors: Sequence[MapActor], stages: Sequence[str] = STAGE_KEYS) -> list[int]:
    """How many actors take part (any depth) at each stage."""
    return [sum(1 for a in actors if a.depth_at(s)) for s in stages]


def coverage_description(
    actors: Sequence[MapActor], text: CoverageText, stages: Sequence[str] = STAGE_KEYS
) -> str:
    """What the matrix shows, in words: per stage, who takes part and how deeply."""
    parts = [text.intro] if text.intro else []
    for stage in stages:
        present = [
            f"{a.name} ({text.depth_names[a.involvements[stage]]})"
            for a in actors
            if stage in a.involvements
        ]
        parts.append(f"{text.stage_names[stage]}: {', '.join(present) or text.nobody}.")
    return " ".join(parts)


_ROW_LABEL_W = 230
_MATRIX_CELL_W = 46
_MATRIX_CELL_H = 28
_HEADER_ANGLE = 45
_CHAR_W = 6.6  # a generous average glyph width at 12px, to size rotated headers


def render_coverage_svg(
    actors: Sequence[MapActor],
    *,
    text: CoverageText | None = None,
    stages: Sequence[str] = STAGE_KEYS,
    id_prefix: str = "actor-coverage",
) -> str:
    """The stage x actor coverage matrix as an SVG document.

    One row per actor, one column per stage
    (numbered, with its name slanted above). A cell is shaded by depth and
    marked with the depth's rung (1 inform ... 5 empower); blank means not
    involved. A key under the matrix names the rungs.
    """
    text = text or CoverageText()
    longest = max((len(text.stage_names[s]) for s in stages), default=0)
    slant = math.sin(math.radians(_HEADER_ANGLE))
    header_h = 30 + min(longest, 40) * _CHAR_W * slant
    left = _ROW_LABEL_W
    top = header_h
    grid_w = len(stages) * _MATRIX_CELL_W
    rows = max(1, len(actors))
    grid_h = rows * _MATRIX_CELL_H
    key_top = top + grid_h + 24
    width = left + grid_w + min(longest, 40) * _CHAR_W * slant + 16
    key_w = 120
    per_line = max(1, int((width - 8) // key_w))
    key_lines = math.ceil((len(DEPTHS) + 1) / per_line)
    height = key_top + 20 + key_lines * 24 + 8
    out = [
        svg_open(
            width,
            height,
            id_prefix,
            text.title,
            coverage_description(actors, text, stages),
            "actor-coverage",
        )
    ]
    for col, stage in enumerate(stages):
        cx = left + col * _MATRIX_CELL_W + _MATRIX_CELL_W / 2
        out.append(svg_text(cx, top - 8, str(col + 1), text_anchor="middle", font_weight="bold"))
        anchor_y = top - 24
        out.append(
            svg_text(
                cx,
                anchor_y,
                shorten(text.stage_names[stage], 40),
                font_size="12",
                transform=f"rotate(-{_HEADER_ANGLE} {num(cx)} {num(anchor_y)})",
            )
        )
    for index, actor in enumerate(actors):
        y = top + index * _MATRIX_CELL_H
        if index % 2:
            out.append(svg_rect(0, y, left + grid_w, _MATRIX_CELL_H, fill="#f7f7f7"))
        out.append(svg_text(6, y + 18, shorten(actor.name, 32)))
        for col, stage in enumerate(stages):
            x = left + col * _MATRIX_CELL_W
            depth = actor.depth_at(stage)
            if depth is None:
                out.append(
                    svg_rect(
                        x + 2,
                        y + 2,
                        _MATRIX_CELL_W - 4,
                        _MATRIX_CELL_H - 4,
                        fill="#ffffff",
                        stroke=FAINT,
                    )
                )
                continue
            out.append(
                svg_rect(
                    x + 2,
                    y + 2,
                    _MATRIX_CELL_W - 4,
                    _MATRIX_CELL_H - 4,
                    fill=DEPTH_FILL[depth],
                    stroke=LINE,
                    class_=f"depth-{depth}",
                )
            )
            out.append(
                svg_text(
                    x + _MATRIX_CELL_W / 2,
                    y + 18,
                    DEPTH_MARKS[depth],
                    text_anchor="middle",
                    font_weight="bold",
                    fill=DEPTH_INK[depth],
                )
            )
    if not actors:
        out.append(svg_text(6, top + 18, text.nobody))
    out.append(
        f'<line x1="{num(left)}" y1="{num(top)}" x2="{num(left + grid_w)}" '
        f'y2="{num(top)}" stroke="{LINE}"/>'
    )
    # Key.
    out.append(svg_text(6, key_top + 4, text.key, font_weight="bold"))
    entries: list[tuple[str | None, str]] = [(d, text.depth_names[d]) for d in DEPTHS]
    entries.append((None, text.blank))
    for index, (depth, label) in enumerate(entries):
        line, slot = divmod(index, per_line)
        x = 6 + slot * key_w
        y = key_top + 14 + line * 24
        fill = DEPTH_FILL[depth] if depth else "#ffffff"
        out.append(svg_rect(x, y, 22, 18, fill=fill, stroke=LINE if depth else FAINT))
        if depth:
            out.append(
                svg_text(
                    x + 11,
                    y + 13,
                    DEPTH_MARKS[depth],
                    text_anchor="middle",
                    font_weight="bold",
                    fill=DEPTH_INK[depth],
                    font_size="12",
                )
            )
        out.append(svg_text(x + 28, y + 13, label))
    out.append("</svg>")
    return "".join(out)
