"""Reads of processes and threads: order, pages, replies under their thread,
what the reader supports, and the next statement to vote on; a page costs
the same number of queries however long the thread."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participai.participation.models import Contribution
from participai.participation.selectors.threads import (
    modules_of,
    next_statement,
    public_processes,
    thread_page,
)
from participai.participation.services.contributions import (
    contribution_support,
    statement_vote,
)
from participai.participation.services.moderation import contribution_hide


def age(contribution: Contribution, minutes: int) -> None:
    """Date the contribution ``minutes`` ago, so orders do not hang on the clock."""
    Contribution.objects.filter(pk=contribution.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.fixture
def three(comments_module, make_contribution, make_guest):
    """Three roots: "old" (2 supports), "middle" (2 supports), "new" (1 support)."""
    old = make_contribution(comments_module, "old")
    middle = make_contribution(comments_module, "middle")
    new = make_contribution(comments_module, "new")
    for contribution, minutes in ((old, 30), (middle, 20), (new, 10)):
        age(contribution, minutes)
    for contribution, supporters in ((old, 2), (middle, 2), (new, 1)):
        for _ in range(supporters):
            contribution_support(participant=make_guest(), contribution=contribution)
    return old, middle, new


def bodies(page) -> list[str]:
    return [thread.root.body for thread in page.threads]


def test_public_processes_and_modules(published, open_process, make_process):
    later = make_process(
        published,
        modules=("comments",),
        publish=True,
        opens_at=open_process.opens_at + timedelta(days=3),
        closes_at=open_process.closes_at + timedelta(days=3),
    )
    make_process(published, modules=("comments",))  # a draft
    assert list(public_processes(published)) == [open_process, later]
    assert [m.kind for m in modules_of(open_process)] == ["comments", "statements"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("newest", ["new", "middle", "old"]),
        ("oldest", ["old", "middle", "new"]),
        # Equal supports: the newer first.
        ("top", ["middle", "old", "new"]),
        ("nonsense", ["new", "middle", "old"]),
    ],
)
def test_orders(order, expected, comments_module, three):
    page = thread_page(comments_module, order=order)
    assert bodies(page) == expected
    assert page.order == (order if order != "nonsense" else "newest")


def test_pagination(comments_module, make_contribution):
    made = [make_contribution(comments_module, f"c{n}") for n in range(5)]
    for n, contribution in enumerate(made):
        age(contribution, 100 - n)
    first = thread_page(comments_module, order="oldest", per_page=2)
    assert bodies(first) == ["c0", "c1"]
    assert first.page.paginator.count == 5
    assert first.page.paginator.num_pages == 3
    assert bodies(thread_page(comments_module, order="oldest", per_page=2, page_number=3)) == [
        "c4"
    ]
    # Out of range or not a number: the last page, or the first.
    assert bodies(thread_page(comments_module, order="oldest", per_page=2, page_number=9)) == [
        "c4"
    ]
    assert bodies(thread_page(comments_module, order="oldest", per_page=2, page_number="x")) == [
        "c0",
        "c1",
    ]


def test_replies_under_their_thread_oldest_first(comments_module, make_contribution, three):
    old, middle, _new = three
    first = make_contribution(comments_module, "reply 1", parent=middle)
    second = make_contribution(comments_module, "reply 2", parent=first)  # joins middle
    age(first, 5)
    age(second, 4)
    other = make_contribution(comments_module, "reply to old", parent=old)
    page = thread_page(comments_module, order="oldest")
    assert bodies(page) == ["old", "middle", "new"]  # replies are not roots
    by_root = {thread.root.body: [r.body for r in thread.replies] for thread in page.threads}
    assert by_root == {"old": ["reply to old"], "middle": ["reply 1", "reply 2"], "new": []}
    assert other.parent_id == old.pk


def test_hidden_and_removed_roots_keep_their_place(comments_module, three, moderator):
    old, _middle, _new = three
    contribution_hide(actor=moderator, contribution=old, reason="Spam.")
    page = thread_page(comments_module, order="oldest")
    assert [t.root.status for t in page.threads] == ["hidden", "visible", "visible"]


def test_supported_ids_of_the_reader(comments_module, make_contribution, three, guest):
    old, middle, _new = three
    reply = make_contribution(comments_module, "reply", parent=old)
    contribution_support(participant=guest, contribution=middle)
    contribution_support(participant=guest, contribution=reply)
    page = thread_page(comments_module, reader=guest)
    assert page.supported == frozenset({middle.pk, reply.pk})
    assert thread_page(comments_module).supported == frozenset()
    # Only what is on the page.
    assert thread_page(comments_module, order="oldest", per_page=1, reader=guest).supported == (
        frozenset({reply.pk})
    )


@pytest.mark.parametrize("size", [1, 12])
def test_a_page_costs_the_same_queries_whatever_its_size(
    size, comments_module, make_contribution, make_guest, guest, django_assert_num_queries
):
    for n in range(size):
        root = make_contribution(comments_module, f"root {n}")
        for m in range(2):
            make_contribution(comments_module, f"reply {n}.{m}", parent=root)
        contribution_support(participant=guest, contribution=root)
    # Roots with authors, replies with authors, the reader's supports: the
    # number of pages comes from the module's counter, not a COUNT.
    with django_assert_num_queries(3):
        page = thread_page(comments_module, reader=guest)
        for thread in page.threads:
            str(thread.root.participant.pseudonym)
            for reply in thread.replies:
                str(reply.participant.pseudonym)


# --- next_statement ------------------------------------------------------------------------


@pytest.fixture
def statements(statements_module, make_contribution):
    return [make_contribution(statements_module, f"Statement {n}") for n in range(3)]


def test_least_voted_first_then_oldest(statements_module, statements, make_guest):
    first, second, third = statements
    statement_vote(participant=make_guest(), statement=first, choice="agree")
    statement_vote(participant=make_guest(), statement=second, choice="pass")
    statement_vote(participant=make_guest(), statement=second, choice="disagree")
    assert next_statement(statements_module, None) == third
    statement_vote(participant=make_guest(), statement=third, choice="agree")
    # first and third have one vote each: the lower id wins.
    assert next_statement(statements_module, None) == first


def test_skips_own_and_voted_statements(statements_module, statements, make_guest, guest):
    from participai.participation.services.contributions import contribution_add

    own = contribution_add(participant=guest, module=statements_module, body="My own view")
    first, second, third = statements
    seen = []
    while (statement := next_statement(statements_module, guest)) is not None:
        seen.append(statement)
        statement_vote(participant=guest, statement=statement, choice="agree")
    assert sorted(s.pk for s in seen) == [first.pk, second.pk, third.pk]
    assert own not in seen


def test_skips_hidden_statements_and_other_modules(
    statements_module, comments_module, statements, make_contribution, moderator, guest
):
    make_contribution(comments_module, "A comment")
    for statement in statements[:2]:
        contribution_hide(actor=moderator, contribution=statement, reason="Off topic.")
    assert next_statement(statements_module, guest) == statements[2]
    statement_vote(participant=guest, statement=statements[2], choice="pass")
    assert next_statement(statements_module, guest) is None


def test_votes_in_another_module_do_not_count(
    open_process, statements_module, statements, guest, officer
):
    from participai.participation.services.processes import module_add

    other = module_add(actor=officer, process=open_process, kind="statements", title="More")
    assert next_statement(other, guest) is None
    assert next_statement(statements_module, guest) == statements[0]


# --- next_statement once the opinion groups are computed -----------------------------------


def _set_priorities(module, priorities: dict[int, float]) -> None:
    from participai.participation.models import OpinionGroups

    OpinionGroups.objects.update_or_create(
        module=module,
        defaults={
            "computed_at": timezone.now(),
            "summary": {"priorities": {str(pk): p for pk, p in priorities.items()}},
        },
    )


def test_the_highest_priority_first_once_computed(statements_module, statements, guest):
    low, high, middle = statements
    _set_priorities(statements_module, {low.pk: 0.5, high.pk: 9.0, middle.pk: 2.0})
    assert next_statement(statements_module, guest) == high
    statement_vote(participant=guest, statement=high, choice="agree")
    assert next_statement(statements_module, guest) == middle


def test_a_statement_newer_than_the_computation_comes_first(
    statements_module, statements, make_contribution, guest
):
    _set_priorities(statements_module, {s.pk: 1.0 + n for n, s in enumerate(statements)})
    newer = make_contribution(statements_module, "Written after the last computation")
    assert next_statement(statements_module, guest) == newer


def test_equal_priorities_go_to_the_older_and_hidden_ones_never_show(
    statements_module, statements, guest, moderator
):
    first, second, _third = statements
    _set_priorities(statements_module, {s.pk: 3.0 for s in statements})
    assert next_statement(statements_module, guest) == first
    contribution_hide(actor=moderator, contribution=first, reason="Spam.")
    assert next_statement(statements_module, guest) == second


def test_nothing_left_once_computed(statements_module, statements, guest):
    _set_priorities(statements_module, {s.pk: 1.0 for s in statements})
    for statement in statements:
        statement_vote(participant=guest, statement=statement, choice="pass")
    assert next_statement(statements_module, guest) is None
