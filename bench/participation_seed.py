"""The participation benchmark's data and its checks, inside Django.

``bench/participation_bench.py`` runs these in a child process with the
measured server's settings (``participation_bench.py --internal <step>``);
``tests/bench/test_participation_bench.py`` runs them on the test database
with tiny numbers. Nothing here times anything.

- ``seed_people``: the organisation, officer and published procurement the
  processes belong to (made once, found again on later runs);
- ``seed_comments``: a published process whose comments module holds a given
  number of comments (a tenth of them replies), made once per size;
- ``seed_vote_round``: for one run, a published process with statements
  modules of ``statements`` statements each, and ``voters`` account holders
  (made once, reused) each with a participant and a fresh session, whose
  cookies the load generator sends;
- ``account_votes``: after the load, whether every vote the clients were
  answered 2xx for is in the database exactly once: ``StatementVote`` rows,
  the agree/disagree/pass counters and the ``statement.voted`` audit events
  against what the clients' log says;
- ``count_page_queries``, ``count_vote_queries``: the SQL queries of a
  comments module's first page, and of one vote through the API;
- ``audit_hold``: how long one vote holds the audit chain's lock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from participai.accounts import services as account_services
from participai.accounts.models import Organisation, Participant, User
from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.core.text import render_markdown
from participai.participation.models import (
    Contribution,
    ContributionKind,
    Module,
    ModuleKind,
    Process,
    StatementVote,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from participai.participation.services import processes as process_services
from participai.procurements import services as procurement_services
from participai.procurements.models import Procurement

ORGANISATION = "bench-participation"
OFFICER = "bench-participation-officer"
PROCUREMENT_TITLE = "Benchmark: participation"
VOTER = "bench-voter-{:04d}"
CHOICES = ("agree", "disagree", "pass")
COUNTER = {"agree": "agree_count", "disagree": "disagree_count", "pass": "pass_count"}
QUESTION = "What should the triage system never decide on its own?"


@dataclass
class People:
    officer: User
    procurement: Procurement


def seed_people() -> People:
    """The organisation, its officer and a published procurement (once)."""
    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        organisation = account_services.organisation_create(
            actor=None, name="Benchmark Borough", country="ES", slug=ORGANISATION
        )
        officer = account_services.user_create(username=OFFICER, password=None)
        account_services.membership_grant(
            actor=None, organisation=organisation, user=officer, role=Role.PROCUREMENT_OFFICER
        )
    organisation = Organisation.objects.get(slug=ORGANISATION)
    procurement = Procurement.objects.filter(
        organisation=organisation, title=PROCUREMENT_TITLE
    ).first()
    if procurement is None:
        procurement = procurement_services.procurement_create(
            actor=officer,
            organisation=organisation,
            title=PROCUREMENT_TITLE,
            mission="Measure how participation holds up under load.",
            problem_statement="Created by `bench/participation_bench.py`.",
            affected_people="Nobody: it is benchmark data.",
        )
        procurement_services.procurement_publish(actor=officer, procurement=procurement)
        procurement.refresh_from_db()
    return People(officer=officer, procurement=procurement)


def _process(people: People, slug: str, kinds: Iterable[str]) -> Process:
    """A published process open for a year, with one module of each of ``kinds``."""
    now = timezone.now()
    process = process_services.process_create(
        actor=people.officer,
        procurement=people.procurement,
        title=f"Benchmark {slug}",
        slug=slug,
        question=QUESTION,
        negotiable="Which decisions stay with a social worker.",
        decision_stage="diagnosis",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=365),
    )
    for number, kind in enumerate(kinds, start=1):
        process_services.module_add(
            actor=people.officer, process=process, kind=kind, title=f"{kind} {number}"
        )
    return process_services.process_publish(actor=people.officer, process=process)


# --------------------------------------------------------------------------- comments


def seed_comments(people: People, count: int) -> Module:
    """The comments module of the process ``comments-<count>`` holding
    ``count`` comments and ideas, one in ten a reply, by a hundred guests;
    made once.

    The rows are inserted in bulk, with the counters the services keep
    (the module's contribution and thread counts, each thread's reply count) set to
    match: thousands of calls to ``contribution_add`` would only slow the
    preparation, and the page reads the same rows either way. No audit
    events are written for them. On PostgreSQL the tables are analysed
    afterwards, as autovacuum would soon do: without statistics the planner
    takes a bulk-loaded table for an empty one.
    """
    slug = f"comments-{count}"
    existing = Module.objects.filter(
        process__procurement=people.procurement, process__slug=slug, kind=ModuleKind.COMMENTS
    ).first()
    if existing is not None:
        return existing
    module = _process(people, slug, [ModuleKind.COMMENTS]).modules.get()
    with transaction.atomic():
        authors = Participant.objects.bulk_create(
            Participant(pseudonym=f"Resident {number}") for number in range(1, 101)
        )
        replies = count // 10
        roots = Contribution.objects.bulk_create(
            Contribution(
                module=module,
                kind=ContributionKind.IDEA if number % 7 == 0 else ContributionKind.COMMENT,
                participant=authors[number % len(authors)],
                body=(body := f"Comment {number}: **keep** a person on every urgent case."),
                body_html=render_markdown(body),
            )
            for number in range(1, count - replies + 1)
        )
        # One reply each to every ninth thread or so from the newest, so a first
        # page shows as many replies whatever the length of the thread.
        newest = sorted(roots, key=lambda row: row.pk, reverse=True)
        parents = newest[:: max(1, len(newest) // max(1, replies))][:replies]
        Contribution.objects.bulk_create(
            Contribution(
                module=module,
                kind=ContributionKind.COMMENT,
                participant=authors[number % len(authors)],
                parent=parent,
                body=(body := f"Reply {number}: agreed."),
                body_html=render_markdown(body),
            )
            for number, parent in enumerate(parents, start=1)
        )
        Contribution.objects.filter(pk__in=[parent.pk for parent in parents]).update(reply_count=1)
        Module.objects.filter(pk=module.pk).update(
            contribution_count=count, thread_count=len(roots)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    module.refresh_from_db()
    return module


def module_path(module: Module) -> str:
    process = module.process
    return f"/p/{process.procurement.slug}/{process.slug}/m/{module.pk}/"


def count_page_queries(module: Module, *, host: str = "testserver") -> dict[str, int]:
    """SQL queries and bytes of the module's first page for an anonymous
    visitor, after one unmeasured view (what a running server has cached)."""
    client = Client(HTTP_HOST=host)
    path = module_path(module)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return {"queries": len(captured), "bytes": len(response.content)}


# --------------------------------------------------------------------------- votes


@dataclass
class Voter:
    number: int
    participant: int
    session: str
    csrf: str


@dataclass
class VoteRound:
    """One run's statements modules (``modules[name]`` → statement ids) and voters."""

    process: str
    modules: dict[str, int]
    statements: dict[str, list[int]]
    voters: list[Voter]
    session_cookie: str = field(default_factory=lambda: settings.SESSION_COOKIE_NAME)
    csrf_cookie: str = field(default_factory=lambda: settings.CSRF_COOKIE_NAME)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _session_for(user: User) -> str:
    """A signed-in session for ``user``, as logging in would store it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def seed_voters(count: int) -> list[Voter]:
    """``count`` account holders (made once, reused), each with a participant
    and a new session and CSRF secret."""
    voters = []
    for number in range(count):
        username = VOTER.format(number)
        user = User.objects.filter(username=username).first() or account_services.user_create(
            username=username, password=None, display_name=f"Voter {number}"
        )
        participant = participant_services.participant_for_user(user)
        voters.append(
            Voter(
                number=number,
                participant=participant.pk,
                session=_session_for(user),
                csrf=get_random_string(32),
            )
        )
    return voters


def seed_vote_round(
    people: People, *, statements: int, voters: int, modules: Iterable[str] = ("measured",)
) -> VoteRound:
    """A new published process with one statements module per name in
    ``modules`` (a warm-up's votes stay out of the measured module), each with
    ``statements`` statements by as many guests, and ``voters`` voters."""
    names = list(modules)
    slug = f"votes-{timezone.now():%Y%m%d-%H%M%S}-{get_random_string(4).lower()}"
    process = _process(people, slug, [ModuleKind.STATEMENTS] * len(names))
    found: dict[str, int] = {}
    ids: dict[str, list[int]] = {}
    for name, module in zip(names, process.modules.order_by("position"), strict=True):
        found[name] = module.pk
        ids[name] = [
            contribution_services.contribution_add(
                participant=participant_services.guest_join(pseudonym=f"Author {number}"),
                module=module,
                body=f"Statement {number}: a person reviews decision number {number}.",
            ).pk
            for number in range(1, statements + 1)
        ]
    return VoteRound(process=slug, modules=found, statements=ids, voters=seed_voters(voters))


def count_vote_queries(vote_round: VoteRound, module: str, *, host: str = "testserver") -> int:
    """SQL queries of one first vote through the API, as the load sends it
    (the first voter on the first statement of ``module``)."""
    voter = vote_round.voters[0]
    client = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    client.cookies[vote_round.session_cookie] = voter.session
    client.cookies[vote_round.csrf_cookie] = voter.csrf
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            f"/api/contributions/{vote_round.statements[module][0]}/vote",
            {"choice": "agree"},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=voter.csrf,
        )
    if response.status_code != 200:
        raise RuntimeError(f"the vote answered {response.status_code}: {response.content[:200]}")
    return len(captured)


@dataclass
class Accounting:
    """What the clients were told against what the database holds."""

    acknowledged: int  # votes answered 2xx
    refused: int  # answered, but not 2xx
    unanswered: int  # sent, no answer (timeout, connection error): outcome unknown
    expected_rows: int
    rows: int
    lost: list[list[Any]]  # (participant, statement, choice) acknowledged but not stored
    unexpected: list[list[Any]]  # stored but never acknowledged (or another choice)
    counter_mismatches: list[dict[str, Any]]
    expected_audit_events: int
    audit_events: int

    @property
    def ok(self) -> bool:
        return (
            not self.lost
            and not self.unexpected
            and not self.counter_mismatches
            and self.rows == self.expected_rows
            and self.audit_events == self.expected_audit_events
        )

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def account_votes(
    module_id: int, voters: list[Voter], log: Iterable[tuple[int, int, str, int]]
) -> Accounting:
    """Check the module's votes against the clients' ``log``: one
    ``(voter number, statement, choice, status)`` per request in the order
    each voter sent them (status 0: no answer). Each voter sends one request
    at a time, so its last 2xx vote on a statement is the one that must be
    stored; a 2xx that changed nothing (the same choice again) writes no
    audit event."""
    participant_of = {voter.number: voter.participant for voter in voters}
    expected: dict[tuple[int, int], str] = {}
    acknowledged = refused = unanswered = changes = 0
    for number, statement, choice, status in log:
        if status == 0:
            unanswered += 1
            continue
        if not 200 <= status < 300:
            refused += 1
            continue
        acknowledged += 1
        key = (participant_of[number], statement)
        if expected.get(key) != choice:
            changes += 1
        expected[key] = choice
    stored = {
        (participant, statement): choice
        for participant, statement, choice in StatementVote.objects.filter(
            contribution__module_id=module_id
        ).values_list("participant_id", "contribution_id", "choice")
    }
    lost = sorted([*key, choice] for key, choice in expected.items() if stored.get(key) != choice)
    unexpected = sorted(
        [*key, choice] for key, choice in stored.items() if expected.get(key) != choice
    )
    want: dict[int, Counter] = {}
    for (_participant, statement), choice in expected.items():
        want.setdefault(statement, Counter())[choice] += 1
    mismatches = []
    for row in Contribution.objects.filter(module_id=module_id).values("pk", *COUNTER.values()):
        counted = {name: row[column] for name, column in COUNTER.items()}
        wanted = {name: want.get(row["pk"], Counter())[name] for name in CHOICES}
        if counted != wanted:
            mismatches.append({"statement": row["pk"], "counters": counted, "votes": wanted})
    statement_ids = [
        str(pk)
        for pk in Contribution.objects.filter(module_id=module_id).values_list("pk", flat=True)
    ]
    audit_events = AuditEvent.objects.filter(
        action="statement.voted",
        object_type=Contribution._meta.label_lower,
        object_id__in=statement_ids,
    ).count()
    return Accounting(
        acknowledged=acknowledged,
        refused=refused,
        unanswered=unanswered,
        expected_rows=len(expected),
        rows=len(stored),
        lost=lost,
        unexpected=unexpected,
        counter_mismatches=mismatches,
        expected_audit_events=changes,
        audit_events=audit_events,
    )


# --------------------------------------------------------------------------- the audit lock


def audit_hold(module_id: int, voters: list[Voter], votes: int) -> dict[str, float]:
    """How long one vote holds the audit chain's lock, alone (no contention):
    from the moment ``SELECT … FROM core_audithead … FOR UPDATE`` returns to
    the commit, which releases it. Every vote takes that lock, so votes can
    never be committed faster than one per hold time: ``1000 / hold_ms`` is
    the ceiling the lock sets. Casts ``votes`` votes on the module's
    statements by ``voters``."""
    import statistics
    import time

    statements = list(
        Contribution.objects.filter(module_id=module_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    participants = {
        p.pk: p for p in Participant.objects.filter(pk__in=[v.participant for v in voters])
    }
    acquired: list[float] = []

    def spy(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "audithead" in sql.lower() and "for update" in sql.lower():
            acquired.append(time.perf_counter())
        return result

    holds, totals = [], []
    pairs = len(voters) * len(statements)
    with connection.execute_wrapper(spy):
        for number in range(votes):
            # Every voter on every statement, then again with the next choice:
            # each vote changes something, so each one appends to the chain.
            voter = voters[number % len(voters)]
            statement = Contribution.objects.get(
                pk=statements[(number // len(voters)) % len(statements)]
            )
            acquired.clear()
            began = time.perf_counter()
            with transaction.atomic():
                contribution_services.statement_vote(
                    participant=participants[voter.participant],
                    statement=statement,
                    choice=CHOICES[(number // pairs) % len(CHOICES)],
                )
            ended = time.perf_counter()
            if acquired:
                holds.append((ended - acquired[0]) * 1000)
                totals.append((ended - began) * 1000)
    if not holds:  # no vote changed anything: nothing appended, nothing held
        return {"votes": 0, "hold_ms": None, "vote_ms": None, "ceiling_votes_per_s": None}
    hold = statistics.median(holds)
    return {
        "votes": len(holds),
        "hold_ms": round(hold, 3),
        "vote_ms": round(statistics.median(totals), 3),
        "ceiling_votes_per_s": round(1000 / hold, 1),
    }
