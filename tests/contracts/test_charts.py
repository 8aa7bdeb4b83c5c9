"""The KPI chart: well-formed, accessible SVG; status shown by shape; light with many points."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from participai.contracts.charts import ChartText, chart_table, describe, kpi_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
KPI = {"target": Decimal(95), "threshold": Decimal(85), "direction": "higher", "unit": "%"}
day = datetime.date


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def uses(root: ET.Element) -> list[str]:
    # Points and key entries are <use href="#ident-status">.
    return [u.get("href").rsplit("-", 1)[-1] for u in root.iter("{http://www.w3.org/2000/svg}use")]


POINTS = [
    (day(2026, 1, 31), Decimal("96")),
    (day(2026, 2, 28), Decimal("90")),
    (day(2026, 3, 31), Decimal("80")),
]


def test_accessible_picture_with_title_and_description_of_the_latest_value():
    root = parse(kpi_chart(POINTS, title="Seen the same day", ident="k1", **KPI))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "k1-title k1-desc"
    assert root.find("svg:title", NS).text == "Seen the same day"
    desc = root.find("svg:desc", NS).text
    assert "Latest value 80% on 2026-03-31: threshold breached" in desc
    assert "target 95%, threshold 85%" in desc
    assert "3 measurements from 2026-01-31 to 2026-03-31" in desc


def test_each_point_has_the_shape_of_its_status_and_a_key_explains_them():
    root = parse(kpi_chart(POINTS, title="t", ident="k", **KPI))
    shapes = {e.get("id"): e.tag.split("}")[1] for e in root.find("svg:defs", NS)}
    assert shapes == {"k-met": "circle", "k-below_target": "rect", "k-breach": "path"}
    # Three points (met, below target, breach), then the key's three entries.
    assert uses(root) == ["met", "below_target", "breach"] * 2
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"met", "below target", "threshold breached"} <= set(texts)
    assert "Target 95%" in texts and "Threshold 85%" in texts


def test_lower_is_better_statuses():
    points = [(day(2026, 1, 31), Decimal("1")), (day(2026, 2, 28), Decimal("9"))]
    root = parse(
        kpi_chart(
            points,
            target=Decimal(2),
            threshold=Decimal(5),
            direction="lower",
            unit="days",
            title="t",
            ident="k",
        )
    )
    assert uses(root)[:2] == ["met", "breach"]
    assert "Latest value 9 days" in root.find("svg:desc", NS).text


def test_no_point_and_one_point():
    empty = parse(kpi_chart([], title="t", **KPI))
    assert empty.find("svg:desc", NS).text == "No measurement yet."
    assert uses(empty) == ["met", "below_target", "breach"]  # the key only
    one = parse(kpi_chart(POINTS[:1], title="t", ident="k", **KPI))
    assert uses(one)[0] == "met"
    point = next(one.iter("{http://www.w3.org/2000/svg}use"))
    assert float(point.get("x")) == (64 + 640 - 20) / 2  # centred


def test_the_scale_includes_target_and_threshold_even_far_from_the_values():
    points = [(day(2026, 1, 31), Decimal("99")), (day(2026, 2, 28), Decimal("100"))]
    root = parse(kpi_chart(points, title="t", **KPI))
    lines = {t.text: float(t.get("y")) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert 0 < lines["Threshold 85%"] < 280 - 78
    assert 0 < lines["Target 95%"] < lines["Threshold 85%"]


def test_groups_each_get_a_line_and_a_key_entry():
    series = {
        "Women": [(day(2026, 1, 31), Decimal("96")), (day(2026, 2, 28), Decimal("97"))],
        "Men": [(day(2026, 1, 31), Decimal("80")), (day(2026, 2, 28), Decimal("84"))],
        "Over 75": [],
    }
    root = parse(kpi_chart(series, title="t", **KPI))
    assert len(list(root.iter("{http://www.w3.org/2000/svg}polyline"))) == 2
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Women" in texts and "Men" in texts and "Over 75" not in texts
    desc = root.find("svg:desc", NS).text
    assert "Women: 97% on 2026-02-28, met." in desc
    assert "Men: 84% on 2026-02-28, threshold breached." in desc


def test_text_is_escaped_and_translatable():
    text = ChartText(target="Objetivo", no_data="Sin datos")
    root = parse(kpi_chart([], title='<script>&"', text=text, **KPI))
    assert root.find("svg:title", NS).text == '<script>&"'
    assert root.find("svg:desc", NS).text == "Sin datos"


def test_five_years_weekly_stays_light():
    start = day(2026, 1, 4)
    points = [(start + datetime.timedelta(weeks=n), Decimal(80 + n % 20)) for n in range(260)]
    svg = kpi_chart(points, title="t", **KPI)
    root = parse(svg)
    assert len(uses(root)) == 260 + 3
    assert len(svg) < 25_000  # about 80 bytes a point
    # At most six dates on the x axis.
    dates = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text[:2] == "20"]
    assert len(dates) == 6 and dates[0] == "2026-01-04"


def test_chart_table_newest_first_with_status_labels():
    rows = chart_table(POINTS, target=Decimal(95), threshold=Decimal(85), direction="higher")
    assert [(r.measured_on.month, r.status, r.status_label) for r in rows] == [
        (3, "breach", "threshold breached"),
        (2, "below_target", "below target"),
        (1, "met", "met"),
    ]


def test_describe_without_data():
    assert describe([], target=Decimal(1), threshold=Decimal(0), direction="higher", unit="") == (
        "No measurement yet."
    )


@given(
    values=st.lists(
        st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False), max_size=40
    ),
    same_day=st.booleans(),
)
def test_always_well_formed_with_points_inside_the_plot(values, same_day):
    points = [
        (day(2026, 1, 1) + datetime.timedelta(days=0 if same_day else 7 * n), v)
        for n, v in enumerate(values)
    ]
    root = parse(kpi_chart(points, title="t", **KPI))
    for use in list(root.iter("{http://www.w3.org/2000/svg}use"))[: len(values)]:
        assert 64 - 0.01 <= float(use.get("x")) <= 620 + 0.01
        assert 20 - 0.01 <= float(use.get("y")) <= 202 + 0.01
