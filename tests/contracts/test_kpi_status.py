"""The pure rules of KPI status, due dates and overdue periods."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participai.contracts.kpi_status import add_months, due_dates, overdue, status

D = Decimal
day = datetime.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("96", "met"),
        ("95", "met"),
        ("94.9999", "below_target"),
        ("85", "below_target"),
        ("84.9999", "breach"),
        ("0", "breach"),
    ],
)
def test_status_higher_is_better(value, expected):
    assert status(D(value), target=D(95), threshold=D(85), direction="higher") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", "met"),
        ("2", "met"),
        ("2.0001", "below_target"),
        ("5", "below_target"),
        ("5.0001", "breach"),
        ("100", "breach"),
    ],
)
def test_status_lower_is_better(value, expected):
    assert status(D(value), target=D(2), threshold=D(5), direction="lower") == expected


def test_status_refuses_an_unknown_direction():
    with pytest.raises(ValueError, match="direction"):
        status(D(1), target=D(1), threshold=D(1), direction="sideways")


decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@given(value=decimals, a=decimals, b=decimals)
def test_lower_mirrors_higher(value, a, b):
    target, threshold = max(a, b), min(a, b)
    higher = status(value, target=target, threshold=threshold, direction="higher")
    lower = status(-value, target=-target, threshold=-threshold, direction="lower")
    assert higher == lower


@given(value=decimals, a=decimals, b=decimals)
def test_status_is_ordered_by_value(value, a, b):
    """A better value never has a worse status."""
    target, threshold = max(a, b), min(a, b)
    rank = {"breach": 0, "below_target": 1, "met": 2}
    worse = status(value, target=target, threshold=threshold, direction="higher")
    better = status(value + 1, target=target, threshold=threshold, direction="higher")
    assert rank[better] >= rank[worse]


def test_weekly_due_dates_every_seven_days():
    assert due_dates(day(2026, 1, 1), day(2026, 1, 29), "weekly") == [
        day(2026, 1, 8),
        day(2026, 1, 15),
        day(2026, 1, 22),
        day(2026, 1, 29),
    ]


def test_monthly_due_dates_clamp_to_month_end_and_come_back():
    assert due_dates(day(2026, 1, 31), day(2026, 5, 31), "monthly") == [
        day(2026, 2, 28),
        day(2026, 3, 31),
        day(2026, 4, 30),
        day(2026, 5, 31),
    ]


def test_leap_years():
    assert add_months(day(2027, 12, 31), 2) == day(2028, 2, 29)
    assert due_dates(day(2024, 2, 29), day(2028, 3, 1), "yearly") == [
        day(2025, 2, 28),
        day(2026, 2, 28),
        day(2027, 2, 28),
        day(2028, 2, 29),
    ]


def test_quarterly_and_partial_last_period():
    assert due_dates(day(2026, 1, 1), day(2026, 12, 15), "quarterly") == [
        day(2026, 4, 1),
        day(2026, 7, 1),
        day(2026, 10, 1),
    ]


def test_no_due_dates_before_the_first_period_ends_or_when_end_precedes_start():
    assert due_dates(day(2026, 1, 1), day(2026, 1, 20), "monthly") == []
    assert due_dates(day(2026, 1, 1), day(2025, 1, 1), "weekly") == []


def test_unknown_frequency():
    with pytest.raises(ValueError, match="frequency"):
        due_dates(day(2026, 1, 1), day(2027, 1, 1), "daily")


@given(
    start=st.dates(min_value=day(2000, 1, 1), max_value=day(2090, 1, 1)),
    length=st.integers(min_value=0, max_value=2000),
    frequency=st.sampled_from(["weekly", "monthly", "quarterly", "yearly"]),
)
def test_due_dates_are_increasing_and_within_the_contract(start, length, frequency):
    end = start + datetime.timedelta(days=length)
    dates = due_dates(start, end, frequency)
    assert dates == sorted(set(dates))
    assert all(start < d <= end for d in dates)
    gaps = {"weekly": (7, 7), "monthly": (28, 31), "quarterly": (89, 92), "yearly": (365, 366)}
    low, high = gaps[frequency]
    for a, b in zip([start, *dates], dates, strict=False):
        assert low <= (b - a).days <= high


DUE = [day(2026, 2, 1), day(2026, 3, 1), day(2026, 4, 1)]


def test_overdue_after_the_grace_period_only():
    assert overdue(DUE, set(), day(2026, 2, 8)) == []  # due + 7: still in grace
    assert overdue(DUE, set(), day(2026, 2, 9)) == [day(2026, 2, 1)]
    assert overdue(DUE, set(), day(2026, 2, 9), grace_days=10) == []


def test_a_measurement_within_the_period_covers_it():
    measured = {day(2026, 2, 1), day(2026, 3, 15)}  # on the first due date; inside the third
    assert overdue(DUE, measured, day(2026, 6, 1)) == [day(2026, 3, 1)]


def test_a_measurement_after_the_due_date_covers_the_next_period_not_this_one():
    assert overdue(DUE, {day(2026, 2, 2)}, day(2026, 6, 1)) == [day(2026, 2, 1), day(2026, 4, 1)]


@given(
    measured=st.sets(st.dates(min_value=day(2025, 12, 1), max_value=day(2026, 5, 1))),
    today=st.dates(min_value=day(2026, 1, 1), max_value=day(2026, 7, 1)),
)
def test_overdue_matches_its_definition(measured, today):
    late = overdue(DUE, measured, today)
    previous = None
    for due in DUE:
        covered = any((previous is None or m > previous) and m <= due for m in measured)
        expected = not covered and today > due + datetime.timedelta(days=7)
        assert (due in late) == expected
        previous = due
