"""Reading measurements from CSV: every problem reported by line and column, nothing partial."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participai.contracts.csv_measurements import MESSAGES, CsvError, KpiRef, parse

KPIS = [
    KpiRef(id=7, name="Urgent referrals seen the same day"),
    KpiRef(id=8, name="False negative rate", groups=("Women", "Men", "Over 75")),
]


def problems(data: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(CsvError) as caught:
        parse(data, kpis=KPIS)
    return [(p.line, p.column, p.code) for p in caught.value.problems]


def test_a_good_file_with_all_columns():
    rows = parse(
        b"kpi,measured_on,value,group,cases,note\n"
        b"Urgent referrals seen the same day,2026-01-31,92.5,,140,From the case system\n"
        b"8,2026-01-31,4.25,Women,61,\n",
        kpis=KPIS,
    )
    assert [
        (r.line, r.kpi_id, r.measured_on, r.value, r.group, r.cases, r.note) for r in rows
    ] == [
        (2, 7, datetime.date(2026, 1, 31), Decimal("92.5000"), "", 140, "From the case system"),
        (3, 8, datetime.date(2026, 1, 31), Decimal("4.2500"), "Women", 61, ""),
    ]


def test_optional_columns_may_be_left_out_and_columns_in_any_order():
    rows = parse(
        b"value,KPI,measured_on\n90,urgent referrals seen the same day ,2026-02-28\n", kpis=KPIS
    )
    assert rows[0].kpi_id == 7 and rows[0].cases is None and rows[0].group == ""


def test_bom_spaces_semicolons_decimal_comma_and_blank_lines():
    data = (
        "\ufeffkpi ; measured_on ; value ; group\r\n"
        "  Urgent referrals seen the same day ; 2026-01-31 ; 91,5 ;  \r\n"
        "\r\n"
        "False negative rate;2026-01-31;3;Over 75\r\n"
        "\r\n\r\n"
    ).encode()
    rows = parse(data, kpis=KPIS)
    assert [(r.line, r.value, r.group) for r in rows] == [
        (2, Decimal("91.5000"), ""),
        (4, Decimal("3.0000"), "Over 75"),
    ]


def test_windows_1252_is_read():
    data = "kpi,measured_on,value,note\n7,2026-01-31,90,Revisión año\n".encode("cp1252")
    assert parse(data, kpis=KPIS)[0].note == "Revisión año"


def test_bytes_neither_utf8_nor_1252_name_their_line():
    assert problems(b"kpi,measured_on,value\n7,2026-01-31,90\n7,2026-02-28,\x81\x8d\n") == [
        (3, "", "encoding")
    ]


def test_a_real_bad_file_reports_every_problem_by_line_and_column():
    data = (
        b"kpi,measured_on,value,group,cases,note\n"
        b"Urgent referrals seen the same day,2026-01-31,92,,,\n"  # 2: fine
        b"Unknown KPI,2026-01-31,92,,,\n"  # 3
        b"7,31/01/2026,92,,,\n"  # 4
        b"7,2026-02-28,ninety,,,\n"  # 5
        b"7,2026-03-31,90.12345,,,\n"  # 6
        b"8,2026-01-31,4,Martians,,\n"  # 7
        b"8,2026-01-31,4,,,\n"  # 8
        b"7,2026-04-30,90,Women,,\n"  # 9
        b"7,2026-05-31,90,,-3,\n"  # 10
        b"Urgent referrals seen the same day,2026-01-31,93,,,\n"  # 11: duplicate of 2
        b"7,,,,,\n"  # 12
        b"7,2026-06-30,90,,,,extra\n"  # 13
        b"7,2026-02-30,90,,,\n"  # 14
    )
    assert problems(data) == [
        (3, "kpi", "unknown_kpi"),
        (4, "measured_on", "date"),
        (5, "value", "number"),
        (6, "value", "places"),
        (7, "group", "group_unknown"),
        (8, "group", "group_needed"),
        (9, "group", "group_none"),
        (10, "cases", "cases"),
        (11, "measured_on", "duplicate"),
        (12, "measured_on", "required"),
        (12, "value", "required"),
        (13, "", "extra_values"),
        (14, "measured_on", "date"),
    ]


def test_messages_name_line_and_column():
    with pytest.raises(CsvError) as caught:
        parse(b"kpi,measured_on,value\nNope,2026-01-31,1\n", kpis=KPIS)
    assert "line 2, kpi" in str(caught.value)
    assert "Nope" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(1, "", "empty")]),
        (b"\n\n", [(1, "", "empty")]),
        (b"kpi,measured_on,value\n\n", [(1, "", "no_rows")]),
        (b"kpi,value\n7,1\n", [(1, "measured_on", "missing_column")]),
        (b"kpi,measured_on,value,colour\n", [(1, "colour", "unknown_column")]),
        (b"kpi,measured_on,value,value\n", [(1, "value", "repeated_column")]),
    ],
)
def test_header_problems(data, expected):
    assert problems(data) == expected


def test_unclosed_quote_is_reported():
    assert problems(b'kpi,measured_on,value,note\n7,2026-01-31,90,"unclosed\n') == [
        (2, "", "bad_csv")
    ]


def test_numbers_too_large_for_the_column():
    assert problems(b"kpi,measured_on,value\n7,2026-01-31,10000000000\n") == [
        (2, "value", "too_large")
    ]


def test_every_message_formats_with_its_params():
    # A code without its params, or a typo in a placeholder, would raise here.
    for code in MESSAGES:
        assert MESSAGES[code]


@given(
    values=st.lists(
        st.decimals(min_value=-99999, max_value=99999, places=4, allow_nan=False),
        min_size=1,
        max_size=30,
    ),
    sep=st.sampled_from([",", ";"]),
)
def test_round_trip(values, sep):
    start = datetime.date(2026, 1, 1)
    lines = [sep.join(["kpi", "measured_on", "value"])]
    for n, value in enumerate(values):
        lines.append(sep.join(["7", (start + datetime.timedelta(days=n)).isoformat(), str(value)]))
    rows = parse(("\n".join(lines) + "\n").encode(), kpis=KPIS)
    assert [r.value for r in rows] == values
    assert [r.line for r in rows] == list(range(2, len(values) + 2))
