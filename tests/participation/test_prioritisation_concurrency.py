"""Many people casting and replacing prioritisation ballots at the same
moment: the items' kept counters always equal a recount of the ballots, one
person counts once however many of their requests race, and the module's
ballot count equals its ballots.

Real threads against a real database, each on its own connection; SQLite
serialises writers ("database is locked"), so these run on PostgreSQL only
(CI runs the suite on both; see .ci/run).
"""

from __future__ import annotations

import random

import pytest
from django.db import connection

from participai.participation.models import Module, PriorityBallot
from participai.participation.selectors import prioritisation as selectors
from participai.participation.services.prioritisation import ballot_cast

from .test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers ('database is locked'); runs on PostgreSQL in CI",
    ),
]
PEOPLE = 16
ROUNDS = 3


def counters(module: Module) -> dict[int, tuple[int, int, int]]:
    return {
        item.pk: (item.points, item.rank_score, item.ballot_count)
        for item in selectors.items_of(module)
    }


def recounted(module: Module) -> dict[int, tuple[int, int, int]]:
    return {
        pk: (totals.points, totals.rank_score, totals.ballot_count)
        for pk, totals in selectors.recount(module).items()
    }


def random_ballot(method: str, items: list[int], chance: random.Random) -> dict[int, int]:
    if method == "dots":
        allocation = {item: chance.randint(0, 2) for item in items}
        allocation[chance.choice(items)] += 1
        return allocation
    order = items[:]
    chance.shuffle(order)
    return {item: position for position, item in enumerate(order, start=1)}


@pytest.mark.parametrize("method", ["dots", "ranking"])
def test_many_people_casting_and_replacing_at_once(
    method, open_process, make_priority_module, make_guest
):
    module = make_priority_module(open_process, method=method, budget=9)
    items = [item.pk for item in selectors.items_of(module)]
    people = [make_guest() for _ in range(PEOPLE)]
    chance = random.Random(7)
    for _ in range(ROUNDS):
        # Everyone at once: a first ballot in the first round, replacements after.
        ballots = [random_ballot(method, items, chance) for _ in people]
        race(
            [
                (lambda p=p, b=b: ballot_cast(participant=p, module=module, allocation=b))
                for p, b in zip(people, ballots, strict=True)
            ]
        )
        assert counters(module) == recounted(module)
    assert PriorityBallot.objects.filter(module=module).count() == PEOPLE
    assert Module.objects.get(pk=module.pk).contribution_count == PEOPLE


def test_one_persons_racing_ballots_count_once(dots_module, guest):
    items = [item.pk for item in selectors.items_of(dots_module)]
    ballots = [{items[n % len(items)]: n + 1} for n in range(6)]
    race(
        [
            (lambda b=b: ballot_cast(participant=guest, module=dots_module, allocation=b))
            for b in ballots
        ]
    )
    [ballot] = PriorityBallot.objects.filter(module=dots_module)
    kept = selectors.ballot_of(dots_module, guest)
    assert kept in ballots  # whichever came last, whole
    assert ballot.allocations.count() == 1
    assert counters(dots_module) == recounted(dots_module)
    assert Module.objects.get(pk=dots_module.pk).contribution_count == 1
