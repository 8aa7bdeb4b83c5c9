"""Fixtures for the participation tests: a published process open now with a
comments module and a statements module, the people who take part in it
(guests, a confirmed guest, an account holder) and the staff around it
(facilitator, moderator).

Everything is made through the services, so a fixture that breaks points at
the service that broke. ``make_contribution`` gives each contribution a fresh
guest unless told otherwise, so tests that need many rows stay under the
per-participant rate limit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from participai.accounts.models import Participant, User
from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.participation.models import Contribution, Module, ModuleKind, Process
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from participai.participation.services import processes as process_services
from participai.procurements.models import Procurement

QUESTION = "What should the triage system never decide on its own?"


@pytest.fixture
def facilitator(org, make_member) -> User:
    return make_member(org, Role.FACILITATOR, username="facilitator")


@pytest.fixture
def moderator(org, make_member) -> User:
    return make_member(org, Role.MODERATOR, username="moderator")


@pytest.fixture
def make_process(officer) -> Callable[..., Process]:
    """``make_process(procurement, **overrides)``: a draft process made by the
    officer, open from a day ago for a week unless dates are given. Pass
    ``modules=("comments", "statements")`` to add modules and
    ``publish=True`` to publish it (the procurement must be published)."""
    counter = {"n": 0}

    def make(
        procurement: Procurement,
        *,
        modules: tuple[str, ...] = (),
        publish: bool = False,
        actor: User | None = None,
        **overrides,
    ) -> Process:
        counter["n"] += 1
        now = timezone.now()
        values = {
            "title": f"Where the line is drawn {counter['n']}",
            "slug": f"where-the-line-is-{counter['n']}",
            "question": QUESTION,
            "negotiable": "Which decisions stay with a social worker.",
            "not_negotiable": "That referrals are triaged at all.",
            "decision_stage": "diagnosis",
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=7),
            **overrides,
        }
        actor = actor or officer
        process = process_services.process_create(actor=actor, procurement=procurement, **values)
        titles = {
            ModuleKind.COMMENTS: "Comments and ideas",
            ModuleKind.STATEMENTS: "Statements to vote on",
        }
        for kind in modules:
            process_services.module_add(
                actor=actor, process=process, kind=kind, title=titles.get(kind, kind)
            )
        if publish:
            process = process_services.process_publish(actor=actor, process=process)
        process.refresh_from_db()
        return process

    return make


@pytest.fixture
def open_process(published, make_process) -> Process:
    """A published process of a published procurement at problem definition,
    open now (since yesterday, for a week), with a comments module and a
    statements module; anyone with a pseudonym may read, write and vote."""
    return make_process(
        published,
        slug="where-the-line-is",
        title="Where the line is drawn",
        modules=(ModuleKind.COMMENTS, ModuleKind.STATEMENTS),
        publish=True,
    )


@pytest.fixture
def comments_module(open_process) -> Module:
    return open_process.modules.get(kind=ModuleKind.COMMENTS)


@pytest.fixture
def statements_module(open_process) -> Module:
    return open_process.modules.get(kind=ModuleKind.STATEMENTS)


@pytest.fixture
def make_guest(db) -> Callable[..., Participant]:
    """``make_guest(pseudonym=None, confirmed=False)``: a new guest participant."""
    counter = {"n": 0}

    def make(pseudonym: str | None = None, *, confirmed: bool = False) -> Participant:
        counter["n"] += 1
        participant = participant_services.guest_join(
            pseudonym=pseudonym or f"Guest {counter['n']}"
        )
        if confirmed:
            # The code round trip has its own tests; here only its outcome matters.
            Participant.objects.filter(pk=participant.pk).update(
                email=f"guest{participant.pk}@example.org", confirmed_at=timezone.now()
            )
            participant.refresh_from_db()
        return participant

    return make


@pytest.fixture
def guest(make_guest) -> Participant:
    """A guest known only as "Ana R." (verification ``guest``)."""
    return make_guest("Ana R.")


@pytest.fixture
def confirmed_guest(make_guest) -> Participant:
    """A guest who confirmed an email address (verification ``confirmed``)."""
    return make_guest("Jordi", confirmed=True)


@pytest.fixture
def account_participant(resident) -> Participant:
    """The participant of the ``resident`` account (verification ``account``)."""
    return participant_services.participant_for_user(resident)


@pytest.fixture
def make_contribution(make_guest) -> Callable[..., Contribution]:
    """``make_contribution(module, body=..., participant=None, parent=None, kind=None)``:
    a contribution through the service, by a fresh guest unless ``participant`` is given.
    ``module``'s counters are read again afterwards, as the next request would."""
    counter = {"n": 0}

    def make(
        module: Module,
        body: str | None = None,
        *,
        participant: Participant | None = None,
        parent: Contribution | None = None,
        kind: str | None = None,
    ) -> Contribution:
        counter["n"] += 1
        contribution = contribution_services.contribution_add(
            participant=participant or make_guest(),
            module=module,
            body=body or f"Contribution number {counter['n']}: keep a person in the loop.",
            parent=parent,
            kind=kind,
        )
        module.refresh_from_db(fields=["contribution_count", "thread_count"])
        return contribution

    return make


