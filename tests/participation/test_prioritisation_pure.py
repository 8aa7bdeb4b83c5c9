"""The arithmetic of prioritisation, without Django: checking dots and
rankings, the counter changes when a ballot is replaced, the results, and
what counts as a typo fix."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participai.participation import prioritising as p

ITEMS = [11, 12, 13, 14]


def problems(error: p.BallotError) -> list[tuple[int | None, str]]:
    return [(problem.item, problem.code) for problem in error.problems]


def test_the_module_imports_nothing_from_django():
    source = Path(p.__file__).read_text()
    modules = [
        node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [m for m in modules if m.startswith("django")]


# --- dots ------------------------------------------------------------------------------------


def test_dots_keep_only_items_that_got_points():
    assert p.clean_dots({11: 3, 12: 0, 13: None, 14: 7}, ITEMS, 10) == {11: 3, 14: 7}


def test_dots_may_leave_points_unspent_and_put_all_on_one_item():
    assert p.clean_dots({12: 1}, ITEMS, 10) == {12: 1}
    assert p.clean_dots({12: 10}, ITEMS, 10) == {12: 10}


def test_dots_over_the_budget_say_by_how_much():
    with pytest.raises(p.BallotError) as caught:
        p.clean_dots({11: 6, 12: 6}, ITEMS, 10)
    [problem] = caught.value.problems
    assert (problem.item, problem.code) == (None, "over_budget")
    assert problem.message % problem.params == "You gave 12 points but have 10; take 2 away."


@pytest.mark.parametrize("allocation", [{}, {11: 0, 12: None}])
def test_dots_need_at_least_one_point(allocation):
    with pytest.raises(p.BallotError) as caught:
        p.clean_dots(allocation, ITEMS, 10)
    assert problems(caught.value) == [(None, "empty")]


def test_dots_name_each_item_at_fault():
    with pytest.raises(p.BallotError) as caught:
        p.clean_dots({11: -1, 12: 2.5, 13: True, 14: "3", 99: 1}, ITEMS, 10)
    assert sorted(problems(caught.value), key=str) == sorted(
        [
            (99, "unknown_item"),
            (11, "negative"),
            (12, "invalid"),
            (13, "invalid"),
            (14, "invalid"),
        ],
        key=str,
    )


# --- ranking ---------------------------------------------------------------------------------


def test_a_full_ranking_is_accepted():
    assert p.clean_ranking({11: 2, 12: 1, 13: 4, 14: 3}, ITEMS) == {11: 2, 12: 1, 13: 4, 14: 3}


def test_a_ranking_must_put_every_item_somewhere():
    with pytest.raises(p.BallotError) as caught:
        p.clean_ranking({11: 1, 12: 2, 13: None}, ITEMS)
    assert problems(caught.value) == [(13, "missing"), (14, "missing")]


def test_a_ranking_gives_each_item_its_own_position():
    with pytest.raises(p.BallotError) as caught:
        p.clean_ranking({11: 1, 12: 2, 13: 2, 14: 2}, ITEMS)
    assert problems(caught.value) == [(12, "duplicate"), (13, "duplicate"), (14, "duplicate")]
    problem = caught.value.problems[0]
    assert problem.message % problem.params == "3 items have position 2; give each item its own."


@pytest.mark.parametrize("bad", [0, 5, -1, "1", 1.0, False])
def test_a_ranking_position_is_a_whole_number_from_1_to_n(bad):
    with pytest.raises(p.BallotError) as caught:
        p.clean_ranking({11: bad, 12: 2, 13: 3, 14: 4}, ITEMS)
    assert problems(caught.value) == [(11, "invalid")]
    assert "from 1 to 4" in str(caught.value)


def test_a_ranking_of_an_item_not_on_the_ballot_is_refused():
    with pytest.raises(p.BallotError) as caught:
        p.clean_ranking({11: 1, 12: 2, 13: 3, 14: 4, 15: 5}, ITEMS)
    assert problems(caught.value) == [(15, "unknown_item")]


def test_an_order_becomes_positions_and_refuses_repeats():
    assert p.ranks_from_order([13, 11, 14, 12]) == {13: 1, 11: 2, 14: 3, 12: 4}
    with pytest.raises(p.BallotError) as caught:
        p.ranks_from_order([13, 11, 13])
    assert problems(caught.value) == [(13, "duplicate")]


def test_clean_ballot_picks_the_method_and_refuses_an_empty_module():
    assert p.clean_ballot("dots", {11: 2}, ITEMS, 5) == {11: 2}
    assert p.clean_ballot("ranking", {11: 1, 12: 2, 13: 3, 14: 4}, ITEMS, None)[14] == 4
    with pytest.raises(p.BallotError) as caught:
        p.clean_ballot("dots", {11: 2}, [], 5)
    assert problems(caught.value) == [(None, "no_items")]
    with pytest.raises(ValueError, match="unknown"):
        p.clean_ballot("approval", {11: 1}, ITEMS, None)
    with pytest.raises(ValueError, match="budget"):
        p.clean_ballot("dots", {11: 1}, ITEMS, None)


# --- counters --------------------------------------------------------------------------------


def test_borda_gives_n_to_the_first_and_1_to_the_last():
    assert [p.borda(rank, 4) for rank in (1, 2, 3, 4)] == [4, 3, 2, 1]
    with pytest.raises(ValueError):
        p.borda(5, 4)


def test_deltas_of_a_first_dot_ballot():
    assert p.counter_deltas("dots", None, {11: 3, 14: 7}, 4) == {
        11: p.Delta(points=3, ballot_count=1),
        14: p.Delta(points=7, ballot_count=1),
    }


def test_deltas_of_a_replaced_dot_ballot_move_by_the_difference():
    deltas = p.counter_deltas("dots", {11: 3, 14: 7}, {11: 5, 12: 5}, 4)
    assert deltas == {
        11: p.Delta(points=2),
        12: p.Delta(points=5, ballot_count=1),
        14: p.Delta(points=-7, ballot_count=-1),
    }


def test_deltas_of_a_replaced_ranking():
    old = {11: 1, 12: 2, 13: 3, 14: 4}
    new = {11: 2, 12: 1, 13: 3, 14: 4}
    assert p.counter_deltas("ranking", None, old, 4) == {
        11: p.Delta(rank_score=4, ballot_count=1),
        12: p.Delta(rank_score=3, ballot_count=1),
        13: p.Delta(rank_score=2, ballot_count=1),
        14: p.Delta(rank_score=1, ballot_count=1),
    }
    # Items that kept their place do not move at all.
    assert p.counter_deltas("ranking", old, new, 4) == {
        11: p.Delta(rank_score=-1),
        12: p.Delta(rank_score=1),
    }
    assert p.counter_deltas("ranking", old, old, 4) == {}
    assert p.counter_deltas("ranking", old, None, 4)[11] == p.Delta(rank_score=-4, ballot_count=-1)


def _recount(method: str, ballots: dict[int, dict[int, int]], n: int) -> dict[int, p.Delta]:
    totals: dict[int, p.Delta] = {}
    for ballot in ballots.values():
        for item, amount in ballot.items():
            before = totals.get(item, p.Delta())
            totals[item] = p.Delta(
                points=before.points + (amount if method == "dots" else 0),
                rank_score=before.rank_score + (p.borda(amount, n) if method == "ranking" else 0),
                ballot_count=before.ballot_count + 1,
            )
    return {item: total for item, total in totals.items() if total != p.Delta()}


dot_ballots = st.dictionaries(st.sampled_from(ITEMS), st.integers(1, 4), min_size=1, max_size=3)
rankings = st.permutations(ITEMS).map(lambda order: p.ranks_from_order(order))


@given(
    st.sampled_from(["dots", "ranking"]),
    st.lists(st.tuples(st.integers(1, 5), dot_ballots, rankings), max_size=40),
)
def test_counters_kept_by_deltas_equal_a_recount(method, casts):
    """Whatever sequence of first ballots and replacements by whoever, the
    counters moved by the deltas are the totals counted from the ballots."""
    ballots: dict[int, dict[int, int]] = {}
    kept: dict[int, p.Delta] = {}
    for voter, dots, ranking in casts:
        new = dots if method == "dots" else ranking
        for item, delta in p.counter_deltas(method, ballots.get(voter), new, 4).items():
            before = kept.get(item, p.Delta())
            kept[item] = p.Delta(
                points=before.points + delta.points,
                rank_score=before.rank_score + delta.rank_score,
                ballot_count=before.ballot_count + delta.ballot_count,
            )
        ballots[voter] = new
    kept = {item: total for item, total in kept.items() if total != p.Delta()}
    assert kept == _recount(method, ballots, 4)


# --- results ---------------------------------------------------------------------------------


def test_dot_results_by_points_with_shares_that_add_up_to_100():
    rows = p.results(
        "dots",
        [
            p.ItemTotals(11, points=1, ballot_count=1),
            p.ItemTotals(12, points=1, ballot_count=1),
            p.ItemTotals(13, points=1, ballot_count=1),
            p.ItemTotals(14, points=0),
        ],
    )
    assert [row.item for row in rows] == [11, 12, 13, 14]  # ties keep the items' order
    assert [row.place for row in rows] == [1, 1, 1, 4]
    assert [row.percent for row in rows] == [34, 33, 33, 0]
    assert rows[0].share == pytest.approx(1 / 3)
    assert all(row.mean_rank is None for row in rows)


def test_dot_results_order_by_points():
    rows = p.results(
        "dots",
        [p.ItemTotals(11, points=2), p.ItemTotals(12, points=9), p.ItemTotals(13, points=2)],
    )
    # 69.2 %, 15.4 %, 15.4 %: the spare point goes to the first of the tied remainders.
    assert [(row.item, row.place, row.percent) for row in rows] == [
        (12, 1, 69),
        (11, 2, 16),
        (13, 2, 15),
    ]


def test_ranking_results_by_borda_score_with_the_mean_position():
    # Two ballots over three items: (A, B, C) and (B, A, C).
    rows = p.results(
        "ranking",
        [
            p.ItemTotals(1, rank_score=3 + 2, ballot_count=2),
            p.ItemTotals(2, rank_score=2 + 3, ballot_count=2),
            p.ItemTotals(3, rank_score=1 + 1, ballot_count=2),
        ],
    )
    assert [(row.item, row.place, row.rank_score) for row in rows] == [
        (1, 1, 5),
        (2, 1, 5),
        (3, 3, 2),
    ]
    assert [row.mean_rank for row in rows] == [1.5, 1.5, 3.0]
    assert all(row.percent == 0 and row.share == 0 for row in rows)


def test_results_before_any_ballot():
    rows = p.results("ranking", [p.ItemTotals(1), p.ItemTotals(2)])
    assert [(row.place, row.mean_rank) for row in rows] == [(1, None), (1, None)]
    assert [row.percent for row in p.results("dots", [p.ItemTotals(1)])] == [0]


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=30))
def test_percentages_add_up_to_100_and_stay_within_one_of_the_exact_share(values):
    shares = p.percentages(values)
    total = sum(values)
    if total == 0:
        assert shares == [0] * len(values)
        return
    assert sum(shares) == 100
    for value, share in zip(values, shares, strict=True):
        assert abs(share - value * 100 / total) < 1


# --- typo fixes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "distance"),
    [
        ("", "", 0),
        ("kitten", "sitting", 3),
        ("Same day", "Same-day", 1),
        ("abc", "", 3),
        ("Urgent cases", "Routine cases", 6),
    ],
)
def test_edit_distance(old, new, distance):
    assert p.edit_distance(old, new) == distance
    assert p.edit_distance(new, old) == distance


def test_a_typo_fix_is_a_few_characters():
    assert p.is_typo_fix("Urgnet cases first", "Urgent cases first")
    assert p.is_typo_fix("Everyone contacted in 7 days", "Everyone contacted in 7 days.")
    assert not p.is_typo_fix("Urgent cases first", "Routine cases first")
