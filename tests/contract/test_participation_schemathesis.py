"""The participation API against its own OpenAPI schema, with Schemathesis.

The schema is the one django-ninja serves at ``/api/openapi.json``, loaded
in-process from Django's WSGI handler (no server). Every operation tagged
``participation``, or under a participation path (processes, modules,
contributions, a procurement's processes and responses), is called with
generated input, anonymously and as a signed-in resident, and each answer
must:

- not be a server error (no 5xx);
- have a status code the schema documents for that operation;
- have a body (and content type) that conforms to the schema of that status.

Generated ids rarely exist, so the path parameters this file knows
(``slug``, ``process_id``, ``module_id``, ``contribution_id``,
``paragraph_id``) are drawn half the time from seeded rows: a published
procurement with an open process holding a module of each kind (a comment
with a reply, a statement, a survey question, priority items, a draft in
review, an event record). ``test_generated_calls_reach_the_happy_path``
checks that generated input does reach each endpoint's success, for the
issue's endpoints and for every reading endpoint; endpoints added later are
selected by tag and path, and reach their own happy paths through the same
parameter names.

Requests go through the real middleware: the signed-in calls carry a session
cookie and a CSRF token (cookie and ``X-CSRFToken`` header), as a browser's
script would. Bounded and derandomized so the run is short and the same on
SQLite and PostgreSQL; no check here is about time.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from participai.participation.models import EventKind, ModuleKind, QuestionKind
from participai.participation.services import contributions as contribution_services
from participai.participation.services import documents as document_services
from participai.participation.services import events as event_services
from participai.participation.services import insights
from participai.participation.services import participants as participant_services
from participai.participation.services import prioritisation as prioritisation_services
from participai.participation.services import processes as process_services
from participai.participation.services import surveys as survey_services

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Participation endpoints by path, for those another router might add without the tag.
PARTICIPATION_PATH = re.compile(
    r"^/api/(processes|modules|contributions)(/|$)"
    r"|^/api/procurements/\{[^}/]+\}/(processes|responses)(/|$)"
)

# Seeded values by path parameter name (see ``known_values``), drawn half the time.
KNOWN: dict[str, list[Any]] = {}

EXAMPLES = hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def is_participation(context: Any) -> bool:
    operation = context.operation
    return "participation" in (operation.tags or []) or bool(
        PARTICIPATION_PATH.search(operation.path)
    )


# A module endpoint whose path names an instrument gets that kind of module.
MODULE_PATHS = {
    "/survey": (ModuleKind.SURVEY,),
    "/priorities": (ModuleKind.PRIORITISATION,),
    "/ballot": (ModuleKind.PRIORITISATION,),
    "/document": (ModuleKind.DOCUMENT_REVIEW,),
    "/event": (ModuleKind.EVENT,),
    "/opinion-groups": (ModuleKind.STATEMENTS,),
    "/contributions": (ModuleKind.COMMENTS, ModuleKind.STATEMENTS),
}


def known_values(path: str, name: str) -> list[Any]:
    """The seeded values for path parameter ``name`` of ``path``: the
    statement for a vote, the comment and its reply for a support, the module
    of the kind the path names; otherwise every seeded value of that name."""
    if name == "contribution_id" and path.endswith("/vote"):
        return KNOWN.get("statement", [])
    if name == "contribution_id" and path.endswith("/support"):
        return KNOWN.get("comment", [])
    if name == "module_id":
        for fragment, kinds in MODULE_PATHS.items():
            if fragment in path.removeprefix("/api/modules/{module_id}"):
                return [pk for kind in kinds for pk in KNOWN.get(kind.value, [])]
    return KNOWN.get(name, [])


def _known_or_generated(path: str, parameters: dict[str, Any]) -> st.SearchStrategy[dict]:
    choices = {}
    for name, value in parameters.items():
        known = known_values(path, name)
        choices[name] = (
            st.one_of(st.sampled_from(known), st.just(value)) if known else st.just(value)
        )
    return st.fixed_dictionaries(choices)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's test client keeps the test's database connection open across
    requests; a bare WSGI handler closes it at the end of each request (as a
    server should), which on PostgreSQL would end the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def seeded(published, officer, resident) -> dict[str, list[Any]]:
    """A published procurement with an open process (anyone with a pseudonym
    may write and vote) with a module of each kind, a comment with a reply
    and a statement by guests; ``KNOWN`` filled with their ids."""
    process = process_services.process_create(
        actor=officer,
        procurement=published,
        title="Where the line is drawn",
        slug="where-the-line-is",
        question="What should the triage system never decide on its own?",
        negotiable="Which decisions stay with a social worker.",
        not_negotiable="That referrals are triaged at all.",
        decision_stage="diagnosis",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=7),
    )
    comments = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.COMMENTS, title="Comments and ideas"
    )
    statements = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.STATEMENTS, title="Statements"
    )
    # One empty module of every other kind, for their own endpoints to find.
    others = {
        kind: process_services.module_add(
            actor=officer,
            process=process,
            kind=kind,
            title=kind.label,
            config={"method": "dots", "budget": 10} if kind == ModuleKind.PRIORITISATION else None,
        )
        for kind in ModuleKind
        if kind not in (ModuleKind.COMMENTS, ModuleKind.STATEMENTS)
    }
    process_services.process_publish(actor=officer, process=process)
    # Something in each, for their endpoints' happy paths.
    survey_services.question_add(
        actor=officer,
        module=others[ModuleKind.SURVEY],
        kind=QuestionKind.SINGLE,
        text="Should a person see every urgent referral?",
        options=["Yes", "No"],
    )
    for title in ("Same-day contact for urgent cases", "Plain-language letters"):
        prioritisation_services.item_add(
            actor=officer, module=others[ModuleKind.PRIORITISATION], title=title
        )
    version = document_services.version_publish(
        actor=officer,
        module=others[ModuleKind.DOCUMENT_REVIEW],
        title="Draft problem statement",
        body="Referrals wait nineteen days.\n\nUrgent ones wait in the same queue.",
    )
    event_services.event_record_save(
        actor=officer,
        module=others[ModuleKind.EVENT],
        kind=EventKind.WORKSHOP,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
        place="Northbridge library",
    )

    def guest_writes(module, body, parent=None):
        participant = participant_services.guest_join(pseudonym=f"Guest {len(body)}")
        return contribution_services.contribution_add(
            participant=participant, module=module, body=body, parent=parent
        )

    comment = guest_writes(comments, "Keep a person on every urgent case.")
    reply = guest_writes(comments, "Agreed, and say so in the letter.", parent=comment)
    statement = guest_writes(statements, "A person reviews every decision.")
    contribution_services.statement_vote(
        participant=participant_services.guest_join(pseudonym="Voter"),
        statement=statement,
        choice="agree",
    )
    insights.opinion_groups_compute(module_id=statements.pk)
    KNOWN.clear()
    KNOWN.update(
        slug=[published.slug],
        process_id=[process.pk],
        module_id=[comments.pk, statements.pk, *(module.pk for module in others.values())],
        **{kind.value: [module.pk] for kind, module in others.items()},
        comments=[comments.pk],
        statements=[statements.pk],
        contribution_id=[comment.pk, reply.pk, statement.pk],
        comment=[comment.pk, reply.pk],
        statement=[statement.pk],
        paragraph_id=list(version.paragraphs.values_list("pk", flat=True)),
    )
    yield KNOWN
    KNOWN.clear()


@pytest.fixture
def signed_in(resident) -> dict[str, dict[str, str]]:
    """What a signed-in browser's script sends: the session and CSRF cookies,
    and the CSRF token again in the header. The session is stored as logging
    in stores it (a test client would load the whole middleware to do so)."""
    session = SessionStore()
    session[SESSION_KEY] = str(resident.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = resident.get_session_auth_hash()
    session.create()
    token = get_random_string(32)
    return {
        "cookies": {
            settings.SESSION_COOKIE_NAME: session.session_key,
            settings.CSRF_COOKIE_NAME: token,
        },
        "headers": {"X-CSRFToken": token},
    }


# Loaded when the module is imported (ninja builds the document without the
# database), not from a fixture: Schemathesis's lazy ``from_fixture`` schemas
# do not run under pytest 9.2 (they set ``Node._nodeid``, which it no longer has).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler()).include(
    is_participation
)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _known_or_generated(context.operation.path, path_parameters)


@schema.parametrize()
@EXAMPLES
def test_anonymous_calls_conform(case, seeded):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_signed_in_calls_conform(case, seeded, signed_in):
    case.call_and_validate(checks=CHECKS, **signed_in)


def _selected() -> list[str]:
    return sorted(
        f"{result.ok().method.upper()} {result.ok().path}"
        for result in schema.get_all_operations()
        if isinstance(result, Ok)
    )


# The success each endpoint must reach with generated input and the seeded
# rows: the endpoints, and every reading endpoint, whoever adds it.
HAPPY_PATHS = {
    "GET /api/procurements/{slug}/processes": 200,
    "GET /api/processes/{process_id}/contributions": 200,
    "GET /api/procurements/{slug}/responses": 200,
    "POST /api/modules/{module_id}/contributions": 201,
    "POST /api/contributions/{contribution_id}/support": 200,
    "DELETE /api/contributions/{contribution_id}/support": 200,
    "POST /api/contributions/{contribution_id}/vote": 200,
} | {label: 200 for label in _selected() if label.startswith("GET ")}


@pytest.mark.parametrize("label", sorted(HAPPY_PATHS))
def test_generated_calls_reach_the_happy_path(label, seeded, signed_in):
    """Without it, the checks above could pass on nothing but refusals and 404s."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the schema"
    statuses = []

    @given(case=operation.as_strategy())
    @EXAMPLES
    def call(case):
        statuses.append(case.call(**signed_in).status_code)

    call()
    assert HAPPY_PATHS[label] in statuses, sorted(set(statuses))


def test_the_selection_is_the_participation_endpoints():
    """A filter that matched nothing would make the tests above pass vacuously."""
    selected = set(_selected())
    assert set(HAPPY_PATHS) <= selected
    assert "GET /api/procurements/{slug}" not in selected
    assert not any(label.startswith("GET /api/toolbox") for label in selected)