@pytest.fixture
def comment(comments_module, make_contribution) -> Contribution:
    """A comment by a fresh guest in the comments module."""
    return make_contribution(comments_module, "Keep a person on every urgent case.")


@pytest.fixture
def statement(statements_module, make_contribution) -> Contribution:
    """A statement by a fresh guest in the statements module."""
    return make_contribution(statements_module, "A person reviews every decision.")


@pytest.fixture
def audit_events(db) -> Callable[..., list[AuditEvent]]:
    """``audit_events(action)``: the audit events with that action, oldest first."""

    def find(action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("seq"))

    return find


def shift(process: Process, *, opens_at: datetime, closes_at: datetime) -> Process:
    """Move a process's dates without the service (tests of windows only)."""
    Process.objects.filter(pk=process.pk).update(opens_at=opens_at, closes_at=closes_at)
    process.refresh_from_db()
    return process


@pytest.fixture
def set_window() -> Callable[..., Process]:
    """``set_window(process, "upcoming" | "closed" | "open")``: move the
    process's dates so its modules (without dates of their own) are in that state."""

    def move(process: Process, state: str) -> Process:
        now = timezone.now()
        opens, closes = {
            "upcoming": (now + timedelta(days=1), now + timedelta(days=8)),
            "closed": (now - timedelta(days=8), now - timedelta(days=1)),
            "open": (now - timedelta(days=1), now + timedelta(days=7)),
        }[state]
        return shift(process, opens_at=opens, closes_at=closes)

    return move


# --- Prioritisation ---------------------------------------------------------------------------

PRIORITY_ITEMS = (
    ("Urgent cases reach a person the same day", "Within office hours, by phone."),
    ("Everyone contacted within seven days", ""),
    ("The reasons for each priority are written down", "In words the person can read."),
    ("Nobody is refused by the system alone", ""),
)


@pytest.fixture
def make_priority_module(officer) -> Callable[..., Module]:
    """``make_priority_module(process, method="dots", budget=10, items=PRIORITY_ITEMS)``:
    a prioritisation module added to ``process`` with its items, through the services."""
    from participai.participation.services import prioritisation as prioritisation_services

    def make(
        process: Process,
        *,
        method: str = "dots",
        budget: int = 10,
        items=PRIORITY_ITEMS,
        title: str | None = None,
    ) -> Module:
        config = {"method": method, "budget": budget} if method == "dots" else {"method": method}
        module = process_services.module_add(
            actor=officer,
            process=process,
            kind=ModuleKind.PRIORITISATION,
            title=title or ("Spread your points" if method == "dots" else "Rank the needs"),
            config=config,
        )
        for item_title, description in items:
            prioritisation_services.item_add(
                actor=officer, module=module, title=item_title, description=description
            )
        module.refresh_from_db()
        return module

    return make


@pytest.fixture
def dots_module(open_process, make_priority_module) -> Module:
    """A dot vote (10 points) with the four :data:`PRIORITY_ITEMS`, in the open process."""
    return make_priority_module(open_process, method="dots", budget=10)


@pytest.fixture
def ranking_module(open_process, make_priority_module) -> Module:
    """A ranking of the four :data:`PRIORITY_ITEMS`, in the open process."""
    return make_priority_module(open_process, method="ranking")


# --------------------------------------------------------------------------- surveys


@pytest.fixture
def survey_module(open_process, officer) -> Module:
    """A survey module in ``open_process`` (after its comments and
    statements), open like it, with no question yet."""
    module = process_services.module_add(
        actor=officer, process=open_process, kind=ModuleKind.SURVEY, title="A few questions"
    )
    module.refresh_from_db()
    return module


SURVEY_OPTIONS = {
    "single": ["By phone", "By letter", "By email"],
    "multiple": ["Speed", "Fairness", "Privacy", "Cost"],
    "ranking": ["A person reads it", "It is explained", "It can be appealed"],
}


@pytest.fixture
def make_question(officer):
    """``make_question(module, kind="single", text=None, **fields)``: a
    question added by the officer; choices and rankings get options of
    their own unless given."""
    from participai.participation.services import surveys as survey_services

    counter = {"n": 0}

    def make(module: Module, kind: str = "single", text: str | None = None, **fields):
        counter["n"] += 1
        if kind in SURVEY_OPTIONS:
            fields.setdefault("options", SURVEY_OPTIONS[kind])
        return survey_services.question_add(
            actor=fields.pop("actor", officer),
            module=module,
            kind=kind,
            text=text or f"Question number {counter['n']}?",
            **fields,
        )

    return make


