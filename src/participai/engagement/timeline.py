"""The engagement plan as a timeline: an accessible SVG drawn from activities (pure).

One lane per lifecycle stage, in lifecycle order; in each lane one row per
activity: a bar from its first to its last day when it is dated, and a line of
text "not dated" when it is not. Status is shown twice, so the picture reads in
black and white and without colour vision: by the bar's pattern (dashed
outline for proposed, plain outline for planned, hatched for running, solid for
done, crossed out for cancelled) and by a label after each title. A legend
repeats the patterns with their names.

The SVG is ``role="img"`` with a ``<title>`` and a ``<desc>`` (the caller words
both, translated; :func:`summarise` gives the numbers a description needs);
pages follow it with a data table of the same activities. Every text is
XML-escaped. Words (stage and status names, "not dated", month names) come from
the caller, so the module stays free of Django and of any language.

Pure: no Django import.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from participai.core.svg import shorten, svg_text, xml_text
from participai.core.vocabulary import STAGE_KEYS

STATUSES: tuple[str, ...] = ("proposed", "planned", "running", "done", "cancelled")

WIDTH = 960
LABEL_WIDTH = 200
PLOT_LEFT = 210
PLOT_RIGHT = 940
AXIS_HEIGHT = 34
ROW_HEIGHT = 24
BAR_HEIGHT = 14
LANE_PADDING = 6
LEGEND_HEIGHT = 44
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # average advance of a 12px sans-serif character, to place labels
TITLE_MAX_CHARS = 48
STAGE_LINE_CHARS = 26
MAX_TICKS = 12

INK = "#1b1b1b"
GRID = "#a9aeb1"
LANE_SHADE = "#f0f0f0"


def _iso_month(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


@dataclass(frozen=True)
class TimelineItem:
    """One activity as the timeline draws it. A single date (start or end) makes
    a one-day bar; ``ends_on`` before ``starts_on`` raises ``ValueError``."""

    title: str
    stage: str
    status: str
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGE_KEYS:
            raise ValueError(f"unknown stage {self.stage!r}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; expected one of {STATUSES}")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError(f"{self.title!r} ends before it starts")

    @property
    def dated(self) -> bool:
        return self.starts_on is not None or self.ends_on is not None

    @property
    def first_day(self) -> datetime.date | None:
        return self.starts_on or self.ends_on

    @property
    def last_day(self) -> datetime.date | None:
        return self.ends_on or self.starts_on


@dataclass(frozen=True)
class TimelineLabels:
    """The words of the picture, in the reader's language.

    ``stages`` maps stage keys to names, ``statuses`` status keys to names (keys
    missing from either are shown as they are); ``month`` formats an axis tick.
    """

    title: str
    description: str
    stages: Mapping[str, str] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)
    undated: str = "not dated"
    legend: str = "Status"
    today: str = "today"
    month: Callable[[datetime.date], str] = _iso_month


@dataclass(frozen=True)
class TimelineSummary:
    """The numbers a description of the timeline needs."""

    count: int
    dated: int
    undated: int
    stages: int
    first_day: datetime.date | None
    last_day: datetime.date | None


def summarise(items: Iterable[TimelineItem]) -> TimelineSummary:
    items = list(items)
    dated = [item for item in items if item.dated]
    return TimelineSummary(
        count=len(items),
        dated=len(dated),
        undated=len(items) - len(dated),
        stages=len({item.stage for item in items}),
        first_day=min((item.first_day for item in dated), default=None),
        last_day=max((item.last_day for item in dated), default=None),
    )


def ordered(items: Iterable[TimelineItem]) -> list[TimelineItem]:
    """Lifecycle order, then dated before undated, by first day, last day and title:
    the order of the rows in the picture, and of a data table that repeats it."""

    def key(item: TimelineItem) -> tuple:
        first = item.first_day or datetime.date.max
        last = item.last_day or datetime.date.max
        return (STAGE_KEYS.index(item.stage), not item.dated, first, last, item.title)

    return sorted(items, key=key)


# --- Drawing -----------------------------------------------------------------------------


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


HALO = {"stroke": "#ffffff", "stroke_width": "3", "paint_order": "stroke"}


class _Scale:
    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        self.start = _month_start(first)
        self.end = _add_months(_month_start(last), 1)
        self.days = (self.end - self.start).days

    def x(self, day: datetime.date) -> float:
        share = (day - self.start).days / self.days
        return PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT)

    def ticks(self) -> list[datetime.date]:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        step = max(1, math.ceil(months / MAX_TICKS))
        return [_add_months(self.start, i) for i in range(0, months, step)]


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/>'
        "</pattern>"
        "</defs>"
    )


def _bar(prefix: str, status: str, x: float, y: float, width: float) -> str:
    """A bar drawn in the status's pattern (never colour alone)."""
    common = f'x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}"'
    if status == "proposed":
        return (
            f'<rect {common} fill="#ffffff" stroke="{INK}" stroke-width="1.5" '
            'stroke-dasharray="4 3"/>'
        )
    if status == "planned":
        return f'<rect {common} fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>'
    if status == "running":
        return f'<rect {common} fill="url(#{prefix}-hatch)" stroke="{INK}" stroke-width="1.5"/>'
    if status == "done":
        return f'<rect {common} fill="{INK}" stroke="{INK}" stroke-width="1.5"/>'
    middle = y + BAR_HEIGHT / 2
    return (
        f'<rect {common} fill="{LANE_SHADE}" stroke="{INK}" stroke-width="1" '
        'stroke-dasharray="1 2"/>'
        f'<line x1="{x:.1f}" y1="{middle:.1f}" x2="{x + width:.1f}" y2="{middle:.1f}" '
        f'stroke="{INK}" stroke-width="2"/>'
    )


