"""The pure survey rules (``participation.surveying``): how a question may be
set up, which answers fit it, and what answers add up to. No database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participai.participation import surveying
from participai.participation.surveying import (
    AnswerError,
    QuestionSpec,
    aggregate,
    check_answers,
    check_question,
    clean_answer,
    display_value,
    order_from_places,
    places_from_order,
)


def spec(kind: str = "single", **fields) -> QuestionSpec:
    defaults = {"text": "How should we contact you?"}
    if kind in ("single", "multiple", "ranking"):
        defaults["options"] = ("Phone", "Letter", "Email")
    return QuestionSpec(kind=kind, **(defaults | fields)).normalised()


class Q:
    """A question as the database holds it (with an id)."""

    def __init__(self, id: int, kind: str = "single", **fields) -> None:
        s = spec(kind, **fields)
        self.id = id
        for name in ("kind", "options", "required", "max_choices", "scale_min", "scale_max"):
            setattr(self, name, getattr(s, name))


def problem_of(question, raw) -> str:
    with pytest.raises(AnswerError) as caught:
        clean_answer(question, raw)
    return caught.value.problem.message


def test_the_module_imports_nothing_from_django():
    source = Path(surveying.__file__).read_text()
    imported = [
        node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("django")]


# --------------------------------------------------------------------------- setting up


def test_a_well_formed_question_of_each_kind_has_no_problem():
    for kind in surveying.KINDS:
        assert check_question(spec(kind)) == {}, kind


def test_normalising_trims_and_forgets_what_the_kind_does_not_use():
    s = QuestionSpec(
        kind="text",
        text="  Anything else?\x00 ",
        options=("a", "b"),
        max_choices=3,
        scale_min=0,
        scale_max=10,
        scale_min_label="low",
    ).normalised()
    assert s.text == "Anything else?"
    assert (s.options, s.max_choices, s.scale_min, s.scale_max, s.scale_min_label) == (
        (),
        0,
        1,
        5,
        "",
    )
    choice = QuestionSpec(
        kind="single", text="Q", options=(" Phone ", "", "  ", "Email")
    ).normalised()
    assert choice.options == ("Phone", "Email")
    scale = QuestionSpec(kind="scale", text="Q", scale_min_label=" Never ").normalised()
    assert scale.scale_min_label == "Never"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "poll"}, "kind"),
        ({"text": "  "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"options": ("Only one",)}, "options"),
        ({"options": tuple(f"Option {n}" for n in range(31))}, "options"),
        ({"options": ("Phone", "phone")}, "options"),
        ({"options": ("x" * 201, "y")}, "options"),
    ],
)
def test_choice_questions_are_checked(fields, field):
    kind = fields.pop("kind", "single")
    assert field in check_question(spec(kind, **fields))


def test_a_ranking_has_at_most_twelve_items():
    assert check_question(spec("ranking", options=tuple(f"Item {n}" for n in range(12)))) == {}
    assert "options" in check_question(
        spec("ranking", options=tuple(f"Item {n}" for n in range(13)))
    )


@pytest.mark.parametrize(("max_choices", "ok"), [(0, True), (3, True), (4, False), (-1, False)])
def test_max_choices_is_at_most_the_number_of_options(max_choices, ok):
    problems = check_question(spec("multiple", max_choices=max_choices))
    assert ("max_choices" not in problems) is ok


@pytest.mark.parametrize(
    ("low", "high", "ok"),
    [
        (1, 5, True),
        (0, 10, True),
        (-5, 5, True),
        (5, 5, False),
        (5, 1, False),
        (0, 11, False),
        (-11, 0, False),
        (1, 12, False),
    ],
)
def test_a_scale_runs_upwards_with_two_to_eleven_points(low, high, ok):
    problems = check_question(spec("scale", scale_min=low, scale_max=high))
    assert ("scale_max" not in problems) is ok


def test_scale_labels_are_short():
    problems = check_question(spec("scale", scale_min_label="x" * 81))
    assert "scale_min_label" in problems


def test_problems_carry_their_parameters():
    problem = check_question(spec("single", options=("A",)))["options"]
    assert problem.message % dict(problem.params) == "Give 2 to 30 options, one per line."


# --------------------------------------------------------------------------- answers


def test_single_choice_takes_an_index_as_int_or_digits():
    q = Q(1, "single")
    assert clean_answer(q, 2) == 2
    assert clean_answer(q, " 0 ") == 0
    for bad in (3, -1, "3", "one", 1.0, True, [0], {"a": 1}, "1e2"):
        assert problem_of(q, bad) == "Choose one of the options given."


@pytest.mark.parametrize("blank", [None, "", "   ", []])
def test_blank_is_unanswered(blank):
    for kind in surveying.KINDS:
        assert clean_answer(Q(1, kind), blank) is None


def test_multiple_choice_is_sorted_and_capped():
    q = Q(1, "multiple", max_choices=2)
    assert clean_answer(q, ["2", 0]) == [0, 2]
    assert clean_answer(q, 1) == [1]
    assert problem_of(q, [0, 1, 2]) == "Choose at most %(limit)d of the options."
    assert problem_of(q, [0, 0]) == "Choose each option at most once."
    assert problem_of(q, [0, 7]) == "Choose one of the options given."
    assert clean_answer(Q(1, "multiple"), [0, 1, 2]) == [0, 1, 2]


def test_scale_takes_a_whole_number_within_its_ends():
    q = Q(1, "scale", scale_min=0, scale_max=10)
    assert clean_answer(q, 0) == 0
    assert clean_answer(q, "10") == 10
    for bad in (-1, 11, "7.5", 7.5, "high", False):
        assert problem_of(q, bad) == "Choose a whole number from %(low)d to %(high)d."


def test_ranking_is_a_full_permutation():
    q = Q(1, "ranking")
    assert clean_answer(q, [2, 0, 1]) == [2, 0, 1]
    assert clean_answer(q, ["1", "0", "2"]) == [1, 0, 2]
    message = "Put every item in order, each in a place of its own."
    for bad in (
        [0, 1],
        [0, 1, 1],
        [0, 1, 2, 3],
        [0, 1, 3],
        [0, None, 1],
        "0,1,2",
        1,
        [True, 0, 2],
    ):
        assert problem_of(q, bad) == message, bad


def test_text_is_trimmed_cleaned_and_capped():
    q = Q(1, "text")
    assert clean_answer(q, "  Call me back.\x07 ") == "Call me back."
    assert clean_answer(q, "x" * 2000) == "x" * 2000
    assert problem_of(q, "x" * 2001) == "At most %(limit)d characters; this text has %(length)d."
    assert problem_of(q, 12) == "Write your answer as text."
    assert clean_answer(q, "\x00\x01") is None


def test_check_answers_requires_what_is_required_and_reports_unknown_ids():
    questions = [Q(1, "single", required=True), Q(2, "scale"), Q(3, "text")]
    checked = check_answers(questions, {2: "4", 3: " ", 99: "x"})
    assert checked.values == {2: 4}
    assert set(checked.problems) == {1}
    assert checked.problems[1].message == "Answer this question; it is required."
    assert checked.unknown == (99,)
    assert not checked.ok
    fine = check_answers(questions, {1: 0})
    assert fine.ok and fine.values == {1: 0}


def test_check_answers_reports_every_bad_answer_at_once():
    questions = [Q(1, "single"), Q(2, "scale"), Q(3, "ranking")]
    checked = check_answers(questions, {1: 9, 2: 9, 3: [0]})
    assert set(checked.problems) == {1, 2, 3}
    assert checked.values == {}


def test_places_become_an_order_and_back():
    assert order_from_places([2, 3, 1], 3) == [2, 0, 1]
    assert places_from_order([2, 0, 1]) == [2, 3, 1]
    assert order_from_places([None, None, None], 3) is None
    assert order_from_places([], 3) is None
    with pytest.raises(AnswerError, match="Give every item a place"):
        order_from_places([1, None, 2], 3)
    with pytest.raises(AnswerError, match="different place"):
        order_from_places([1, 1, 2], 3)
    with pytest.raises(AnswerError, match="different place"):
        order_from_places([1, 2, 4], 3)


@given(st.permutations(list(range(7))))
def test_places_and_order_are_inverse(order):
    assert order_from_places(places_from_order(order), 7) == order


def test_display_value_in_words():
    assert display_value(Q(1, "single"), 1) == "Letter"
    assert display_value(Q(1, "multiple"), [0, 2]) == "Phone; Email"
    assert display_value(Q(1, "ranking"), [2, 0, 1]) == "Email > Phone > Letter"
    assert display_value(Q(1, "scale"), 4) == "4"
    assert display_value(Q(1, "text"), "Call me") == "Call me"
    assert display_value(Q(1, "single"), None) == ""
    assert display_value(Q(1, "single"), 9) == "9"


# --------------------------------------------------------------------------- results


def test_single_choice_counts_and_shares():
    result = aggregate(Q(1, "single"), [0, 0, 2, 0])
    assert result.respondents == 4
    assert [(c.label, c.count, c.share, c.percent) for c in result.counts] == [
        ("Phone", 3, 0.75, 75),
        ("Letter", 0, 0.0, 0),
        ("Email", 1, 0.25, 25),
    ]


def test_multiple_choice_shares_are_of_respondents():
    result = aggregate(Q(1, "multiple"), [[0, 1], [1], [0, 1, 2]])
    assert result.respondents == 3
    assert [c.count for c in result.counts] == [2, 3, 1]
    assert [c.percent for c in result.counts] == [67, 100, 33]


def test_scale_mean_and_distribution():
    result = aggregate(Q(1, "scale", scale_min=1, scale_max=5), [1, 5, 5, 3])
    assert result.respondents == 4
    assert result.mean == 3.5
    assert [(c.label, c.count) for c in result.counts] == [
        ("1", 1),
        ("2", 0),
        ("3", 1),
        ("4", 0),
        ("5", 2),
    ]


def test_ranking_borda_score():
    # Three items: first place 2 points, second 1, last 0.
    result = aggregate(Q(1, "ranking"), [[0, 1, 2], [1, 0, 2], [1, 2, 0]])
    assert result.respondents == 3
    scores = {item.label: (item.score, item.mean_place) for item in result.ranked}
    assert scores == {
        "Letter": (5, pytest.approx(4 / 3)),
        "Phone": (3, 2.0),
        "Email": (1, pytest.approx(8 / 3)),
    }
    assert [item.label for item in result.ranked] == ["Letter", "Phone", "Email"]
    assert result.ranked[0].share == pytest.approx(5 / 6)


def test_ranking_ties_keep_the_options_order():
    result = aggregate(Q(1, "ranking"), [[0, 1, 2], [2, 1, 0]])
    assert [(item.label, item.score) for item in result.ranked] == [
        ("Phone", 2),
        ("Letter", 2),
        ("Email", 2),
    ]


def test_no_answers_yet():
    assert aggregate(Q(1, "scale"), []).mean is None
    assert [c.share for c in aggregate(Q(1, "single"), []).counts] == [0, 0, 0]
    assert all(i.mean_place is None for i in aggregate(Q(1, "ranking"), []).ranked)


def test_values_that_do_not_fit_are_left_out():
    result = aggregate(Q(1, "single"), [0, 9, "junk", None, 1])
    assert result.respondents == 2
    assert aggregate(Q(1, "text"), ["a", "", "b"]).respondents == 2


@given(st.lists(st.permutations([0, 1, 2, 3]), max_size=30))
def test_borda_scores_add_up(orders):
    result = aggregate(Q(1, "ranking", options=("a", "b", "c", "d")), orders)
    # Every respondent hands out 3 + 2 + 1 + 0 points.
    assert sum(item.score for item in result.ranked) == 6 * len(orders)
    assert result.respondents == len(orders)