@pytest.fixture
def survey(survey_module, make_question) -> dict:
    """``survey_module`` with one question of each kind, by kind: how people
    want to be contacted (single, required), what matters (multiple, at most
    two), trust (scale 1 to 5, labelled), what comes first (ranking) and
    anything else (free text)."""
    return {
        "single": make_question(
            survey_module, "single", "How should we contact you?", required=True
        ),
        "multiple": make_question(survey_module, "multiple", "What matters most?", max_choices=2),
        "scale": make_question(
            survey_module,
            "scale",
            "How much do you trust the system?",
            scale_min_label="Not at all",
            scale_max_label="Completely",
        ),
        "ranking": make_question(survey_module, "ranking", "Put these in order"),
        "text": make_question(survey_module, "text", "Anything else?"),
    }


# --- Document review and event record -------------------------------------------------------

DRAFT_TEXT = (
    "# The problem\n\n"
    "Referrals wait nineteen days for a first contact.\n\n"
    "Urgent referrals wait in the same queue as routine ones.\n\n"
    "- Nobody is refused by the system alone.\n"
    "- Every decision has a named person behind it."
)


@pytest.fixture
def document_module(open_process, officer) -> Module:
    """A document-review module in ``open_process``, open like it, no version yet."""
    return process_services.module_add(
        actor=officer,
        process=open_process,
        kind=ModuleKind.DOCUMENT_REVIEW,
        title="The draft problem statement",
    )


@pytest.fixture
def draft_v1(document_module, officer):
    """Version 1 of the draft in ``document_module``: :data:`DRAFT_TEXT`, four paragraphs."""
    from participai.participation.services import documents as document_services

    return document_services.version_publish(
        actor=officer, module=document_module, title="Problem statement", body=DRAFT_TEXT
    )


@pytest.fixture
def event_module(open_process, officer) -> Module:
    """An event module in ``open_process``, open like it, no record yet."""
    return process_services.module_add(
        actor=officer, process=open_process, kind=ModuleKind.EVENT, title="Workshop at the library"
    )


# --- "You said, we did" (responses, following, notifications) -------------------------------


@pytest.fixture
def gate_decision(published, officer):
    """A *revise* gate decision on ``published`` (it stays at its stage), not mailed."""
    from participai.procurements import services as procurement_services

    return procurement_services.gate_decide(
        actor=officer,
        procurement=published,
        outcome="revise",
        rationale="People asked for a person on every urgent case; we write that down first.",
        notify=False,
    )


@pytest.fixture
def make_response(officer) -> Callable[..., object]:
    """``make_response(contributions, **overrides)``: an "adopted" answer to
    ``contributions`` (of one process) through the service, by the officer."""
    from participai.participation.services import responses as response_services

    def make(contributions, *, actor: User | None = None, **overrides):
        contributions = list(contributions)
        values = {
            "status": "adopted",
            "change_kind": "requirement",
            "target_label": "R-7 Same-day call back",
            "change": "Urgent referrals reach a person the same day.",
            "reason": "Many of you asked for it, and the **service** can do it.",
            **overrides,
        }
        return response_services.response_create(
            actor=actor or officer,
            process=contributions[0].module.process,
            contributions=contributions,
            **values,
        )

    return make


# --------------------------------------------------------------------------- demographics

AGE_OPTIONS = ("16–29", "30–64", "65 or older")


@pytest.fixture
def make_demographic_question(officer) -> Callable[..., object]:
    """``make_demographic_question(process, **overrides)``: an age-band
    question with population shares 18 / 60 / 22 %, through the service."""
    from participai.participation.services import demographics as demographic_services

    def make(process: Process, *, actor: User | None = None, **overrides):
        values = {
            "kind": "age_band",
            "label": "How old are you?",
            "options": list(AGE_OPTIONS),
            "benchmarks": [18, 60, 22],
            "benchmark_source": "Census 2021, city council area",
            **overrides,
        }
        return demographic_services.question_add(actor=actor or officer, process=process, **values)

    return make


@pytest.fixture
def age_question(open_process, make_demographic_question):
    """The open process's age-band question (options 16 to 29, 30 to 64, 65 or older)."""
    return make_demographic_question(open_process)


# Two camps of eight voters over six statements: camp one agrees with the
# first three and disagrees with the last three, camp two the other way round.
CAMPS = 8
STATEMENTS = 6


@pytest.fixture
def divided(statements_module, make_contribution, make_guest):
    """Statements and voters of two clear camps; returns (statements, camps)."""
    statements = [
        make_contribution(statements_module, f"Statement {n}: the scheduler must …")
        for n in range(STATEMENTS)
    ]
    camps: list[list] = [[], []]
    for camp in (0, 1):
        for _ in range(CAMPS):
            voter = make_guest()
            camps[camp].append(voter)
            for index, statement in enumerate(statements):
                first_half = index < STATEMENTS // 2
                choice = "agree" if first_half == (camp == 0) else "disagree"
                contribution_services.statement_vote(
                    participant=voter, statement=statement, choice=choice
                )
    return statements, camps
