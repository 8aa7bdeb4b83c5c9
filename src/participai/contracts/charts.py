"""A KPI over time against its target and threshold, as SVG. Pure: no Django.

:func:`kpi_chart` draws the measurements (one line, or one per group of a
fairness KPI) with the target and the threshold as labelled horizontal
lines. Each point's status is shown by its shape as well as its colour
(circle: met; square: below target; triangle: threshold breached), and a
key says so. The picture is ``role="img"`` with a title and a description
that says where the latest value stands; :func:`chart_table` gives the rows
of the data table shown beside it, for those who cannot see the picture.

Light on purpose, as a page may show ten KPIs of five years of weekly
figures: each point is a ``<use>`` of one of three shapes defined once.
Words on the picture come from :class:`ChartText` (English by default; the
web layer passes them translated).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from participai.core.svg import FAINT, INK, LINE, num, shorten, svg_open, svg_text, xml_text

from .kpi_status import BELOW_TARGET, BREACH, MET, STATUSES, status

Point = tuple[datetime.date, Decimal]
Series = Sequence[Point] | Mapping[str, Sequence[Point]]

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 78
STATUS_FILL = {MET: "#00a91c", BELOW_TARGET: "#e5a000", BREACH: "#d83933"}
TARGET_INK = "#008817"
THRESHOLD_INK = "#b50909"
# Lines of the groups of a fairness KPI: told apart by dash as well as colour.
GROUP_STYLES = (
    ("#005ea2", ""),
    ("#6b3fa0", "6 3"),
    ("#1a4480", "2 3"),
    ("#936f38", "8 3 2 3"),
    ("#3d4551", "1 2"),
)


@dataclass(frozen=True)
class ChartText:
    """The words on and about a KPI chart (English by default)."""

    statuses: Mapping[str, str] = field(
        default_factory=lambda: {
            MET: "met",
            BELOW_TARGET: "below target",
            BREACH: "threshold breached",
        }
    )
    target: str = "Target"
    threshold: str = "Threshold"
    no_data: str = "No measurement yet."
    # %(...)s placeholders, as gettext messages are written.
    latest: str = (
        "Latest value %(value)s on %(date)s: %(status)s "
        "(target %(target)s, threshold %(threshold)s)."
    )
    latest_group: str = "%(group)s: %(value)s on %(date)s, %(status)s."
    count: str = "%(count)s measurements from %(first)s to %(last)s."
    overall: str = "Whole service"


@dataclass(frozen=True)
class TableRow:
    measured_on: datetime.date
    group: str
    value: Decimal
    status: str
    status_label: str


def _series(points: Series) -> list[tuple[str, list[Point]]]:
    if isinstance(points, Mapping):
        return [(group, sorted(values)) for group, values in points.items() if values]
    return [("", sorted(points))] if points else []


def _with_unit(value: Decimal, unit: str) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit != "%" else f"{text}%"


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def chart_table(
    points: Series,
    *,
    target: Decimal,
    threshold: Decimal,
    direction: str,
    text: ChartText | None = None,
) -> list[TableRow]:
    """The rows of the data table beside the chart: newest first, then by group."""
    text = text or ChartText()
    rows = [
        TableRow(
            measured_on=day,
            group=group,
            value=value,
            status=(
                state := status(value, target=target, threshold=threshold, direction=direction)
            ),
            status_label=text.statuses[state],
        )
        for group, values in _series(points)
        for day, value in values
    ]
    rows.sort(key=lambda row: row.group)
    rows.sort(key=lambda row: row.measured_on, reverse=True)
    return rows


def describe(
    points: Series,
    *,
    target: Decimal,
    threshold: Decimal,
    direction: str,
    unit: str,
    text: ChartText | None = None,
) -> str:
    """The chart in words: where the latest value (of each group) stands, and
    how many measurements over which dates."""
    text = text or ChartText()
    series = _series(points)
    if not series:
        return text.no_data
    parts = []
    grouped = any(group for group, _values in series)
    for group, values in series:
        day, value = values[-1]
        state = status(value, target=target, threshold=threshold, direction=direction)
        params = {
            "group": group or text.overall,
            "value": _with_unit(value, unit),
            "date": day.isoformat(),
            "status": text.statuses[state],
            "target": _with_unit(target, unit),
            "threshold": _with_unit(threshold, unit),
        }
        parts.append((text.latest_group if grouped else text.latest) % params)
    if grouped:
        parts.append(
            f"{text.target}: {_with_unit(target, unit)}; "
            f"{text.threshold}: {_with_unit(threshold, unit)}."
        )
    days = [day for _group, values in series for day, _value in values]
    parts.append(
        text.count
        % {
            "count": len(days),
            "first": min(days).isoformat(),
            "last": max(days).isoformat(),
        }
    )
    return " ".join(parts)


def _marker_defs(prefix: str) -> str:
    # Shapes centred on (0, 0): circle for met, square below target, triangle for a breach.
    return (
        "<defs>"
        f'<circle id="{prefix}-{MET}" r="4" fill="{STATUS_FILL[MET]}" stroke="{INK}" '
        'stroke-width="0.75"/>'
        f'<rect id="{prefix}-{BELOW_TARGET}" x="-4" y="-4" width="8" height="8" '
        f'fill="{STATUS_FILL[BELOW_TARGET]}" stroke="{INK}" stroke-width="0.75"/>'
        f'<path id="{prefix}-{BREACH}" d="M0 -5.5 L5 3.5 L-5 3.5 Z" '
        f'fill="{STATUS_FILL[BREACH]}" stroke="{INK}" stroke-width="0.75"/>'
        "</defs>"
    )


def kpi_chart(
    points: Series,
    *,
    target: Decimal,
    threshold: Decimal,
    direction: str,
    unit: str,
    title: str,
    ident: str = "kpi-chart",
    text: ChartText | None = None,
) -> str:
    """The SVG of a KPI's measurements over time.

    ``points`` is a sequence of ``(date, value)`` or, for a fairness KPI, a
    mapping of group to such a sequence (one line each). The vertical scale
    always includes the target and the threshold; the horizontal one runs
    from the first measurement to the last. ``ident`` prefixes the ids in
    the picture: give each chart on a page its own.
    """
    text = text or ChartText()
    series = _series(points)
    desc = describe(
        points, target=target, threshold=threshold, direction=direction, unit=unit, text=text
    )
    parts = [svg_open(WIDTH, HEIGHT, ident, title, desc, "kpi-chart"), _marker_defs(ident)]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    values = [float(v) for _g, vals in series for _d, v in vals] + [
        float(target),
        float(threshold),
    ]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step

    def y_of(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    days = sorted({d for _g, vals in series for d, _v in vals})
    first = days[0] if days else None
    span = (days[-1] - days[0]).days if days else 0

    def x_of(day: datetime.date) -> float:
        if not span:
            return LEFT + plot_w / 2
        return LEFT + (day - first).days / span * plot_w

    # Grid and y axis labels.
    tick = low
    while tick <= high + step / 2:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{num(y)}" x2="{LEFT + plot_w}" y2="{num(y)}" '
            f'stroke="{FAINT}"/>'
        )
        parts.append(
            svg_text(
                LEFT - 6,
                y + 4,
                _with_unit(Decimal(str(round(tick, 6))), unit),
                text_anchor="end",
                font_size=11,
            )
        )
        tick += step
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{LINE}"/>'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        f'stroke="{LINE}"/>'
    )
    # X axis: up to six dates, evenly spread over the measured ones.
    if days:
        shown = (
            days if len(days) <= 6 else [days[round(i * (len(days) - 1) / 5)] for i in range(6)]
        )
        shown = list(dict.fromkeys(shown))
        for index, day in enumerate(shown):
            x = x_of(day)
            # The outer labels are anchored inwards, so they are not cut at the edges.
            anchor = (
                "middle"
                if len(shown) == 1 or 0 < index < len(shown) - 1
                else ("start" if index == 0 else "end")
            )
            parts.append(
                f'<line x1="{num(x)}" y1="{TOP + plot_h}" x2="{num(x)}" '
                f'y2="{TOP + plot_h + 4}" stroke="{LINE}"/>'
            )
            parts.append(
                svg_text(x, TOP + plot_h + 17, day.isoformat(), text_anchor=anchor, font_size=11)
            )
    # Target and threshold.
    for label, value, ink, dash in (
        (text.target, target, TARGET_INK, "6 4"),
        (text.threshold, threshold, THRESHOLD_INK, "2 3"),
    ):
        y = y_of(float(value))
        parts.append(
            f'<line x1="{LEFT}" y1="{num(y)}" x2="{LEFT + plot_w}" y2="{num(y)}" '
            f'stroke="{ink}" stroke-width="1.5" stroke-dasharray="{dash}"/>'
        )
        parts.append(
            svg_text(
                LEFT + plot_w - 2,
                y - 4,
                f"{label} {_with_unit(value, unit)}",
                text_anchor="end",
                font_size=11,
                fill=ink,
            )
        )
    if not series:
        parts.append(
            svg_text(LEFT + plot_w / 2, TOP + plot_h / 2, text.no_data, text_anchor="middle")
        )
    # Lines, then points on top of them.
    for index, (_group, vals) in enumerate(series):
        ink, dash = GROUP_STYLES[index % len(GROUP_STYLES)]
        if len(vals) > 1:
            path = " ".join(f"{num(x_of(d))},{num(y_of(float(v)))}" for d, v in vals)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{ink}" stroke-width="1.5"'
                f"{dash_attr}/>"
            )
        for d, v in vals:
            state = status(v, target=target, threshold=threshold, direction=direction)
            parts.append(
                f'<use href="#{xml_text(ident)}-{state}" x="{num(x_of(d))}" '
                f'y="{num(y_of(float(v)))}"/>'
            )
    # The key: statuses by shape, and the groups' lines.
    key_y = HEIGHT - 36
    x = LEFT
    for state in STATUSES:
        parts.append(f'<use href="#{xml_text(ident)}-{state}" x="{x + 5}" y="{key_y}"/>')
        label = text.statuses[state]
        parts.append(svg_text(x + 14, key_y + 4, label, font_size=11))
        x += 24 + 6.5 * len(label)
    if any(group for group, _vals in series):
        x = LEFT
        for index, (group, _vals) in enumerate(series):
            ink, dash = GROUP_STYLES[index % len(GROUP_STYLES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{num(x)}" y1="{key_y + 20}" x2="{num(x + 22)}" y2="{key_y + 20}" '
                f'stroke="{ink}" stroke-width="2"{dash_attr}/>'
            )
            label = shorten(group, 24)
            parts.append(svg_text(x + 27, key_y + 24, label, font_size=11))
            x += 36 + 6.5 * len(label)
    parts.append("</svg>")
    return "".join(parts)
