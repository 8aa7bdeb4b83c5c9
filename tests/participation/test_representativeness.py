"""The representativeness rule, alone: which counts may be shown (groups of
at least five, and no small group worked out by subtraction), shares, and
when a group is called under-represented."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participai.participation.representativeness import (
    MIN_ANSWERS_TO_JUDGE,
    MIN_GROUP,
    benchmark_problems,
    hidden_cells,
    may_show,
    summarise,
    verdict,
)

AGES = ["16–29", "30–64", "65 or older"]


# --------------------------------------------------------------------------- suppression


def test_groups_of_five_or_more_are_shown_and_smaller_ones_are_not():
    assert hidden_cells([5, 12, 7]) == [False, False, False]
    assert hidden_cells([4, 3, 12, 9]) == [True, True, False, False]


def test_one_small_group_alone_hides_the_next_smallest_too():
    # Total 29, 4 hidden alone: 29 - 12 - 8 - 5 would give the 4 back.
    hidden = hidden_cells([12, 8, 4, 5])
    assert hidden == [False, False, True, True]


def test_secondary_suppression_takes_every_equal_smallest():
    # Were one 6 left shown, the other hidden 6 would be the only size that
    # fits below it, and the 2 would follow.
    assert hidden_cells([6, 2, 6, 9]) == [True, True, True, False]


def test_zero_is_a_group_below_five_and_is_protected_like_the_others():
    assert hidden_cells([0, 10, 20]) == [True, True, False]


def test_everything_below_five_hides_everything():
    assert hidden_cells([1, 2, 0]) == [True, True, True]


def test_a_single_hidden_group_with_nothing_else_to_hide_stays_alone():
    assert hidden_cells([3]) == [True]


def test_small_groups_that_could_only_be_fours_hide_one_more():
    # Hidden sum 8 of two small groups: 4 and 4, nothing else; so 20 goes too.
    assert hidden_cells([4, 4, 20, 30]) == [True, True, True, False]
    # A sum of 7 could be 3 + 4 or 4 + 3: enough.
    assert hidden_cells([3, 4, 20, 30]) == [True, True, False, False]


def test_a_question_is_shown_only_once_some_row_must_hold_five():
    # Four rows: 16 answers could be 4 + 4 + 4 + 4.
    assert not may_show([4, 4, 4, 4])
    assert not may_show([16, 0, 0, 0])
    assert may_show([17, 0, 0, 0])


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=8))
def test_no_group_below_five_can_be_worked_out_from_the_total(counts):
    """Whatever the counts: nothing below five is shown, and never is
    exactly one count hidden while there was another to hide."""
    hidden = hidden_cells(counts)
    for count, is_hidden in zip(counts, hidden, strict=True):
        if count < MIN_GROUP:
            assert is_hidden
    assert sum(hidden) != 1


def _fillings(counts: list[int]) -> list[list[int]]:
    """Every list of counts a reader who knows the rule, the total, which
    rows are hidden and the shown counts cannot tell from ``counts``."""
    hidden = hidden_cells(counts)
    hidden_at = [i for i, h in enumerate(hidden) if h]
    hidden_sum = sum(counts[i] for i in hidden_at)
    if not hidden_at:
        return [list(counts)]
    fillings = []
    for head in itertools.product(range(hidden_sum + 1), repeat=len(hidden_at) - 1):
        if sum(head) > hidden_sum:
            continue
        values = (*head, hidden_sum - sum(head))
        candidate = list(counts)
        for i, value in zip(hidden_at, values, strict=True):
            candidate[i] = value
        if may_show(candidate) and hidden_cells(candidate) == hidden:
            fillings.append(candidate)
    return fillings


def _possible_values(counts: list[int]) -> dict[int, set[int]]:
    """What a reader who knows the rule, the total, which rows are hidden
    and the shown counts can say each hidden count may be."""
    hidden_at = [i for i, h in enumerate(hidden_cells(counts)) if h]
    possible: dict[int, set[int]] = {i: set() for i in hidden_at}
    for candidate in _fillings(counts):
        for i in hidden_at:
            possible[i].add(candidate[i])
    return possible


@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=4))
def test_the_hidden_counts_cannot_be_solved_from_what_is_shown(counts):
    """Brute force: among all ways to fill the hidden rows that match the
    shown total and counts (and the rule that hides them), a hidden group
    between one and four people never has only one possible size."""
    if not may_show(counts):
        return
    for i, values in _possible_values(counts).items():
        if 0 < counts[i] < MIN_GROUP:
            assert len(values) > 1, (counts, i, values)


def test_no_three_row_question_up_to_fifteen_a_row_can_be_solved():
    """Exhaustively, where the random search above samples."""
    for counts in itertools.product(range(16), repeat=3):
        if not may_show(counts):
            continue
        for i, values in _possible_values(list(counts)).items():
            if 0 < counts[i] < MIN_GROUP:
                assert len(values) > 1, (counts, i, values)


@pytest.mark.parametrize(
    "counts",
    [[4, 4, 4, 20], [4, 4, 20], [1, 5, 5, 9], [4, 4, 4, 4, 5], [2, 9, 9, 9], [5, 5, 3], [4, 9, 9]],
)
def test_known_hard_cases_cannot_be_solved(counts):
    assert may_show(counts)
    for i, values in _possible_values(counts).items():
        if 0 < counts[i] < MIN_GROUP:
            assert len(values) > 1, (counts, i, values)


# --------------------------------------------------------------------------- the summary


def test_summary_shows_counts_and_shares_only_for_groups_of_five_and_more():
    summary = summarise(AGES, [18, 60, 22], [10, 25, 3], prefer_not=2)
    assert summary.total == 40
    young, middle, old, prefer_not = summary.rows
    assert (young.count, young.share) == (10, 25.0)
    assert (middle.count, middle.share) == (25, 62.5)
    # 3 is hidden, and so is the "prefer not to say" 2 (both small).
    assert old.hidden and old.share is None
    assert prefer_not.hidden and prefer_not.option is None
    assert prefer_not.label == "Prefer not to say"


def test_too_few_answers_show_no_row_and_judge_nothing():
    # Four rows, 16 answers: every row could be a group of four.
    summary = summarise(AGES, [18, 60, 22], [10, 6, 0], prefer_not=0)
    assert not summary.shown
    assert all(row.hidden for row in summary.rows)
    assert {row.verdict for row in summary.rows} == {"too_few", "no_benchmark"}


def test_summary_hides_a_second_row_when_only_prefer_not_to_say_is_small():
    summary = summarise(AGES, [], [10, 25, 6], prefer_not=1)
    assert [row.hidden for row in summary.rows] == [False, False, True, True]


def test_summary_needs_one_count_per_option_and_no_negative_count():
    with pytest.raises(ValueError):
        summarise(AGES, [], [1, 2], prefer_not=0)
    with pytest.raises(ValueError):
        summarise(AGES, [], [1, 2, -1], prefer_not=0)


def test_an_empty_question_shows_nothing_and_judges_nothing():
    summary = summarise(AGES, [18, 60, 22], [0, 0, 0], prefer_not=0)
    assert summary.total == 0
    assert not summary.shown
    assert all(row.hidden for row in summary.rows)
    assert summary.under_represented == ()


# --------------------------------------------------------------------------- under-representation


def test_a_group_below_four_fifths_of_its_population_share_is_under_represented():
    # 100 answers; the over-65s are 22 % of the area but 10 % of answers.
    summary = summarise(AGES, [18, 60, 22], [20, 70, 10], prefer_not=0)
    assert [row.verdict for row in summary.rows[:3]] == ["in_line", "in_line", "under"]
    assert [row.label for row in summary.under_represented] == ["65 or older"]


def test_just_at_four_fifths_is_not_under_represented():
    # Expected 20 of 100; 16 is exactly four fifths.
    assert verdict(16, 100, 20.0) == "in_line"
    assert verdict(15, 100, 20.0) == "under"


def test_nothing_is_judged_before_enough_people_answered():
    assert verdict(0, MIN_ANSWERS_TO_JUDGE - 1, 50.0) == "too_few"
    assert verdict(0, MIN_ANSWERS_TO_JUDGE, 50.0) == "under"


def test_a_group_expected_to_be_tiny_is_not_judged():
    # 40 answers, a group of 10 % would be 4 people: a gap of that size is chance.
    assert verdict(0, 40, 10.0) == "too_few"
    assert verdict(0, 50, 10.0) == "under"


def test_without_a_benchmark_there_is_no_verdict():
    assert verdict(3, 100, None) == "no_benchmark"


def test_prefer_not_to_say_is_left_out_of_the_comparison():
    # 30 of 100 preferred not to say; of the 70 who answered, 35 % are young
    # (benchmark 40 %): not under-represented, though 25 % of all answers.
    summary = summarise(["young", "old"], [40, 60], [25, 45], prefer_not=30)
    young = summary.rows[0]
    assert young.share == 25.0
    assert young.verdict == "in_line"


def test_a_hidden_group_is_flagged_only_when_even_four_people_would_be_too_few():
    # 100 answers, benchmark 15 % → 15 expected; 4 would still be under 12.
    summary = summarise(["a", "b"], [85, 15], [97, 3], prefer_not=0)
    assert summary.rows[1].hidden
    assert summary.rows[1].verdict == "under"
    # 25 answers, benchmark 20 % → 5 expected, four fifths 4: a hidden group
    # of 4 would not be under-represented, so no verdict is given (saying
    # "not under-represented" would tell the group has 4), and a group of 3,
    # which is, gets the same words.
    summary = summarise(["a", "b"], [80, 20], [21, 4], prefer_not=0)
    assert summary.rows[1].hidden
    assert summary.rows[1].verdict == "too_few"
    summary = summarise(["a", "b"], [80, 20], [22, 3], prefer_not=0)
    assert summary.rows[1].verdict == "too_few"
    # Shown, the same group of 4 of 5 expected would be judged on its count.
    assert verdict(4, 25, 20.0) == "in_line"


def test_verdicts_do_not_tell_which_hidden_row_is_the_small_one():
    # 44 answers; D (3) is small, so C (5), the smallest shown, is hidden
    # too. Judged on their own counts, C would read "not under-represented"
    # and D "under-represented": C, the one of at least five, could only be
    # 5 (below the 6 shown), and D the remaining 3.
    summary = summarise(["A", "B", "C", "D"], [40, 20, 18, 18], [20, 6, 5, 3], prefer_not=10)
    c, d = summary.rows[2], summary.rows[3]
    assert c.hidden and d.hidden
    assert c.verdict == d.verdict


def test_a_hidden_prefer_not_to_say_is_not_given_away_by_the_verdicts():
    # 25 answers with "prefer not to say" hidden: 19 or more chose an option,
    # not exactly 24, so no verdict may rest on the 20 answers the rule needs.
    summary = summarise(["a", "b"], [50, 50], [19, 5], prefer_not=1)
    assert summary.rows[2].hidden
    assert {row.verdict for row in summary.rows[:2]} == {"too_few"}
    # With everyone shown, the same 24 would be judged.
    assert verdict(5, 24, 50.0) == "under"


BENCHMARK_CHOICES = st.sampled_from([None, 5.0, 10.0, 20.0, 35.0, 50.0, 80.0])


@given(
    st.lists(st.integers(min_value=0, max_value=14), min_size=3, max_size=4),
    st.lists(BENCHMARK_CHOICES, min_size=3, max_size=3),
)
def test_what_is_shown_is_the_same_for_every_filling_of_the_hidden_rows(cells, benchmarks):
    """Brute force: nothing on the page (counts, shares, verdicts) tells
    apart two sets of counts the shown counts and the total cannot."""
    options = [f"o{i}" for i in range(len(cells) - 1)]

    def shown(candidate: list[int]) -> tuple:
        summary = summarise(options, benchmarks, candidate[:-1], candidate[-1])
        return summary.total, summary.shown, summary.rows

    seen = shown(cells)
    for candidate in _fillings(cells):
        assert shown(candidate) == seen, (cells, candidate)


# --------------------------------------------------------------------------- benchmarks


def test_benchmarks_may_be_absent_or_one_per_option_with_unknowns():
    assert benchmark_problems(3, []) == []
    assert benchmark_problems(3, [18, None, 22.5]) == []


@pytest.mark.parametrize(
    "benchmarks",
    [
        [18, 60],  # one missing
        [18, 60, 22, 1],  # one too many
        [-1, 60, 22],
        [18, 101, 0],
        [18, "sixty", 22],
        [True, 60, 22],
        [float("nan"), 60, 22],
        [50, 40, 11],  # 101 %
    ],
)
def test_bad_benchmarks_are_named(benchmarks):
    assert benchmark_problems(3, benchmarks)


def test_benchmarks_may_exceed_100_by_rounding_only():
    assert benchmark_problems(3, [33.4, 33.4, 33.5]) == []
    assert benchmark_problems(3, [33.4, 33.4, 33.8]) != []
