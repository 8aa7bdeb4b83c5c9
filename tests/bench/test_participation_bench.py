"""The participation benchmark's seeding and accounting (``bench/participation_seed.py``),
with tiny numbers on the test database: the voters it makes can vote through
the API with the cookies the load generator sends, and the accounting finds
every lost, doubled or miscounted vote. No time is measured here."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from participai.core.models import AuditEvent
from participai.participation.models import Contribution, Module, StatementVote

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))

import participation_seed as seed  # bench/ is not a package: found through sys.path

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> seed.People:
    return seed.seed_people()


@pytest.fixture
def vote_round(people) -> seed.VoteRound:
    return seed.seed_vote_round(people, statements=3, voters=2, modules=("warmup", "measured"))


@functools.cache
def api_client() -> Client:
    # One for the module: each new client loads the middleware afresh (slow).
    return Client(enforce_csrf_checks=True)


def vote(voter: seed.Voter, statement: int, choice: str) -> int:
    """One vote as the locustfile sends it: the seeded session and CSRF
    cookies, the token in the header, CSRF enforced as on the server."""
    client = api_client()
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = voter.session
    client.cookies[settings.CSRF_COOKIE_NAME] = voter.csrf
    response = client.post(
        f"/api/contributions/{statement}/vote",
        {"choice": choice},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=voter.csrf,
    )
    return response.status_code


def cast(vote_round: seed.VoteRound, plan: list[tuple[int, int, str]]) -> list[tuple]:
    """Cast ``(voter number, statement index, choice)`` votes on the measured
    module; the log the locustfile would write."""
    statements = vote_round.statements["measured"]
    log = []
    for number, index, choice in plan:
        statement = statements[index]
        log.append((number, statement, choice, vote(vote_round.voters[number], statement, choice)))
    return log


PLAN = [
    (0, 0, "agree"),
    (0, 1, "disagree"),
    (1, 0, "pass"),
    (1, 0, "pass"),  # the same again: answered 200, changes nothing
    (1, 2, "agree"),
    (1, 2, "disagree"),  # replaces the earlier vote
]


def test_the_vote_round_is_published_with_distinct_signed_in_voters(vote_round):
    assert set(vote_round.modules) == {"warmup", "measured"}
    for name, module_id in vote_round.modules.items():
        module = Module.objects.select_related("process").get(pk=module_id)
        assert module.kind == "statements" and module.process.is_published
        assert list(
            Contribution.objects.filter(module=module).order_by("pk").values_list("pk", flat=True)
        ) == sorted(vote_round.statements[name])
    assert [voter.number for voter in vote_round.voters] == [0, 1]
    assert len({voter.participant for voter in vote_round.voters}) == 2
    assert len({voter.session for voter in vote_round.voters}) == 2


def test_a_vote_through_the_api_is_counted_in_queries(vote_round):
    queries = seed.count_vote_queries(vote_round, "warmup")
    assert queries > 0
    voter, statement = vote_round.voters[0], vote_round.statements["warmup"][0]
    assert StatementVote.objects.get(contribution_id=statement).participant_id == voter.participant


def test_every_acknowledged_vote_is_accounted_for(vote_round):
    log = cast(vote_round, PLAN)
    assert [status for *_rest, status in log] == [200] * len(PLAN)
    measured = vote_round.modules["measured"]
    accounting = seed.account_votes(measured, vote_round.voters, log)
    assert accounting.ok, accounting
    assert (accounting.acknowledged, accounting.refused, accounting.unanswered) == (6, 0, 0)
    assert accounting.expected_rows == accounting.rows == 4
    assert accounting.expected_audit_events == accounting.audit_events == 5
    assert StatementVote.objects.filter(contribution__module_id=measured).count() == 4


def test_refused_and_unanswered_votes_are_counted_apart(vote_round):
    log = cast(vote_round, PLAN[:2])
    statement = vote_round.statements["measured"][2]
    log.append((1, statement, "maybe", vote(vote_round.voters[1], statement, "maybe")))
    log.append((1, statement, "agree", 0))  # sent, never answered, never arrived
    accounting = seed.account_votes(vote_round.modules["measured"], vote_round.voters, log)
    assert log[2][3] == 422
    assert (accounting.acknowledged, accounting.refused, accounting.unanswered) == (2, 1, 1)
    assert accounting.ok


def test_a_lost_vote_is_found(vote_round):
    log = cast(vote_round, PLAN)
    StatementVote.objects.filter(participant_id=vote_round.voters[0].participant).first().delete()
    accounting = seed.account_votes(vote_round.modules["measured"], vote_round.voters, log)
    assert not accounting.ok
    assert len(accounting.lost) == 1 and accounting.rows == 3
    # The counter still counts it, as the clients were told: only the row is missing.
    assert not accounting.counter_mismatches


def test_a_vote_never_acknowledged_is_found(vote_round):
    log = cast(vote_round, PLAN)
    accounting = seed.account_votes(vote_round.modules["measured"], vote_round.voters, log[:-1])
    assert not accounting.ok
    # The last vote replaced "agree" by "disagree": the log without it expects "agree".
    [(participant, _statement, choice)] = accounting.lost
    assert (participant, choice) == (vote_round.voters[1].participant, "agree")
    assert [row[2] for row in accounting.unexpected] == ["disagree"]


def test_a_miscounted_counter_or_audit_trail_is_found(vote_round):
    log = cast(vote_round, PLAN)
    measured = vote_round.modules["measured"]
    statement = vote_round.statements["measured"][0]
    Contribution.objects.filter(pk=statement).update(pass_count=5)
    accounting = seed.account_votes(measured, vote_round.voters, log)
    assert [row["statement"] for row in accounting.counter_mismatches] == [statement]
    assert accounting.counter_mismatches[0]["votes"] == {"agree": 1, "disagree": 0, "pass": 1}
    assert not accounting.ok
    Contribution.objects.filter(pk=statement).update(pass_count=1)
    assert seed.account_votes(measured, vote_round.voters, log).ok
    AuditEvent.objects.filter(action="statement.voted", object_id=str(statement)).delete()
    assert not seed.account_votes(measured, vote_round.voters, log).ok


def test_votes_on_another_module_stay_out(vote_round):
    warmup = vote_round.statements["warmup"][0]
    assert vote(vote_round.voters[0], warmup, "agree") == 200
    accounting = seed.account_votes(vote_round.modules["measured"], vote_round.voters, [])
    assert accounting.ok and accounting.rows == 0


def test_the_long_thread_keeps_its_counters_and_its_query_count(people):
    short = seed.seed_comments(people, 30)
    long = seed.seed_comments(people, 120)
    assert seed.seed_comments(people, 120) == long  # made once
    for module, count in ((short, 30), (long, 120)):
        rows = Contribution.objects.filter(module=module)
        assert module.contribution_count == rows.count() == count
        assert rows.filter(parent__isnull=False).count() == count // 10
        assert module.thread_count == rows.filter(parent__isnull=True).count()
        for root in rows.filter(parent__isnull=True, reply_count__gt=0):
            assert root.reply_count == rows.filter(parent=root).count()
    short_page = seed.count_page_queries(short)
    long_page = seed.count_page_queries(long)
    assert short_page["queries"] == long_page["queries"]
    assert long_page["bytes"] > 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite has no row locks to time; PostgreSQL only"
)
def test_the_audit_lock_hold_is_timed(people):
    vote_round = seed.seed_vote_round(people, statements=2, voters=2)
    measured = vote_round.modules["measured"]
    hold = seed.audit_hold(measured, vote_round.voters, 6)
    assert hold["votes"] == 6
    assert 0 < hold["hold_ms"] <= hold["vote_ms"]
    assert StatementVote.objects.filter(contribution__module_id=measured).count() == 4


# --- The run's pure parts (participation_bench.py) ------------------------------------------


def test_the_audit_lock_verdict():
    import participation_bench as bench

    hold = {"hold_ms": 4.0, "ceiling_votes_per_s": 250.0}

    def waits(held: float, waiting: float) -> dict:
        return {
            "samples": 100,
            "busy_connections": 8.0,
            "waiting_on_audit_head": waiting,
            "share_audit_head_held": held,
        }

    ceiling = bench.lock_verdict(200.0, hold, waits(0.9, 6.0))
    assert ceiling["verdict"].startswith("IS the ceiling")
    assert ceiling["hold_under_load_ms"] == 4.5  # 90 % of each second over 200 votes
    assert bench.lock_verdict(50.0, hold, waits(0.6, 1.0))["verdict"].startswith("is a partial")
    assert bench.lock_verdict(50.0, hold, waits(0.2, 0.4))["verdict"].startswith("is not")
    assert bench.lock_verdict(50.0, None, waits(0.9, 6.0)) == {"verdict": "not measured"}
    assert bench.lock_verdict(0.0, hold, waits(0.9, 6.0)) == {"verdict": "not measured"}


def test_postgres_is_skipped_with_a_reason_when_not_named(monkeypatch):
    import participation_bench as bench

    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite3")
    assert bench.find_postgres() == (None, "DATABASE_URL is sqlite, not PostgreSQL")
    monkeypatch.setenv("DATABASE_URL", "postgres://bench:secret@db.example:5433/bench")
    url, where = bench.find_postgres()
    assert (url, where) == ("postgres://bench:secret@db.example:5433/bench", "DATABASE_URL")
    assert bench.shown_url(url) == "postgres://bench@db.example:5433/bench"  # no password
