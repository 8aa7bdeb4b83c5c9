"""What public figures about people may show. Pure: no Django import.

Fairness and incident figures resting on fewer than five cases could point to
the people behind them, so the public sees "fewer than 5" instead of the
number (DESIGN.md: demographics only in groups of five or more).
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CASES = 5


@dataclass(frozen=True)
class PublicCount:
    """A count as the public sees it: ``value`` is ``None`` when it is suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def public_count(count: int) -> PublicCount:
    """``count`` itself when 0 or at least :data:`MIN_CASES`, otherwise suppressed.

    Zero is shown: "no incident" reveals no one. Raises ``ValueError`` for a
    negative count.
    """
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    return PublicCount(count if count == 0 or count >= MIN_CASES else None)


def may_publish_rate(cases: int | None) -> bool:
    """May a rate (a fairness KPI's value for a group) resting on ``cases`` be shown?

    Unknown ``cases`` (a KPI that is not a rate over people) may be shown.
    """
    return cases is None or cases >= MIN_CASES
