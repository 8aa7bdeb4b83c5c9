"""Reads of "you said, we did": answers by decision, a process's answers,
what became of a page of contributions, the staff's picking list and the
API's rows, each in a fixed number of queries whatever the count."""

from __future__ import annotations

import pytest

from participai.participation.selectors.responses import (
    answerable_contributions,
    answers_for,
    api_responses,
    process_responses,
    responses_by_decision,
    responses_summary,
)
from participai.participation.selectors.threads import thread_page
from participai.participation.services import contributions as contribution_services
from participai.participation.services import moderation as moderation_services
from participai.participation.services.notifications import follow
from participai.procurements import services as procurement_services


@pytest.fixture
def later_decision(published, officer, gate_decision):
    return procurement_services.gate_decide(
        actor=officer,
        procurement=published,
        outcome="revise",
        rationale="A second look after the hearing, with the carers present.",
        notify=False,
    )


def test_answers_grouped_by_the_decision_they_fed(
    published,
    comments_module,
    make_contribution,
    make_response,
    gate_decision,
    later_decision,
    make_process,
):
    first = make_response([make_contribution(comments_module)], decision=gate_decision)
    second = make_response([make_contribution(comments_module)], decision=gate_decision)
    pending = make_response([make_contribution(comments_module)])
    result = responses_by_decision(published)
    assert [g.decision for g in result.groups] == [gate_decision, later_decision]
    # Newest first within a decision; a decision nothing fed is listed, empty.
    assert result.groups[0].responses == [second, first]
    assert result.groups[1].responses == []
    assert result.pending == [pending]
    assert result.count == 3


def test_answers_by_decision_cost_three_queries_whatever_the_count(
    published,
    comments_module,
    make_contribution,
    make_response,
    gate_decision,
    django_assert_num_queries,
):
    for n in range(4):
        make_response(
            [make_contribution(comments_module) for _ in range(n + 1)],
            decision=gate_decision if n % 2 else None,
        )
    with django_assert_num_queries(3):
        result = responses_by_decision(published)
        shown = [r for group in result.groups for r in group.responses] + result.pending
        assert len(shown) == 4
        for response in shown:
            assert response.process.title
            assert len(response.contributions.all()) >= 1


def test_answers_by_decision_ask_nothing_without_processes(published, django_assert_num_queries):
    with django_assert_num_queries(0):
        result = responses_by_decision(published, processes=[])
    assert result.count == 0


def test_a_process_answers_newest_first_a_page_at_a_time(
    comments_module, make_contribution, make_response, django_assert_num_queries
):
    responses = [make_response([make_contribution(comments_module)]) for _ in range(3)]
    process = comments_module.process
    page = process_responses(process, per_page=2)
    assert list(page.object_list) == [responses[2], responses[1]]
    assert page.paginator.count == 3
    assert list(process_responses(process, page_number=2, per_page=2).object_list) == [
        responses[0]
    ]


@pytest.mark.parametrize("size", [1, 8])
def test_a_page_of_process_answers_costs_three_queries(
    size, comments_module, make_contribution, make_response, django_assert_num_queries
):
    for _ in range(size):
        make_response([make_contribution(comments_module), make_contribution(comments_module)])
    with django_assert_num_queries(3):
        page = process_responses(comments_module.process)
        for response in page.object_list:
            for contribution in response.contributions.all():
                assert contribution.participant.pseudonym
            assert response.decision is None


def test_what_became_of_a_page_of_contributions(
    comments_module, make_contribution, make_response, django_assert_num_queries
):
    said = [make_contribution(comments_module) for _ in range(3)]
    first = make_response(said[:2])
    second = make_response(said[:1], status="partly")
    rows = list(type(said[0]).objects.filter(pk__in=[c.pk for c in said]).order_by("pk"))
    with django_assert_num_queries(1):
        answers_for(rows)
    assert rows[0].answers == [second, first]
    assert rows[1].answers == [first]
    assert not hasattr(rows[2], "answers")
    unanswered = list(type(said[0]).objects.filter(pk=said[2].pk))
    with django_assert_num_queries(0):
        answers_for(unanswered)


@pytest.mark.parametrize("size", [1, 10])
def test_a_thread_page_with_answers_costs_one_more_query_whatever_its_size(
    size, comments_module, make_contribution, make_response, guest, django_assert_num_queries
):
    for n in range(size):
        root = make_contribution(comments_module, f"root {n}")
        reply = make_contribution(comments_module, f"reply {n}", parent=root)
        make_response([root, reply])
    # Roots, replies, what became of them, the reader's supports; no count.
    with django_assert_num_queries(4):
        page = thread_page(comments_module, reader=guest)
        for thread in page.threads:
            assert thread.root.answers[0].get_status_display()
            assert thread.replies[0].answers


def test_contributions_to_pick(
    open_process, comments_module, statements_module, make_contribution, make_response, moderator
):
    wait = make_contribution(comments_module, "Waiting times are too long.")
    call = make_contribution(comments_module, "Please call back the same day.")
    statement = make_contribution(statements_module, "A person calls back on urgent cases.")
    hidden = make_contribution(comments_module, "Call me a fool.")
    moderation_services.contribution_hide(actor=moderator, contribution=hidden, reason="Rude.")
    removed = make_contribution(comments_module, "Call, call, call.")
    contribution_services.contribution_remove_own(
        participant=removed.participant, contribution=removed
    )
    make_response([wait])

    def pick(**filters):
        return list(answerable_contributions(open_process, **filters).object_list)

    assert pick() == [wait, call, statement]
    assert pick(module_id=comments_module.pk) == [wait, call]
    assert pick(unanswered=True) == [call, statement]
    assert pick(text="  CALL ") == [call, statement]
    assert pick(text="call", module_id=statements_module.pk) == [statement]


def test_picking_costs_two_queries(
    open_process, comments_module, make_contribution, django_assert_num_queries
):
    for _ in range(5):
        make_contribution(comments_module)
    with django_assert_num_queries(2):
        page = answerable_contributions(open_process, per_page=3)
        for contribution in page.object_list:
            assert contribution.participant.pseudonym and contribution.module.title


def test_api_rows_and_summary(
    published,
    open_process,
    make_process,
    comments_module,
    make_contribution,
    make_response,
    confirmed_guest,
    django_assert_num_queries,
):
    other = make_process(published, modules=("comments",), publish=True)
    mine = make_response([make_contribution(comments_module), make_contribution(comments_module)])
    theirs = make_response([make_contribution(other.modules.get())])
    assert list(api_responses(published)) == [theirs, mine]
    assert list(api_responses(published, process_slug=open_process.slug)) == [mine]
    with django_assert_num_queries(2):
        rows = list(api_responses(published))
        assert [len(r.contributions.all()) for r in rows] == [1, 2]
    assert responses_summary(open_process, None).count == 1
    assert responses_summary(open_process, confirmed_guest).following is False
    follow(participant=confirmed_guest, process=open_process)
    with django_assert_num_queries(2):
        assert responses_summary(open_process, confirmed_guest).following is True
