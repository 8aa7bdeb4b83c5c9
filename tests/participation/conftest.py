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
    a contribution through the service, by a fresh guest unless ``participant`` is given."""
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
        return contribution_services.contribution_add(
            participant=participant or make_guest(),
            module=module,
            body=body or f"Contribution number {counter['n']}: keep a person in the loop.",
            parent=parent,
            kind=kind,
        )

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
