"""Where a KPI's value stands, and when its measurements fall due. Pure: no Django.

:func:`status` compares one value with the KPI's target and threshold.
:func:`due_dates` lists the ends of the measurement periods of a contract,
and :func:`overdue` those periods that have no measurement although their
grace period is over.
"""

from __future__ import annotations

import calendar
import datetime
from bisect import bisect_right
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

Status = Literal["met", "below_target", "breach"]
MET: Status = "met"
BELOW_TARGET: Status = "below_target"
BREACH: Status = "breach"
STATUSES: tuple[Status, ...] = (MET, BELOW_TARGET, BREACH)

# Months between two period ends, for the frequencies counted in months.
_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
FREQUENCIES = ("weekly", *_MONTHS)


def status(value: Decimal, *, target: Decimal, threshold: Decimal, direction: str) -> Status:
    """``"met"`` when ``value`` reaches the target, ``"breach"`` when it is
    strictly beyond the threshold (a value exactly at the threshold is not a
    breach), ``"below_target"`` in between.

    ``direction`` is ``"higher"`` (higher is better: met at or above the
    target, breach below the threshold) or ``"lower"`` (mirrored: met at or
    below the target, breach above the threshold).
    """
    if direction == "higher":
        if value >= target:
            return MET
        return BREACH if value < threshold else BELOW_TARGET
    if direction == "lower":
        if value <= target:
            return MET
        return BREACH if value > threshold else BELOW_TARGET
    raise ValueError(f"Unknown direction {direction!r}: 'higher' or 'lower'.")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` months on, on the same day of the month, or the
    month's last day when it is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(start: datetime.date, end: datetime.date, frequency: str) -> list[datetime.date]:
    """The ends of the measurement periods from ``start`` to ``end`` (both
    included), in order: every 7 days after ``start`` for ``"weekly"``; 1, 3
    or 12 months after it for ``"monthly"``, ``"quarterly"``, ``"yearly"``, on
    the start's day of the month (clamped to the month's end). Each date is
    counted from ``start``, not from the previous one, so a contract starting
    on the 31st comes back to the 31st after a short month. A last, partial
    period after the last full one has no due date.
    """
    if frequency == "weekly":
        if end < start:
            return []
        return [
            start + datetime.timedelta(days=7 * n) for n in range(1, (end - start).days // 7 + 1)
        ]
    step = _MONTHS.get(frequency)
    if step is None:
        raise ValueError(f"Unknown frequency {frequency!r}: one of {', '.join(FREQUENCIES)}.")
    dates = []
    n = 1
    while (day := add_months(start, step * n)) <= end:
        dates.append(day)
        n += 1
    return dates


def overdue(
    due: Iterable[datetime.date],
    measured: Iterable[datetime.date],
    today: datetime.date,
    grace_days: int = 7,
) -> list[datetime.date]:
    """The due dates (in order) whose measurement is missing and late.

    The period of a due date runs from the day after the previous due date
    (from the beginning of time for the first) to the due date itself. It is
    covered when some date in ``measured`` falls in it; it is overdue when it
    is not covered and ``today`` is more than ``grace_days`` after the due date.
    """
    ordered = sorted(set(measured))
    late = []
    previous: datetime.date | None = None
    for day in sorted(set(due)):
        # Measurements on or before ``day``, minus those on or before ``previous``.
        upto = bisect_right(ordered, day)
        before = bisect_right(ordered, previous) if previous is not None else 0
        if upto == before and today > day + datetime.timedelta(days=grace_days):
            late.append(day)
        previous = day
    return late
