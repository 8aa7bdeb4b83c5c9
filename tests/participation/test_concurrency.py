"""Many people writing, voting and supporting at the same moment: counters
equal the rows, one participant counts once however many requests race, and
one person's racing contributions keep to the rate limit.

These run real threads against a real database, each on its own connection.
SQLite allows one writer at a time and answers concurrent writers with
"database is locked", so they run on PostgreSQL only (CI runs the suite on
both; see .ci/run).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count

from participai.participation.models import Contribution, Module, StatementVote, Support
from participai.participation.services.contributions import (
    RATE_LIMIT,
    contribution_add,
    contribution_support,
    contribution_unsupport,
    statement_vote,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers ('database is locked'); runs on PostgreSQL in CI",
    ),
]
THREADS = 20
SAME_PERSON = 6


def race(calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` at once, one thread and one connection each; return their
    results (or the exceptions they raised) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == []
    return results


def no_duplicates(model) -> None:
    duplicated = (
        model.objects.values("contribution", "participant").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert list(duplicated) == []


def test_concurrent_votes_by_different_people(statements_module, make_contribution, make_guest):
    statement = make_contribution(statements_module, "A person reviews every decision.")
    people = [make_guest() for _ in range(THREADS)]
    choices = ["agree", "disagree", "pass"]
    race(
        [
            (
                lambda p=p, n=n: statement_vote(
                    participant=p, statement=statement, choice=choices[n % 3]
                )
            )
            for n, p in enumerate(people)
        ]
    )
    statement.refresh_from_db()
    rows = StatementVote.objects.filter(contribution=statement)
    assert rows.count() == THREADS
    assert statement.agree_count == rows.filter(choice="agree").count() == 7
    assert statement.disagree_count == rows.filter(choice="disagree").count() == 7
    assert statement.pass_count == rows.filter(choice="pass").count() == 6
    no_duplicates(StatementVote)


def test_concurrent_votes_by_one_person_count_once(statements_module, make_contribution, guest):
    statement = make_contribution(statements_module, "A person reviews every decision.")
    choices = ["agree", "disagree", "pass"]
    race(
        [
            (
                lambda n=n: statement_vote(
                    participant=guest, statement=statement, choice=choices[n % 3]
                )
            )
            for n in range(SAME_PERSON)
        ]
    )
    statement.refresh_from_db()
    [vote] = StatementVote.objects.filter(contribution=statement)
    counters = {
        "agree": statement.agree_count,
        "disagree": statement.disagree_count,
        "pass": statement.pass_count,
    }
    # Whichever request came last, the counters hold exactly its one vote.
    assert counters == {choice: int(choice == vote.choice) for choice in choices}


def test_concurrent_supports(comments_module, make_contribution, make_guest, guest):
    comment = make_contribution(comments_module, "Keep a person on every urgent case.")
    people = [make_guest() for _ in range(THREADS)]
    results = race(
        [(lambda p=p: contribution_support(participant=p, contribution=comment)) for p in people]
        + [
            (lambda: contribution_support(participant=guest, contribution=comment))
            for _ in range(SAME_PERSON)
        ]
    )
    comment.refresh_from_db()
    assert results[:THREADS] == [True] * THREADS
    # The same person's racing requests: exactly one counted.
    assert sorted(results[THREADS:]) == [False] * (SAME_PERSON - 1) + [True]
    assert comment.support_count == Support.objects.filter(contribution=comment).count()
    assert comment.support_count == THREADS + 1
    no_duplicates(Support)


def test_concurrent_support_and_withdrawal(comments_module, make_contribution, make_guest):
    comment = make_contribution(comments_module, "Publish the audit of the model.")
    people = [make_guest() for _ in range(THREADS)]
    for person in people[: THREADS // 2]:
        contribution_support(participant=person, contribution=comment)
    race(
        [
            (lambda p=p: contribution_unsupport(participant=p, contribution=comment))
            for p in people[: THREADS // 2]
        ]
        + [
            (lambda p=p: contribution_support(participant=p, contribution=comment))
            for p in people[THREADS // 2 :]
        ]
        + [
            (lambda p=p: contribution_unsupport(participant=p, contribution=comment))
            for p in people[: THREADS // 4]  # a double click on "withdraw"
        ]
    )
    support_count = Contribution.objects.get(pk=comment.pk).support_count
    assert support_count == Support.objects.filter(contribution=comment).count() == THREADS // 2


def test_concurrent_contributions_by_different_people(comments_module, make_guest):
    people = [make_guest() for _ in range(THREADS)]
    race(
        [
            (
                lambda p=p, n=n: contribution_add(
                    participant=p, module=comments_module, body=f"Point {n}"
                )
            )
            for n, p in enumerate(people)
        ]
    )
    count = Module.objects.get(pk=comments_module.pk).contribution_count
    assert count == Contribution.objects.filter(module=comments_module).count() == THREADS


def test_one_persons_racing_contributions_keep_to_the_rate_limit(comments_module, guest):
    def write(n: int) -> str:
        try:
            contribution_add(participant=guest, module=comments_module, body=f"Point {n}")
        except ValidationError as error:
            return error.code
        return "saved"

    results = race([(lambda n=n: write(n)) for n in range(RATE_LIMIT + 3)])
    assert sorted(results) == ["rate_limited"] * 3 + ["saved"] * RATE_LIMIT
    assert Contribution.objects.filter(participant=guest).count() == RATE_LIMIT
    assert Module.objects.get(pk=comments_module.pk).contribution_count == RATE_LIMIT
