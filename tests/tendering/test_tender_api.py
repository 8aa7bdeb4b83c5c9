"""The tender in the open-data API: the JSON tender and the tender pack as
PDF and DOCX, only once published, never a sealed bid, never who asked,
never an evaluator's scores unless published; and every answer of these
endpoints checked against the OpenAPI document with Schemathesis."""

from __future__ import annotations

import io
import json

import docx
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from participai.procurements.models import Procurement
from participai.tendering.models import Tender
from participai.tendering.services import clarifications as clarification_services

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ENDPOINTS = ("tender", "tender-pack.pdf", "tender-pack.docx")


def api(procurement: Procurement | str, endpoint: str) -> str:
    slug = procurement if isinstance(procurement, str) else procurement.slug
    return f"/api/procurements/{slug}/{endpoint}"


def assert_404(client, procurement, endpoint):
    response = client.get(api(procurement, endpoint))
    assert response.status_code == 404, endpoint
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"] and body["field"] is None


@pytest.fixture
def sealed(make_procurement, make_tender, make_bid, officer):
    """A published tender with two bids, sealed until tomorrow, and one
    answered question."""
    procurement = make_procurement(stage="vendor_evaluation", published=True)
    tender = make_tender(procurement, published=True)
    make_bid(tender, "Secret Supplier Ltd", "123456")
    make_bid(tender, "Hidden Analytics", "98765")
    question = clarification_services.clarification_ask(
        procurement=procurement,
        question="Is on-premises hosting allowed?",
        asked_by_name="Marta Vilanova",
        asked_by_organisation="Vilanova Data SL",
        contact_email="marta@vilanova.example",
    )
    clarification_services.clarification_answer(
        actor=officer, clarification=question, answer="Yes."
    )
    return tender


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_tender_or_a_draft_is_a_404_for_everyone(
    client, make_procurement, make_tender, officer, endpoint
):
    without = make_procurement(stage="solicitation_preparation", published=True, title="None")
    drafted = make_procurement(stage="solicitation_preparation", published=True, title="Draft")
    make_tender(drafted)
    for user in (None, officer):  # staff included: the API is open data
        if user:
            client.force_login(user)
        assert_404(client, without, endpoint)
        assert_404(client, drafted, endpoint)
        assert_404(client, "no-such-procurement", endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_published_tender_of_a_draft_procurement_is_a_404(
    client, make_procurement, make_tender, officer, endpoint
):
    procurement = make_procurement(stage="vendor_evaluation")
    make_tender(procurement, published=True)
    assert_404(client, procurement, endpoint)
    client.force_login(officer)
    assert_404(client, procurement, endpoint)


# --- the packs ---------------------------------------------------------------------------


def test_the_pdf_pack(client, sealed):
    procurement = sealed.procurement
    response = client.get(api(procurement, "tender-pack.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{procurement.slug}-tender-pack.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in ("Outcomes for residents", "Fairness, oversight and transparency", "35 %"):
        assert expected in text
    for secret in ("Secret Supplier", "123456", "Marta Vilanova"):
        assert secret not in text


def test_the_docx_pack(client, sealed):
    procurement = sealed.procurement
    response = client.get(api(procurement, "tender-pack.docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        f'attachment; filename="{procurement.slug}-tender-pack.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert ["Social value", "Social value", "10 %", "Scored by the panel, 0 to 5"] in rows
    assert "Secret Supplier" not in " ".join(p.text for p in document.paragraphs)


# --- the JSON tender ---------------------------------------------------------------------


def test_the_tender_before_the_opening(client, sealed):
    procurement = sealed.procurement
    response = client.get(api(procurement, "tender"))
    assert response.status_code == 200
    body = response.json()
    assert body["procurement"] == procurement.slug and body["status"] == "published"
    assert body["outcomes"] == "Every referral is seen by a person within two days."
    assert [r["title"] for r in body["requirements"]] == ["Requirement 1", "Requirement 2"]
    assert all(r["unsourced"] and r["sources"] == [] for r in body["requirements"])
    quality = body["criteria_groups"][0]
    assert quality["key"] == "quality" and quality["weight"] == "35.00"
    criterion = quality["criteria"][0]
    assert criterion["name"] == "Outcomes for residents" and criterion["weight"] == "35.00"
    assert criterion["descriptors"][5] == {"score": 5, "text": "Level 5"}
    assert body["total_weight"] == "100.00"
    assert body["clarifications"][0]["question"] == "Is on-premises hosting allowed?"
    assert body["clarifications"][0]["updated_at"] is None
    assert body["bids_received"] == 2 and body["bids_sealed"] is True
    assert body["award"] is None
    assert body["pack_pdf_url"].endswith(api(procurement, "tender-pack.pdf"))
    raw = response.content.decode()
    for secret in ("Secret Supplier", "Hidden Analytics", "123456", "98765", "Vilanova"):
        assert secret not in raw


def test_the_awarded_tender_keeps_individual_scores_internal(
    client, make_procurement, make_awarded
):
    procurement = make_procurement(stage="solution_evaluation", published=True)
    scene = make_awarded(procurement)
    body = client.get(api(procurement, "tender")).json()
    award = body["award"]
    assert body["status"] == "awarded" and body["bids_sealed"] is False
    assert award["supplier"] == "Borealis Data"
    assert award["ranking"][0] == {
        "rank": 1,
        "supplier": "Borealis Data",
        "total": "86.00",
        "winner": True,
    }
    assert award["community_members"] == 2
    assert award["community_part"] == [
        {"supplier": "Acme Analytics", "community_average": "58.50", "panel_average": "69.25"},
        {"supplier": "Borealis Data", "community_average": "92.00", "panel_average": "80.00"},
    ]
    seats = {row["kind"]: (row["seated"], row["stepped_aside"]) for row in award["panel"]}
    assert seats == {"staff": (1, 0), "independent_expert": (1, 0), "community_member": (3, 1)}
    assert award["individual_scores"] is None
    raw = json.dumps(body)
    for seat in scene.seats.values():
        assert seat.user.username not in raw


def test_published_individual_scores_are_numbered_not_named(
    client, make_procurement, make_awarded
):
    procurement = make_procurement(stage="solution_evaluation", published=True)
    scene = make_awarded(procurement, publish_individual_scores=True)
    body = client.get(api(procurement, "tender")).json()
    scores = body["award"]["individual_scores"]
    assert [e["label"] for e in scores] == [f"Evaluator {n}" for n in (1, 2, 3, 4)]
    assert [e["kind"] for e in scores] == [
        "staff",
        "independent_expert",
        "community_member",
        "community_member",
    ]
    ids = [c["id"] for group in body["criteria_groups"] for c in group["criteria"]]
    assert scores[0]["criteria"] == ids
    acme = scores[0]["bids"][0]
    assert acme == {"supplier": "Acme Analytics", "scores": ["4", "5", "4", "3"], "total": "83.00"}
    raw = json.dumps(body)
    for seat in scene.seats.values():
        assert seat.user.username not in raw


# --- the OpenAPI contract ----------------------------------------------------------------

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = hypothesis_settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SLUGS: list[str] = []

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler()).include(
    lambda context: "tender" in (context.operation.tags or [])
)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return st.fixed_dictionaries(
        {
            name: st.one_of(st.sampled_from(SLUGS), st.just(value))
            if name == "slug" and SLUGS
            else st.just(value)
            for name, value in path_parameters.items()
        }
    )


@pytest.fixture
def _keep_the_test_connection():
    """A bare WSGI handler closes the connection after each request (as a
    server should); on PostgreSQL that would end the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def seeded(_keep_the_test_connection, make_procurement, make_tender, make_awarded, make_bid):
    """An awarded tender publishing its scores, a sealed one, a draft."""
    awarded = make_procurement(stage="solution_evaluation", published=True, title="Awarded")
    make_awarded(awarded, publish_individual_scores=True)
    sealed = make_procurement(stage="vendor_evaluation", published=True, title="Sealed")
    make_bid(make_tender(sealed, published=True), "Secret Supplier Ltd", "1000")
    draft = make_procurement(stage="solicitation_preparation", published=True, title="Draft")
    make_tender(draft)
    SLUGS[:] = [awarded.slug, sealed.slug, draft.slug]
    yield SLUGS
    SLUGS.clear()


@schema.parametrize()
@EXAMPLES
def test_the_tender_endpoints_conform_to_their_schema(case, seeded):
    case.call_and_validate(checks=CHECKS)


def test_the_contract_reaches_every_success(seeded):
    """The checks above must not pass on nothing but 404s."""
    selected = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        selected += 1
        for slug in SLUGS[:2]:
            case = operation.Case(path_parameters={"slug": slug})
            response = case.call()
            assert response.status_code == 200, (operation.path, slug)
            case.validate_response(response, checks=CHECKS)
    assert selected == 3
    assert Tender.objects.count() == 3
