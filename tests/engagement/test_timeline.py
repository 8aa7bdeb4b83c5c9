"""The pure timeline of the engagement plan: valid, accessible, escaped SVG that
shows status without colour, one lane per stage, bars on a time axis."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from participai.core.vocabulary import STAGE_KEYS
from participai.engagement.timeline import (
    INK,
    MAX_TICKS,
    STATUSES,
    TimelineItem,
    TimelineLabels,
    ordered,
    render_svg,
    summarise,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
D = datetime.date
STAGE_NAMES = {key: key.replace("_", " ").capitalize() for key in STAGE_KEYS}
STATUS_NAMES = {status: status.upper() for status in STATUSES}
LABELS = TimelineLabels(
    title="Plan timeline",
    description="Three activities.",
    stages=STAGE_NAMES,
    statuses=STATUS_NAMES,
    undated="NOT DATED",
    legend="Legend",
    today="TODAY",
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def items() -> list[TimelineItem]:
    return [
        TimelineItem("Focus groups", "problem_definition", "done", D(2025, 1, 6), D(2025, 2, 14)),
        TimelineItem("Notice", "engagement_planning", "running", D(2025, 3, 1), D(2025, 3, 31)),
        TimelineItem("Lessons", "review", "planned"),
    ]


def test_the_svg_is_an_image_named_by_its_title_and_description():
    root = parse(render_svg(items(), LABELS, id_prefix="tl"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert (title.get("id"), title.text) == (title_id, "Plan timeline")
    assert (desc.get("id"), desc.text) == (desc_id, "Three activities.")
    assert next(iter(root)) is title  # the title comes first


def test_every_text_is_escaped():
    nasty = 'Workshop <script>alert("x")</script> & "friends"'
    labels = TimelineLabels(
        title="A & B <c>", description="d < e", stages={"review": "Review & <lessons>"}
    )
    svg = render_svg([TimelineItem(nasty, "review", "planned", D(2025, 1, 1))], labels)
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == "A & B <c>"
    assert root.find("svg:desc", NS).text == "d < e"
    all_text = texts(root)
    assert "Review & <lessons>" in all_text
    assert any(t.startswith('Workshop <script>alert("x")</script> & "friends"') for t in all_text)


def test_characters_xml_forbids_are_dropped_not_written():
    labels = TimelineLabels(title="Plan\x00", description="d\x1b", stages={"review": "Re\x01view"})
    item = TimelineItem("Work\x01shop", "review", "planned", D(2025, 1, 1))
    root = parse(render_svg([item], labels))  # still well-formed
    assert root.find("svg:title", NS).text == "Plan"
    assert "Review" in texts(root)
    assert any(t.startswith("Workshop") for t in texts(root))


def test_one_lane_per_stage_in_lifecycle_order():
    all_text = texts(parse(render_svg(items(), LABELS)))
    positions = [all_text.index(STAGE_NAMES[key]) for key in STAGE_KEYS]
    assert positions == sorted(positions)


def test_dated_activities_get_bars_and_undated_ones_are_listed():
    root = parse(render_svg(items(), LABELS, id_prefix="tl"))
    all_text = texts(root)
    assert "Focus groups (DONE)" in all_text
    assert "Notice (RUNNING)" in all_text
    assert "Lessons (PLANNED, NOT DATED)" in all_text
    # Two bars plus five legend swatches (each one rect; cancelled adds a line).
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("height") == "14"]
    assert len(bars) == 2 + len(STATUSES)


def test_status_shows_by_pattern_not_colour_alone():
    dated = [
        TimelineItem(status, "review", status, D(2025, 1, 1), D(2025, 1, 20))
        for status in STATUSES
    ]
    svg = render_svg(dated, LABELS, id_prefix="tl")
    root = parse(svg)
    bars = [
        r
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.get("height") == "14" and r.get("width") != "28.0"  # not the legend's swatches
    ]
    styles = [(r.get("fill"), r.get("stroke-dasharray")) for r in bars]
    # Five different looks for five statuses.
    assert len(styles) == len(set(styles)) == len(STATUSES)
    assert ("url(#tl-hatch)", None) in styles  # running
    assert (INK, None) in styles  # done
    assert ("#ffffff", "4 3") in styles  # proposed
    assert root.find(".//svg:pattern[@id='tl-hatch']", NS) is not None
    # Cancelled is also struck through, and every status is named in words.
    strikes = [
        line
        for line in root.iter("{http://www.w3.org/2000/svg}line")
        if line.get("stroke") == INK and line.get("y1") == line.get("y2")
    ]
    # Through the one cancelled bar and its sample in the legend (lanes are grey).
    assert len(strikes) == 2
    legend = texts(root)
    for name in STATUS_NAMES.values():
        assert name in legend
    assert "Legend" in legend


def test_bars_sit_on_the_time_axis():
    first = TimelineItem("A", "review", "planned", D(2025, 1, 1), D(2025, 1, 31))
    second = TimelineItem("B", "review", "planned", D(2025, 3, 1), D(2025, 4, 30))
    root = parse(render_svg([second, first], LABELS))
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("height") == "14"]
    a, b = bars[0], bars[1]
    assert float(a.get("x")) < float(b.get("x"))
    # B lasts about twice as long as A.
    ratio = float(b.get("width")) / float(a.get("width"))
    assert 1.8 < ratio < 2.1
    # Monthly ticks from January to April.
    labels = texts(root)
    assert [t for t in labels if t[:4] == "2025"] == ["2025-01", "2025-02", "2025-03", "2025-04"]


def test_one_date_is_enough_for_a_bar():
    only_end = TimelineItem("Deadline", "review", "planned", ends_on=D(2025, 5, 2))
    assert only_end.dated and only_end.first_day == only_end.last_day == D(2025, 5, 2)
    root = parse(render_svg([only_end], LABELS))
    assert "Deadline (PLANNED)" in texts(root)


def test_long_ranges_keep_the_axis_readable():
    long = TimelineItem("Board", "review", "running", D(2024, 1, 1), D(2027, 6, 30))
    ticks = [t for t in texts(parse(render_svg([long], LABELS))) if re.match(r"\d{4}-\d\d", t)]
    assert 1 < len(ticks) <= MAX_TICKS


def test_month_labels_come_from_the_caller():
    labels = TimelineLabels(title="t", description="d", month=lambda day: f"M{day.month}")
    all_text = texts(parse(render_svg(items(), labels)))
    assert "M1" in all_text and "M3" in all_text


def test_today_is_marked_only_within_the_range():
    inside = texts(parse(render_svg(items(), LABELS, today=D(2025, 2, 1))))
    outside = texts(parse(render_svg(items(), LABELS, today=D(2030, 1, 1))))
    assert "TODAY" in inside
    assert "TODAY" not in outside


def test_without_dates_there_is_no_axis_and_without_items_still_a_valid_image():
    undated = [TimelineItem("Later", "review", "proposed")]
    root = parse(render_svg(undated, LABELS))
    assert not [t for t in texts(root) if re.match(r"\d{4}-\d\d", t)]
    assert "Later (PROPOSED, NOT DATED)" in texts(root)
    empty = parse(render_svg([], LABELS))
    assert empty.get("role") == "img"


def test_long_titles_are_shortened_in_the_picture():
    title = "A very long title " * 10
    all_text = texts(parse(render_svg([TimelineItem(title, "review", "done")], LABELS)))
    shortened = next(t for t in all_text if t.startswith("A very long title"))
    assert "…" in shortened
    assert len(shortened) < len(title)


def test_the_id_prefix_is_made_safe():
    root = parse(render_svg(items(), LABELS, id_prefix='a b"<c>'))
    assert root.get("aria-labelledby") == "a-b--c--title a-b--c--desc"


def test_items_are_checked():
    with pytest.raises(ValueError, match="unknown stage"):
        TimelineItem("x", "nowhere", "planned")
    with pytest.raises(ValueError, match="unknown status"):
        TimelineItem("x", "review", "maybe")
    with pytest.raises(ValueError, match="ends before it starts"):
        TimelineItem("x", "review", "planned", D(2025, 2, 1), D(2025, 1, 1))


def test_order_is_lifecycle_then_dated_first_then_by_date():
    a = TimelineItem("a", "review", "planned")
    b = TimelineItem("b", "review", "planned", D(2025, 3, 1))
    c = TimelineItem("c", "review", "planned", D(2025, 1, 1))
    d = TimelineItem("d", "problem_definition", "planned")
    assert [i.title for i in ordered([a, b, c, d])] == ["d", "c", "b", "a"]


def test_summary_counts_what_a_description_needs():
    summary = summarise(items())
    assert (summary.count, summary.dated, summary.undated, summary.stages) == (3, 2, 1, 3)
    assert (summary.first_day, summary.last_day) == (D(2025, 1, 6), D(2025, 3, 31))
    empty = summarise([])
    assert (empty.count, empty.first_day, empty.last_day) == (0, None, None)