def render_svg(
    items: Iterable[TimelineItem],
    labels: TimelineLabels,
    *,
    id_prefix: str = "timeline",
    today: datetime.date | None = None,
) -> str:
    """The SVG markup of the timeline of ``items``.

    Every lifecycle stage gets a lane, so gaps in engagement show. ``id_prefix``
    keeps the ids of title, description and patterns unique on a page. A
    ``today`` within the dated range is marked with a dashed line.
    """
    items = ordered(items)
    prefix = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in id_prefix) or "tl"
    dated = [item for item in items if item.dated]
    scale = (
        _Scale(min(i.first_day for i in dated), max(i.last_day for i in dated)) if dated else None
    )
    by_stage: dict[str, list[TimelineItem]] = {key: [] for key in STAGE_KEYS}
    for item in items:
        by_stage[item.stage].append(item)

    lanes: list[str] = []  # backgrounds and stage names, drawn under the grid
    body: list[str] = []  # bars and their labels, drawn over it
    y = AXIS_HEIGHT
    for index, stage in enumerate(STAGE_KEYS):
        rows = by_stage[stage]
        stage_lines = _wrap(labels.stages.get(stage, stage), STAGE_LINE_CHARS)
        height = max(len(rows), len(stage_lines), 1) * ROW_HEIGHT + 2 * LANE_PADDING
        if index % 2 == 0:
            lanes.append(
                f'<rect x="0" y="{y}" width="{WIDTH}" height="{height}" fill="{LANE_SHADE}"/>'
            )
        lanes.append(
            f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="{GRID}" stroke-width="1"/>'
        )
        for n, line in enumerate(stage_lines):
            lanes.append(
                svg_text(8, y + LANE_PADDING + 16 + n * ROW_HEIGHT, line, font_weight="bold")
            )
        for n, item in enumerate(rows):
            row_top = y + LANE_PADDING + n * ROW_HEIGHT
            body.append(_row(prefix, item, row_top, scale, labels))
        y += height
    lanes.append(f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="{GRID}" stroke-width="1"/>')
    lanes_bottom = y

    axis: list[str] = []
    if scale is not None:
        for tick in scale.ticks():
            x = scale.x(tick)
            axis.append(
                f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{lanes_bottom}" '
                f'stroke="{GRID}" stroke-width="1"/>'
            )
            axis.append(svg_text(x + 3, AXIS_HEIGHT - 10, labels.month(tick)))
        if today is not None and scale.start <= today < scale.end:
            x = scale.x(today)
            axis.append(
                f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 20}" x2="{x:.1f}" y2="{lanes_bottom}" '
                f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 3"/>'
            )
            axis.append(svg_text(x + 3, AXIS_HEIGHT - 22, labels.today, font_style="italic"))

    legend = _legend(prefix, labels, lanes_bottom + 14)
    height = lanes_bottom + LEGEND_HEIGHT
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" font-family="sans-serif" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{title_id}">{xml_text(labels.title)}</title>'
        f'<desc id="{desc_id}">{xml_text(labels.description)}</desc>'
        f"{_defs(prefix)}{''.join(lanes)}{''.join(axis)}{''.join(body)}{legend}</svg>"
    )


def _row(
    prefix: str,
    item: TimelineItem,
    top: float,
    scale: _Scale | None,
    labels: TimelineLabels,
) -> str:
    status = labels.statuses.get(item.status, item.status)
    title = shorten(item.title, TITLE_MAX_CHARS)
    baseline = top + ROW_HEIGHT / 2 + 4
    if not item.dated or scale is None:
        return svg_text(PLOT_LEFT, baseline, f"{title} ({status}, {labels.undated})", **HALO)
    assert item.first_day is not None and item.last_day is not None
    x0 = scale.x(item.first_day)
    x1 = max(scale.x(item.last_day + datetime.timedelta(days=1)), x0 + 3)
    bar = _bar(prefix, item.status, x0, top + (ROW_HEIGHT - BAR_HEIGHT) / 2, x1 - x0)
    label = f"{title} ({status})"
    width = len(label) * CHAR_WIDTH
    if x1 + 4 + width <= WIDTH or x0 - 4 - width < PLOT_LEFT:
        text = svg_text(x1 + 4, baseline, label, **HALO)
    else:
        text = svg_text(x0 - 4, baseline, label, text_anchor="end", **HALO)
    return bar + text


def _legend(prefix: str, labels: TimelineLabels, top: float) -> str:
    parts = [svg_text(8, top + BAR_HEIGHT - 2, labels.legend, font_weight="bold")]
    x = float(PLOT_LEFT)
    for status in STATUSES:
        name = labels.statuses.get(status, status)
        parts.append(_bar(prefix, status, x, top, 28))
        parts.append(svg_text(x + 34, top + BAR_HEIGHT - 2, name))
        x += 34 + len(name) * CHAR_WIDTH + 24
    return "".join(parts)
