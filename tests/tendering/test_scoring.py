"""Pure tender scoring: hand-computed examples, boundaries, errors and properties."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from participai.tendering.scoring import (
    DEFAULT_MIN_RESPONSIBLE_AI_WEIGHT,
    GROUPS,
    RESPONSIBLE_AI,
    BidResult,
    CriterionSpec,
    Sensitivity,
    SensitivityCase,
    check_weights,
    group_weights,
    mean,
    minimum_responsible_ai_weight,
    moderation_spread,
    needs_reason,
    panel_totals,
    price_scores,
    sensitivity,
    shifted_weights,
    weighted_totals,
)

D = Decimal


def spec(key: str, weight: str | int, *, group: str = "quality", scale: int = 10, **extra):
    return CriterionSpec(key=key, group=group, weight=D(weight), scale_max=scale, **extra)


def weights_of(criteria) -> dict[str, Decimal]:
    return {criterion.key: criterion.weight for criterion in criteria}


def summary(results: list[BidResult]) -> list[tuple[str, Decimal, int]]:
    return [(result.bid, result.total, result.rank) for result in results]


# A tender used in several tests: 50 quality, 30 price (by formula), 20 responsible AI.
TENDER = [
    spec("quality", 50),
    spec("price", 30, group="price", method="lowest_price"),
    spec("rai", 20, group=RESPONSIBLE_AI, scale=5),
]


# --- purity -----------------------------------------------------------------


def test_the_module_imports_no_django():
    # A fresh interpreter: this test process has Django loaded.
    code = (
        "import sys, participai.tendering.scoring\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr


def test_criterion_spec_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="unknown scoring method"):
        spec("q", 100, method="cheapest")
    assert spec("q", 100).method == "judgement"


# --- groups and minimums -----------------------------------------------------


def test_group_weights_lists_every_group_in_order_with_zero_where_none():
    assert group_weights(TENDER) == {
        "quality": D(50),
        "price": D(30),
        "responsible_ai": D(20),
        "social_value": D(0),
        "other": D(0),
    }
    assert list(group_weights(TENDER)) == list(GROUPS)
    assert group_weights([]) == dict.fromkeys(GROUPS, D(0))


def test_group_weights_adds_up_criteria_of_one_group_and_keeps_unknown_groups_last():
    criteria = [spec("a", "12.5"), spec("b", "37.5"), spec("c", 50, group="vibes")]
    totals = group_weights(criteria)
    assert totals["quality"] == D(50)
    assert list(totals) == [*GROUPS, "vibes"]
    assert totals["vibes"] == D(50)
    assert sum(totals.values()) == 100


def test_minimum_per_assessed_level_comes_from_the_table():
    assert [minimum_responsible_ai_weight(level) for level in (1, 2, 3, 4)] == [0, 10, 20, 25]
    assert minimum_responsible_ai_weight(2, {1: D(1), 2: D(7)}) == D(7)


def test_unassessed_level_takes_the_strictest_minimum():
    assert minimum_responsible_ai_weight(None) == D(25)
    # The strictest, not the one of the highest level.
    assert minimum_responsible_ai_weight(None, {1: D(5), 2: D(40), 3: D(30)}) == D(40)
    assert minimum_responsible_ai_weight(None, {}) == D(0)


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="impact level 7"):
        minimum_responsible_ai_weight(7)
    with pytest.raises(ValueError, match="impact level 0"):
        check_weights(TENDER, impact_level=0)


# --- check_weights -----------------------------------------------------------


def codes(problems) -> list[str]:
    return [problem.code for problem in problems]


def rendered(problem) -> str:
    text = problem.message % problem.params
    assert "%(" not in text
    return text


def test_valid_weights_have_no_problem():
    assert check_weights(TENDER, impact_level=3) == []
    assert check_weights(TENDER, impact_level=1) == []


def test_no_criteria_is_only_the_empty_problem():
    (problem,) = check_weights([], impact_level=4)
    assert problem.code == "empty"
    assert problem.params == {}
    assert rendered(problem) == "Add at least one evaluation criterion."


def test_weights_not_adding_up_to_100_is_the_sum_problem():
    (problem,) = check_weights([spec("a", "60"), spec("b", "39.99")], impact_level=1)
    assert problem.code == "sum"
    assert problem.params == {"total": D("99.99")}
    assert rendered(problem) == "The weights add up to 99.99 %; they must add up to 100 %."
    (problem,) = check_weights([spec("a", "60"), spec("b", "40.01")], impact_level=1)
    assert problem.params == {"total": D("100.01")}


def test_a_negative_weight_is_the_negative_problem():
    problems = check_weights([spec("a", 110), spec("b", -10)], impact_level=1)
    assert codes(problems) == ["negative"]
    assert problems[0].params == {"key": "b", "weight": D(-10)}
    assert "-10 %" in rendered(problems[0])


@pytest.mark.parametrize("scale", [0, -5, True, 2.5, "10"])
def test_a_scale_that_is_not_a_whole_number_of_at_least_1_is_the_scale_problem(scale):
    problems = check_weights(
        [spec("a", 50), CriterionSpec("b", "quality", D(50), scale)], impact_level=1
    )
    assert codes(problems) == ["scale"]
    assert problems[0].params == {"key": "b", "scale_max": scale}
    rendered(problems[0])


def test_scale_of_one_is_allowed():
    assert check_weights([spec("a", 100, scale=1)], impact_level=1) == []


def test_an_unknown_group_is_the_unknown_group_problem():
    problems = check_weights([spec("a", 50), spec("b", 50, group="Quality")], impact_level=1)
    assert codes(problems) == ["unknown_group"]
    assert problems[0].params == {"key": "b", "group": "Quality"}
    assert "Quality" in rendered(problems[0])


def test_responsible_ai_below_the_minimum_of_the_level():
    criteria = [spec("q", "90.01"), spec("r", "9.99", group=RESPONSIBLE_AI)]
    (problem,) = check_weights(criteria, impact_level=2)
    assert problem.code == "responsible_ai_minimum"
    assert problem.params == {"actual": D("9.99"), "level": 2, "minimum": D(10)}
    assert rendered(problem) == (
        "Responsible-AI criteria carry 9.99 % of the weight; at impact level 2 they must "
        "carry at least 10 %."
    )
    exactly = [spec("q", 90), spec("r", 10, group=RESPONSIBLE_AI)]
    assert check_weights(exactly, impact_level=2) == []
    assert codes(check_weights(exactly, impact_level=3)) == ["responsible_ai_minimum"]


def test_responsible_ai_weight_is_summed_over_the_group():
    criteria = [
        spec("q", 75),
        spec("r1", 15, group=RESPONSIBLE_AI),
        spec("r2", 10, group=RESPONSIBLE_AI),
    ]
    assert check_weights(criteria, impact_level=4) == []


def test_level_1_needs_no_responsible_ai_weight_but_unassessed_needs_the_strictest():
    criteria = [spec("q", 100)]
    assert check_weights(criteria, impact_level=1) == []
    (problem,) = check_weights(criteria, impact_level=None)
    assert problem.code == "responsible_ai_minimum"
    assert problem.params == {"actual": D(0), "level": None, "minimum": D(25)}
    text = rendered(problem)
    assert "not been assessed" in text and "at least 25 %" in text
    at_strictest = [spec("q", 75), spec("r", 25, group=RESPONSIBLE_AI)]
    assert check_weights(at_strictest, impact_level=None) == []
    below = [spec("q", "75.01"), spec("r", "24.99", group=RESPONSIBLE_AI)]
    assert codes(check_weights(below, impact_level=None)) == ["responsible_ai_minimum"]


def test_custom_minimums():
    criteria = [spec("q", 95), spec("r", 5, group=RESPONSIBLE_AI)]
    assert check_weights(criteria, impact_level=1, minimums={1: D(5)}) == []
    problems = check_weights(criteria, impact_level=1, minimums={1: D(6)})
    assert codes(problems) == ["responsible_ai_minimum"]


def test_every_problem_is_reported_at_once_in_a_stable_order():
    criteria = [
        spec("a", -5, group="nope", scale=0),
        spec("b", 50),
    ]
    problems = check_weights(criteria, impact_level=4)
    assert codes(problems) == [
        "unknown_group",
        "negative",
        "scale",
        "sum",
        "responsible_ai_minimum",
    ]
    for problem in problems:
        rendered(problem)


def test_default_minimums_are_the_documented_table():
    assert DEFAULT_MIN_RESPONSIBLE_AI_WEIGHT == {1: 0, 2: 10, 3: 20, 4: 25}


# --- price formula -------------------------------------------------------------


def test_price_scores_by_lowest_price():
    scores = price_scores({"a": D(100), "b": D(200), "c": D("400.00")}, 10)
    assert scores == {"a": D(10), "b": D(5), "c": D("2.5")}


def test_price_scores_keep_full_precision():
    scores = price_scores({"a": D(100), "b": D(300)}, 5)
    assert scores["a"] == 5
    assert scores["b"] == D("1.666666666666666666666666667")


def test_equal_lowest_prices_both_score_the_top():
    assert price_scores({"a": D("99.50"), "b": D("99.5")}, 7) == {"a": D(7), "b": D(7)}
    assert price_scores({}, 10) == {}


@pytest.mark.parametrize("price", [D(0), D(-1), D("-0.01"), None, 12.5, D("NaN"), D("Infinity")])
def test_price_scores_refuse_a_price_that_is_not_positive(price):
    with pytest.raises(ValueError, match="Bid b"):
        price_scores({"a": D(10), "b": price}, 10)


def test_price_scores_refuse_a_bad_scale():
    with pytest.raises(ValueError):
        price_scores({"a": D(10)}, 0)


@given(
    prices=st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3),
        st.decimals(min_value=D("0.01"), max_value=D(10**9), places=2),
        min_size=1,
        max_size=8,
    ),
    scale=st.integers(1, 20),
)
def test_price_scores_properties(prices, scale):
    scores = price_scores(prices, scale)
    assert scores.keys() == prices.keys()
    lowest = min(prices.values())
    for bid, price in prices.items():
        assert 0 < scores[bid] <= scale
        assert (scores[bid] == scale) == (price == lowest)
        assert abs(scores[bid] * price - scale * lowest) <= price * D("1e-25")
    for a in prices:
        for b in prices:
            if prices[a] < prices[b]:
                assert scores[a] > scores[b]


# --- weighted totals -------------------------------------------------------------


def test_weighted_totals_by_hand():
    prices = price_scores({"a": D(100), "b": D(125)}, 10)  # a 10, b 8
    scores = {
        "a": {"quality": D(6), "price": prices["a"], "rai": D(3)},  # 30 + 30 + 12
        "b": {"quality": D("8.5"), "price": prices["b"], "rai": D(4)},  # 42.5 + 24 + 16
    }
    results = weighted_totals(TENDER, scores)
    assert summary(results) == [("b", D("82.5"), 1), ("a", D(72), 2)]
    assert results[0].by_criterion == {"quality": D("42.5"), "price": D(24), "rai": D(16)}
    assert results[1].by_criterion == {"quality": D(30), "price": D(30), "rai": D(12)}
    assert results[0].total_display == "82.50"
    assert results[1].total_display == "72.00"


def test_total_display_rounds_half_up():
    criteria = [spec("a", "24.69", scale=2), spec("b", "75.31")]
    (result,) = weighted_totals(criteria, {"x": {"a": D(1), "b": D(0)}})
    assert result.total == D("12.345")
    assert result.total_display == "12.35"  # half-even would give 12.34


def test_scores_on_the_bounds_of_the_scale():
    results = weighted_totals(
        TENDER,
        {
            "top": {"quality": D(10), "price": D(10), "rai": D(5)},
            "bottom": {"quality": D(0), "price": 0, "rai": D("0.00")},
        },
    )
    assert summary(results) == [("top", D(100), 1), ("bottom", D(0), 2)]
    assert results[1].total_display == "0.00"


def test_no_bids_no_results():
    assert weighted_totals(TENDER, {}) == []


def test_competition_ranking_with_ties():
    criteria = [spec("q", 100)]
    scores = {
        bid: {"q": D(score)}
        for bid, score in {"d": 7, "c": 8, "b": 8, "a": 9, "e": 7, "f": 1}.items()
    }
    results = weighted_totals(criteria, scores)
    # 1, 2, 2, 4, 4, 6; tied bids in key order.
    assert [(r.bid, r.rank) for r in results] == [
        ("a", 1),
        ("b", 2),
        ("c", 2),
        ("d", 4),
        ("e", 4),
        ("f", 6),
    ]


def test_a_tie_for_first_shares_rank_1():
    criteria = [spec("q", 50), spec("p", 50)]
    scores = {"y": {"q": D(10), "p": D(0)}, "x": {"q": D(0), "p": D(10)}, "z": {"q": 1, "p": 1}}
    assert summary(weighted_totals(criteria, scores)) == [
        ("x", D(50), 1),
        ("y", D(50), 1),
        ("z", D(10), 3),
    ]


def test_ties_are_exact_even_when_thirds_are_involved():
    # 10 * 1/3 + 20 * 2/3 = 50/3 both ways round; with 28-digit decimals summed in a different
    # order the two totals could differ in the last digit and break the tie.
    criteria = [spec("a", 10, scale=3), spec("b", 20, scale=3), spec("c", 70, scale=7)]
    scores = {
        "x": {"a": D(1), "b": D(2), "c": D(0)},
        "y": {"a": D(2), "b": D("1.5"), "c": D(0)},
    }
    results = weighted_totals(criteria, scores)
    assert [r.rank for r in results] == [1, 1]
    assert results[0].total == results[1].total


def test_missing_score_names_the_bid_and_the_criterion():
    scores = {"acme": {"quality": D(5), "price": D(5)}}
    with pytest.raises(ValueError, match=r"Bid acme: no score for criterion rai"):
        weighted_totals(TENDER, scores)


@pytest.mark.parametrize("score", [D("10.01"), D(11), D("-0.01"), -1])
def test_score_outside_the_scale_is_refused(score):
    scores = {"acme": {"quality": score, "price": D(5), "rai": D(5)}}
    with pytest.raises(ValueError, match=r"Bid acme, criterion quality: .*outside 0 to 10"):
        weighted_totals(TENDER, scores)


@pytest.mark.parametrize("score", [5.0, "5", None, D("NaN"), True])
def test_score_that_is_not_a_decimal_is_refused(score):
    scores = {"acme": {"quality": score, "price": D(5), "rai": D(5)}}
    with pytest.raises(ValueError, match=r"Bid acme, criterion quality"):
        weighted_totals(TENDER, scores)


def test_score_for_an_unknown_criterion_is_refused():
    scores = {"acme": {"quality": D(5), "price": D(5), "rai": D(5), "qualty": D(5)}}
    with pytest.raises(ValueError, match="unknown criteria: qualty"):
        weighted_totals(TENDER, scores)


@pytest.mark.parametrize(
    "criteria",
    [
        [spec("a", 50), spec("b", 40)],
        [spec("a", 110), spec("b", -10)],
        [spec("a", 50), spec("b", 50, scale=0)],
        [spec("a", 50), spec("b", 50, group="nope")],
        [],
    ],
)
def test_criteria_that_cannot_be_scored_are_refused(criteria):
    with pytest.raises(ValueError, match="cannot be scored"):
        weighted_totals(criteria, {})


def test_repeated_criterion_keys_are_refused():
    with pytest.raises(ValueError, match="repeated: a"):
        weighted_totals([spec("a", 50), spec("a", 50)], {})


def test_responsible_ai_minimum_does_not_stop_scoring():
    (result,) = weighted_totals([spec("q", 100)], {"x": {"q": D(5)}})
    assert result.total == 50


# --- properties of weighted totals ------------------------------------------------


@st.composite
def weight_lists(draw, min_size=1, max_size=6):
    """Non-negative weights with two decimals adding up to exactly 100."""
    size = draw(st.integers(min_size, max_size))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=size - 1, max_size=size - 1)))
    bounds = [0, *cuts, 10_000]
    return [D(high - low).scaleb(-2) for low, high in itertools.pairwise(bounds)]


@st.composite
def criteria_lists(draw, min_size=1, max_size=6):
    weights = draw(weight_lists(min_size, max_size))
    return [
        CriterionSpec(
            key=f"c{index}",
            group=draw(st.sampled_from(GROUPS)),
            weight=weight,
            scale_max=draw(st.integers(1, 10)),
        )
        for index, weight in enumerate(weights)
    ]


def score_for(scale: int) -> st.SearchStrategy[Decimal]:
    # Half points make ties frequent; the occasional fine decimal tests precision.
    return st.one_of(
        st.integers(0, 2 * scale).map(lambda half: D(half) / 2),
        st.decimals(min_value=0, max_value=scale, places=3),
    )


@st.composite
def tenders(draw, max_bids=6):
    criteria = draw(criteria_lists())
    bids = draw(
        st.lists(st.text("abcdefgh", min_size=1, max_size=2), max_size=max_bids, unique=True)
    )
    scores = {
        bid: {criterion.key: draw(score_for(criterion.scale_max)) for criterion in criteria}
        for bid in bids
    }
    return criteria, scores


@given(tenders())
def test_totals_are_bounded_and_add_up_their_points(tender):
    criteria, scores = tender
    for result in weighted_totals(criteria, scores):
        assert 0 <= result.total <= 100
        assert abs(sum(result.by_criterion.values()) - result.total) < D("1e-20")
        assert list(result.by_criterion) == [criterion.key for criterion in criteria]


@given(tenders())
def test_ranks_are_competition_ranks_and_the_order_is_best_first(tender):
    criteria, scores = tender
    results = weighted_totals(criteria, scores)
    assert sorted(r.bid for r in results) == sorted(scores)
    for result in results:
        assert result.rank == 1 + sum(other.total > result.total for other in results)
    keys = [(-r.total, r.bid) for r in results]
    assert keys == sorted(keys)


@given(tender=tenders(), data=st.data())
def test_ranking_does_not_depend_on_the_order_of_the_input(tender, data):
    criteria, scores = tender
    criteria_order = data.draw(st.permutations(criteria))
    bid_order = data.draw(st.permutations(list(scores)))
    shuffled = {bid: dict(reversed(list(scores[bid].items()))) for bid in bid_order}
    before = weighted_totals(criteria, scores)
    after = weighted_totals(criteria_order, shuffled)
    assert summary(after) == summary(before)
    assert [r.by_criterion for r in after] == [
        {c.key: r.by_criterion[c.key] for c in criteria_order} for r in before
    ]


@given(tender=tenders(), data=st.data())
def test_a_criterion_of_weight_0_never_changes_the_ranking(tender, data):
    criteria, scores = tender
    scale = data.draw(st.integers(1, 10))
    extra = CriterionSpec("zero", data.draw(st.sampled_from(GROUPS)), D("0.00"), scale)
    position = data.draw(st.integers(0, len(criteria)))
    widened = [*criteria[:position], extra, *criteria[position:]]
    widened_scores = {
        bid: {**bid_scores, "zero": data.draw(score_for(scale))}
        for bid, bid_scores in scores.items()
    }
    before = weighted_totals(criteria, scores)
    after = weighted_totals(widened, widened_scores)
    assert summary(after) == summary(before)
    assert all(result.by_criterion["zero"] == 0 for result in after)


# --- shifted weights ---------------------------------------------------------------


def test_shift_takes_from_the_others_in_proportion():
    shifted = shifted_weights(TENDER, "quality", D(5))
    assert weights_of(shifted) == {"quality": D(55), "price": D(27), "rai": D(18)}
    shifted = shifted_weights(TENDER, "rai", D(-5))
    # 85 shared 50:30 is 53.125 and 31.875; rounded down, the 0.01 left goes to quality.
    assert weights_of(shifted) == {"quality": D("53.13"), "price": D("31.87"), "rai": D(15)}
    assert sum(weights_of(shifted).values()) == 100


def test_shift_keeps_everything_but_the_weight_and_the_order():
    shifted = shifted_weights(TENDER, "price", D(5))
    assert [c.key for c in shifted] == ["quality", "price", "rai"]
    for before, after in zip(TENDER, shifted, strict=True):
        assert (before.key, before.group, before.scale_max, before.method) == (
            after.key,
            after.group,
            after.scale_max,
            after.method,
        )


def test_shift_puts_the_rounding_residue_on_the_largest_other_criterion():
    criteria = [spec("a", 40), spec("b", 10), spec("c", 50)]
    # 59.99 shared 10:50 is 9.998.. and 49.991..; rounded down 9.99 + 49.99 leaves 0.01 for c.
    assert weights_of(shifted_weights(criteria, "a", D("0.01"))) == {
        "a": D("40.01"),
        "b": D("9.99"),
        "c": D("50.00"),
    }


def test_shift_residue_goes_to_the_first_of_equally_large_others():
    criteria = [spec("a", 40), spec("b", 20), spec("c", 20), spec("d", 20)]
    # 59.99 / 3 = 19.996..: 19.99 each, 0.02 left, for b.
    assert weights_of(shifted_weights(criteria, "a", D("0.01"))) == {
        "a": D("40.01"),
        "b": D("20.01"),
        "c": D("19.99"),
        "d": D("19.99"),
    }


def test_shift_shares_equally_when_the_others_weigh_nothing():
    criteria = [spec("a", 100), spec("b", 0), spec("c", 0)]
    assert weights_of(shifted_weights(criteria, "a", D(-10))) == {"a": D(90), "b": D(5), "c": D(5)}
    criteria = [spec("a", 100), spec("b", 0), spec("c", 0), spec("d", 0)]
    assert weights_of(shifted_weights(criteria, "a", D("-0.01"))) == {
        "a": D("99.99"),
        "b": D("0.01"),
        "c": D(0),
        "d": D(0),
    }


def test_shift_is_clamped_to_0_and_100():
    criteria = [spec("a", 90), spec("b", 10)]
    assert weights_of(shifted_weights(criteria, "a", D(20))) == {"a": D(100), "b": D(0)}
    assert weights_of(shifted_weights(criteria, "a", D(-200))) == {"a": D(0), "b": D(100)}
    assert weights_of(shifted_weights(criteria, "b", D(-10))) == {"a": D(100), "b": D(0)}


def test_shift_rounds_the_new_weight_half_up_to_a_hundredth():
    criteria = [spec("a", 50), spec("b", 50)]
    assert weights_of(shifted_weights(criteria, "a", D("0.005"))) == {
        "a": D("50.01"),
        "b": D("49.99"),
    }
    assert weights_of(shifted_weights(criteria, "a", D("0.004"))) == {"a": D(50), "b": D(50)}


def test_shift_of_the_only_criterion_changes_nothing():
    criteria = [spec("a", 100)]
    assert shifted_weights(criteria, "a", D(5)) == criteria


@pytest.mark.parametrize(
    ("criteria", "key", "message"),
    [
        ([spec("a", 50), spec("b", 40)], "a", "add up to 100"),
        ([spec("a", 110), spec("b", -10)], "a", "non-negative"),
        ([spec("a", 50), spec("b", 50)], "c", "no criterion c"),
        ([spec("a", 50), spec("a", 50)], "a", "unique"),
    ],
)
def test_shift_preconditions(criteria, key, message):
    with pytest.raises(ValueError, match=message):
        shifted_weights(criteria, key, D(5))


@given(
    criteria=criteria_lists(max_size=8),
    data=st.data(),
    delta=st.decimals(min_value=-150, max_value=150, places=3),
)
def test_shifted_weights_add_up_to_100_and_stay_non_negative(criteria, data, delta):
    target = data.draw(st.sampled_from(criteria))
    shifted = shifted_weights(criteria, target.key, delta)
    new = weights_of(shifted)
    assert sum(new.values()) == 100
    assert all(weight >= 0 for weight in new.values())
    assert all(weight == weight.quantize(D("0.01")) for weight in new.values())
    assert [c.key for c in shifted] == [c.key for c in criteria]
    if len(criteria) == 1:
        return
    wanted = min(max(target.weight + delta, D(0)), D(100))
    assert new[target.key] == wanted.quantize(D("0.01"), "ROUND_HALF_UP")
    # Every other weight is its proportional share, up to the rounding residue.
    others = [c for c in criteria if c.key != target.key]
    others_before = sum(c.weight for c in others)
    left = 100 - new[target.key]
    for other in others:
        share = other.weight * left / others_before if others_before else left / len(others)
        assert abs(new[other.key] - share) <= D("0.01") * len(others)


@given(criteria=criteria_lists(max_size=8), data=st.data())
def test_a_shift_of_0_changes_nothing(criteria, data):
    target = data.draw(st.sampled_from(criteria))
    assert shifted_weights(criteria, target.key, D(0)) == criteria


# --- sensitivity --------------------------------------------------------------------------


QUALITY_PRICE = [spec("quality", 50), spec("price", 50, group="price")]


def test_sensitivity_detects_a_winner_that_a_5_point_move_flips():
    # b wins by a point: a = 50 + 25 = 75, b = 30 + 46 = 76.
    scores = {
        "a": {"quality": D(10), "price": D(5)},
        "b": {"quality": D(6), "price": D("9.2")},
    }
    result = sensitivity(QUALITY_PRICE, scores)
    assert result.baseline == ("b", "a")
    assert not result.robust
    # quality 55 / price 45: a = 55 + 22.5 = 77.5, b = 33 + 41.4 = 74.4.
    assert result.cases[0] == SensitivityCase(
        criterion="quality",
        delta=D(5),
        ranking=("a", "b"),
        winner="a",
        winner_changes=True,
        rank_changes=("b", "a"),
    )
    # quality down favours b further.
    assert result.cases[1].criterion == "quality" and result.cases[1].delta == D(-5)
    assert result.cases[1].winner == "b" and not result.cases[1].winner_changes
    assert result.cases[1].rank_changes == ()
    # Moving price down is moving quality up: a wins again.
    assert [(c.criterion, c.delta, c.winner_changes) for c in result.cases] == [
        ("quality", D(5), True),
        ("quality", D(-5), False),
        ("price", D(5), False),
        ("price", D(-5), True),
    ]


def test_sensitivity_is_robust_when_no_5_point_move_flips_the_winner():
    scores = {
        "a": {"quality": D(10), "price": D(5)},  # 75
        "b": {"quality": D(6), "price": D(10)},  # 80; at quality 55: 77.5 against 78
        "c": {"quality": D(1), "price": D(1)},
    }
    result = sensitivity(QUALITY_PRICE, scores)
    assert result.baseline == ("b", "a", "c")
    assert result.robust
    assert len(result.cases) == 4
    assert all(case.winner == "b" and case.rank_changes == () for case in result.cases)
    # A bigger move does flip it: quality 60 / price 40 gives a 80, b 76.
    assert not sensitivity(QUALITY_PRICE, scores, delta=D(10)).robust


def test_sensitivity_from_a_tie_for_first_any_move_that_breaks_it_changes_the_winner():
    scores = {
        "a": {"quality": D(10), "price": D(5)},  # 75; at quality 55: 77.5
        "b": {"quality": D(5), "price": D(10)},  # 75; at quality 55: 72.5
    }
    result = sensitivity(QUALITY_PRICE, scores)
    assert result.baseline == ("a", "b")
    assert len(result.cases) == 4
    assert all(case.winner_changes for case in result.cases)
    assert not result.robust


def test_sensitivity_counts_a_new_tie_for_first_as_a_winner_change():
    scores = {
        "a": {"quality": D("7.75"), "price": D("2.75")},  # 52.5; at quality 55: 42.625 + 12.375
        "b": {"quality": D(10), "price": D(0)},  # 50; at quality 55: 55
    }
    result = sensitivity(QUALITY_PRICE, scores)
    assert result.baseline == ("a", "b")
    up = result.cases[0]
    # a stays first in the listing, but no longer alone.
    assert (up.criterion, up.ranking, up.winner) == ("quality", ("a", "b"), "a")
    assert up.winner_changes
    assert up.rank_changes == ("b",)
    assert not result.robust


def test_sensitivity_leaves_out_moves_that_clamping_cancels():
    criteria = [spec("quality", 100), spec("price", 0, group="price")]
    scores = {"a": {"quality": D(10), "price": D(0)}, "b": {"quality": D(9), "price": D(10)}}
    result = sensitivity(criteria, scores)
    # quality cannot go up, price cannot go down.
    assert [(c.criterion, c.delta) for c in result.cases] == [("quality", D(-5)), ("price", D(5))]
    assert result.robust  # a 95 against b 85.5 + 5 = 90.5


def test_sensitivity_reports_the_move_actually_made():
    criteria = [spec("quality", 97), spec("price", 3, group="price")]
    scores = {"a": {"quality": D(10), "price": D(0)}}
    deltas = [(c.criterion, c.delta) for c in sensitivity(criteria, scores).cases]
    assert deltas == [("quality", D(3)), ("quality", D(-5)), ("price", D(5)), ("price", D(-3))]


def test_sensitivity_without_bids():
    assert sensitivity(TENDER, {}) == Sensitivity(baseline=(), cases=())
    assert Sensitivity(baseline=(), cases=()).robust


@pytest.mark.parametrize("delta", [D(0), D(-5)])
def test_sensitivity_needs_a_positive_delta(delta):
    with pytest.raises(ValueError, match="more than 0"):
        sensitivity(QUALITY_PRICE, {"a": {"quality": D(1), "price": D(1)}}, delta=delta)


@given(criteria=criteria_lists(), rivals=st.integers(1, 3), data=st.data())
def test_a_bid_better_on_every_criterion_is_a_robust_winner(criteria, rivals, data):
    scores = {"best": {c.key: D(c.scale_max) for c in criteria}}
    for index in range(rivals):
        scores[f"r{index}"] = {
            c.key: min(data.draw(score_for(c.scale_max)), c.scale_max - D("0.5")) for c in criteria
        }
    delta = data.draw(st.decimals(min_value=D("0.01"), max_value=100, places=2))
    result = sensitivity(criteria, scores, delta=delta)
    assert result.baseline[0] == "best"
    assert result.robust


# --- moderation -------------------------------------------------------------------------


def test_moderation_spread():
    assert moderation_spread([]) == 0
    assert moderation_spread([D(7)]) == 0
    assert moderation_spread([D(3), D("7.5"), D(5)]) == D("4.5")
    assert moderation_spread([D(4), D(4)]) == 0


def test_needs_reason_at_the_edges_of_the_range():
    individual = [D(5), D(6), D(7)]  # range 5..7, median 6
    assert not needs_reason(individual, D(6))
    assert not needs_reason(individual, D(5))
    assert not needs_reason(individual, D(7))
    assert needs_reason(individual, D("4.99"))
    assert needs_reason(individual, D("7.01"))


def test_needs_reason_more_than_1_point_from_the_median():
    individual = [D(2), D(6), D(6)]  # range 2..6, median 6
    assert not needs_reason(individual, D(5))
    assert needs_reason(individual, D("4.99"))
    assert needs_reason(individual, D(2))  # in range, but 4 from the median


def test_needs_reason_median_of_an_even_count():
    individual = [D(4), D(8)]  # median 6
    assert not needs_reason(individual, D(5))
    assert not needs_reason(individual, D(7))
    assert needs_reason(individual, D("4.9"))
    assert needs_reason(individual, D("7.1"))


def test_needs_reason_with_one_or_no_individual_score():
    assert not needs_reason([D(6)], D(6))
    assert needs_reason([D(6)], D("6.01"))
    assert needs_reason([], D(6))


def test_needs_reason_refuses_floats():
    with pytest.raises(ValueError):
        needs_reason([5.0], D(5))


@given(st.lists(st.integers(0, 20).map(lambda half: D(half) / 2), min_size=1, max_size=7))
def test_agreeing_on_the_median_of_close_scores_needs_no_reason(individual):
    import statistics

    median = statistics.median(individual)
    assert not needs_reason(individual, median)
    assert needs_reason(individual, max(individual) + D("0.5"))
    assert needs_reason(individual, min(individual) - D("0.5"))


def test_mean_is_exact():
    assert mean([D(1), D(2)]) == D("1.5")
    assert mean([D("0.1")] * 3) == D("0.1")
    assert mean([1, 2, D("3")]) == 2
    assert mean([D(1), D(0), D(0)]) == D("0.3333333333333333333333333333")
    with pytest.raises(ValueError):
        mean([])
    with pytest.raises(ValueError):
        mean([0.1])


# --- community panel ---------------------------------------------------------------------


def member_scores(quality: str, rai: str, price: str = "0") -> dict[str, Decimal]:
    return {"quality": D(quality), "price": D(price), "rai": D(rai)}


def test_panel_totals_average_the_members_totals():
    fixed = {"a": {"price": D(10)}, "b": {"price": D(8)}}  # 30 and 24 points
    by_member = {
        "ana": {"a": member_scores("6", "3"), "b": member_scores("8", "4")},  # a 72, b 80
        "ben": {"a": member_scores("8", "5"), "b": member_scores("4", "2")},  # a 90, b 52
        "cat": {"a": member_scores("0", "0"), "b": member_scores("0", "0")},  # a 30, b 24
    }
    totals = panel_totals(TENDER, by_member, ["ana", "ben"], fixed=fixed)
    assert totals == {"a": D(81), "b": D(66)}
    assert list(totals) == ["a", "b"]
    # Members are counted once each; the order does not matter.
    assert panel_totals(TENDER, by_member, ["ben", "ana", "ben"], fixed=fixed) == totals
    # cat was not chosen above; chosen, the price still earns cat its points.
    assert panel_totals(TENDER, by_member, ["ana", "ben", "cat"], fixed=fixed) == {
        "a": D(64),
        "b": D(52),
    }


def test_panel_fixed_scores_override_what_members_entered_for_the_formula():
    by_member = {"ana": {"a": member_scores("6", "3", price="1")}}
    assert panel_totals(TENDER, by_member, ["ana"], fixed={"a": {"price": D(10)}}) == {"a": D(72)}
    # Without fixed scores the member's own price score counts.
    assert panel_totals(TENDER, by_member, ["ana"]) == {"a": D(45)}


def test_panel_of_one_member_matches_weighted_totals():
    scores = {"a": member_scores("6", "3", "5"), "b": member_scores("7", "1", "9")}
    totals = panel_totals(TENDER, {"ana": scores}, ["ana"])
    assert totals == {r.bid: r.total for r in weighted_totals(TENDER, scores)}


def test_panel_mean_is_exact():
    criteria = [spec("q", 100, scale=3)]
    by_member = {m: {"a": {"q": D(s)}} for m, s in {"x": 1, "y": 1, "z": 2}.items()}
    assert panel_totals(criteria, by_member, ["x", "y", "z"]) == {
        "a": D("44.44444444444444444444444444")
    }


def test_panel_without_members_is_empty():
    assert panel_totals(TENDER, {}, []) == {}


def test_panel_refuses_a_member_without_scores():
    with pytest.raises(ValueError, match="Member dan has no scores"):
        panel_totals(TENDER, {"ana": {}}, ["ana", "dan"])


def test_panel_refuses_a_member_who_missed_a_bid():
    by_member = {
        "ana": {"a": member_scores("1", "1"), "b": member_scores("1", "1")},
        "ben": {"a": member_scores("1", "1")},
    }
    with pytest.raises(ValueError, match="Member ben has not scored bid b"):
        panel_totals(TENDER, by_member, ["ana", "ben"])


def test_panel_names_the_member_and_bid_of_a_bad_score():
    by_member = {"ana": {"a": {"quality": D(5), "rai": D(9)}}}
    with pytest.raises(ValueError, match=r"Member ana, bid a, criterion rai: .*outside 0 to 5"):
        panel_totals(TENDER, by_member, ["ana"], fixed={"a": {"price": D(5)}})
    with pytest.raises(ValueError, match=r"Member ana, bid a: no score for criterion price"):
        panel_totals(TENDER, by_member, ["ana"])


def test_panel_fixed_scores_only_for_formula_criteria():
    by_member = {"ana": {"a": member_scores("1", "1")}}
    with pytest.raises(ValueError, match="only for formula-scored criteria, not quality"):
        panel_totals(TENDER, by_member, ["ana"], fixed={"a": {"quality": D(10)}})


def test_panel_refuses_criteria_that_cannot_be_scored():
    with pytest.raises(ValueError, match="cannot be scored"):
        panel_totals([spec("q", 90)], {}, [])


@given(tender=tenders(), members=st.integers(1, 4), data=st.data())
def test_panel_total_lies_between_the_members_totals(tender, members, data):
    criteria, scores = tender
    assume(scores)
    by_member = {}
    for index in range(members):
        by_member[f"m{index}"] = {
            bid: {c.key: data.draw(score_for(c.scale_max)) for c in criteria} for bid in scores
        }
    totals = panel_totals(criteria, by_member, list(by_member))
    each = {
        m: {r.bid: r.total for r in weighted_totals(criteria, s)} for m, s in by_member.items()
    }
    for bid, total in totals.items():
        own = [each[m][bid] for m in by_member]
        assert min(own) - D("1e-20") <= total <= max(own) + D("1e-20")
        assert 0 <= total <= 100


def test_problem_messages_have_only_known_placeholders():
    from participai.tendering import scoring

    for message in [*scoring.MESSAGES.values(), scoring.RESPONSIBLE_AI_MINIMUM_UNASSESSED]:
        for name in re.findall(r"%\((\w+)\)s", message):
            assert name in {
                "key",
                "group",
                "weight",
                "scale_max",
                "total",
                "actual",
                "level",
                "minimum",
            }
