"""Who took part, against who lives in the area: the whole rule, free of Django.

Participants may answer a process's demographic questions; this module
turns the counts of their answers into what may be shown, and compares the
shares with the population benchmarks the organiser entered.

**Small groups are never shown.** A count below :data:`MIN_GROUP` is
replaced by "not shown". Because the total of a question is shown (and the
number of people who answered is), hiding one count alone would not protect
it: total minus the shown counts gives it back. So when exactly one count is
hidden, the smallest shown count is hidden too, with any equal to it
(*secondary suppression*); then only the sum of the hidden counts can be worked out, never one of
them. The same is done when every hidden count is a small group and their
sum could only be made of fours (e.g. two hidden groups and a sum of 8).
Every hidden count carries the same words, so a reader cannot tell the
small group from the one hidden to protect it. "Prefer not to say" is a
row like the options: the total counts everyone who answered, so it is
protected the same way. A question whose answers could all be small groups
(a total of at most ``(MIN_GROUP - 1)`` times its rows) is not shown at
all yet: "all not shown" would say every group is small, and the total
would then pin them down.

Shares shown are of everyone who answered the question (the "prefer not to
say" row included), so no denominator other than the shown total can be
worked out from them.

**Under-represented** (the flag shown while a process is open): a group is
under-represented when its share among the people who chose one of the
options is below :data:`UNDER_REPRESENTED_RATIO` (80 %) of its share of the
population. The flag is raised only once it means something: at least
:data:`MIN_ANSWERS_TO_JUDGE` people chose an option, and the group's
expected number at its population share is at least :data:`MIN_GROUP`
(below that, a shortfall of one or two people is chance, not a gap).

**Verdicts tell nothing the counts do not.** A verdict is worked out from
what the page shows, never from a hidden count: were a hidden row judged
on its own count, "not under-represented" beside one hidden row and
"under-represented" beside another would say which is the small group, and
the sum would give its size. What the page shows of the hidden rows is
their sum and that each holds fewer than the smallest shown count (the
rule hides the smallest), so each hidden row is judged on the range that
leaves; when "prefer not to say" is hidden, so is the number who chose an
option, judged on its range too. A verdict is given only when it holds
over the whole range, else the words are "too few answers". A group too
small to show is often the one missing, so hidden groups are flagged as
soon as even the most they could hold is too few.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from participai.core.marks import gettext_noop

MIN_GROUP = 5
UNDER_REPRESENTED_RATIO = 0.8
MIN_ANSWERS_TO_JUDGE = 20
# What benchmarks may add up to: 100 % plus rounding in published figures.
BENCHMARK_TOTAL_MAX = 100.0
BENCHMARK_TOLERANCE = 0.5

# How each row compares with its benchmark, in words (never colour alone).
VERDICTS: dict[str, str] = {
    "under": gettext_noop("Under-represented"),
    "in_line": gettext_noop("Not under-represented"),
    "too_few": gettext_noop("Too few answers to say yet"),
    "no_benchmark": gettext_noop("No population figure"),
}


def may_show(counts: Sequence[int], *, min_group: int = MIN_GROUP) -> bool:
    """Are there enough answers to show a question at all? Only once at
    least one row must hold ``min_group`` or more."""
    return sum(counts) > (min_group - 1) * len(counts)


def _solvable(counts: Sequence[int], hidden: Sequence[bool], min_group: int) -> bool:
    """Could a reader who knows the total, the shown counts and this rule
    work out a hidden small group? Yes when one count alone is hidden, or
    when all hidden counts are small and add up to ``min_group - 1`` each."""
    hidden_counts = [count for count, is_hidden in zip(counts, hidden, strict=True) if is_hidden]
    if len(hidden_counts) == 1:
        return True
    return all(count < min_group for count in hidden_counts) and sum(hidden_counts) == (
        min_group - 1
    ) * len(hidden_counts)


def hidden_cells(counts: Sequence[int], *, min_group: int = MIN_GROUP) -> list[bool]:
    """Which counts to hide, given that their total is shown.

    A count below ``min_group`` is hidden (primary suppression). If the
    hidden ones could then be worked out from the total (see the module's
    docstring), the smallest shown count is hidden too, with any shown
    count equal to it (secondary suppression).
    """
    hidden = [count < min_group for count in counts]
    if any(hidden) and _solvable(counts, hidden, min_group):
        shown = [count for count, is_hidden in zip(counts, hidden, strict=True) if not is_hidden]
        if shown:
            # Every shown count equal to the smallest goes: were one of equals
            # left, it would tell the size of the one hidden beside it.
            smallest = min(shown)
            hidden = [
                is_hidden or count == smallest
                for count, is_hidden in zip(counts, hidden, strict=True)
            ]
    return hidden


# A count known exactly, or the range (least, most) a reader can tell it lies in.
Span = int | tuple[int, int]


def _span(value: Span) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else value


def verdict(count: Span, stated: Span, benchmark: float | None) -> str:
    """How a group of ``count`` among the ``stated`` people who chose an
    option compares with its population share ``benchmark`` (percent): a
    key of :data:`VERDICTS`. See the module's docstring for the rule.

    Either number may be a range ``(least, most)`` where a hidden row leaves
    it unknown; "under" and "in_line" are then said only when they hold for
    every value in the ranges, else "too_few"."""
    if benchmark is None:
        return "no_benchmark"
    count_least, count_most = _span(count)
    stated_least, stated_most = _span(stated)
    expected_least = stated_least * benchmark / 100
    if stated_least < MIN_ANSWERS_TO_JUDGE or expected_least < MIN_GROUP:
        return "too_few"
    if count_most < UNDER_REPRESENTED_RATIO * expected_least:
        return "under"
    if count_least >= UNDER_REPRESENTED_RATIO * stated_most * benchmark / 100:
        return "in_line"
    return "too_few"


@dataclass(frozen=True)
class Row:
    """One answer of a question as it may be shown.

    ``option`` is the option's position, ``None`` for "prefer not to say";
    ``count`` and ``share`` (percent of everyone who answered, one decimal)
    are ``None`` when hidden; ``benchmark`` is the population share in
    percent, if known; ``verdict`` a key of :data:`VERDICTS`.
    """

    option: int | None
    label: str
    count: int | None
    share: float | None
    benchmark: float | None
    verdict: str

    @property
    def hidden(self) -> bool:
        return self.count is None

    @property
    def under_represented(self) -> bool:
        return self.verdict == "under"


@dataclass(frozen=True)
class Summary:
    """One question's answers: ``total`` people answered it (shown), in
    ``rows`` (the options in order, then "prefer not to say"). ``shown`` is
    false while too few answered to show any row (:func:`may_show`)."""

    total: int
    rows: tuple[Row, ...]
    shown: bool = True

    @property
    def under_represented(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.under_represented)

    @property
    def has_benchmarks(self) -> bool:
        return any(row.benchmark is not None for row in self.rows)


def summarise(
    options: Sequence[str],
    benchmarks: Sequence[float | None],
    counts: Sequence[int],
    prefer_not: int,
    *,
    prefer_not_label: str = "Prefer not to say",
) -> Summary:
    """What may be shown of one question: ``counts[i]`` people chose
    ``options[i]`` and ``prefer_not`` preferred not to say. ``benchmarks``
    may be shorter than ``options`` (missing means unknown)."""
    if len(counts) != len(options):
        raise ValueError("one count per option")
    cells = [*counts, prefer_not]
    if any(count < 0 for count in cells):
        raise ValueError("counts are never negative")
    total = sum(cells)
    shown = may_show(cells)
    hidden = hidden_cells(cells) if shown else [True] * len(cells)
    # What a reader can tell of each hidden count, from the shown ones alone:
    # together they make the rest of the total, and each is below the
    # smallest shown count (the rule hides the smallest).
    hidden_sum = sum(count for count, is_hidden in zip(cells, hidden, strict=True) if is_hidden)
    visible = [count for count, is_hidden in zip(cells, hidden, strict=True) if not is_hidden]
    most = min(hidden_sum, min(visible) - 1) if visible else hidden_sum
    least = max(0, hidden_sum - (sum(hidden) - 1) * most)
    unknown = (least, most)
    stated: Span = (total - most, total - least) if hidden[-1] else total - prefer_not
    rows = []
    for index, label in enumerate([*options, prefer_not_label]):
        is_option = index < len(options)
        count = cells[index]
        benchmark = None
        if is_option and index < len(benchmarks) and benchmarks[index] is not None:
            benchmark = float(benchmarks[index])
        rows.append(
            Row(
                option=index if is_option else None,
                label=label,
                count=None if hidden[index] else count,
                share=None if hidden[index] else round(100 * count / total, 1),
                benchmark=benchmark,
                verdict=(
                    "no_benchmark"
                    if not is_option or benchmark is None
                    else verdict(unknown if hidden[index] else count, stated, benchmark)
                    if shown
                    else "too_few"
                ),
            )
        )
    return Summary(total=total, rows=tuple(rows), shown=shown)


def benchmark_problems(options_count: int, benchmarks: Sequence[object]) -> list[str]:
    """What is wrong with ``benchmarks`` for a question of ``options_count``
    options, as marked messages (empty when they are fine): one entry per
    option, each empty (``None``) or a share from 0 to 100, adding up to at
    most 100 (+ :data:`BENCHMARK_TOLERANCE` for rounding)."""
    if not benchmarks:
        return []
    if len(benchmarks) != options_count:
        return [gettext_noop("Give one population share per answer, or none at all.")]
    problems = []
    total = 0.0
    for value in benchmarks:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [gettext_noop("Population shares are numbers, in percent.")]
        if not 0 <= value <= 100:
            problems.append(gettext_noop("A population share is between 0 and 100 percent."))
            break
        total += value
    if not problems and total > BENCHMARK_TOTAL_MAX + BENCHMARK_TOLERANCE:
        problems.append(gettext_noop("The population shares add up to more than 100 percent."))
    return problems
