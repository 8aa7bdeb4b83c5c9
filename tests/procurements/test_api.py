"""The public JSON API."""

from __future__ import annotations

import pytest

from participai.accounts.roles import Role
from participai.procurements import services
from participai.procurements.models import GateOutcome


def test_list_returns_published_procurements_with_pagination(client, make_procurement):
    for n in range(3):
        make_procurement(title=f"Published {n}", published=True)
    make_procurement(title="Draft")
    response = client.get("/api/procurements", {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert body["previous"] is None
    assert "page=2" in body["next"]
    second = client.get(body["next"]).json()
    assert [item["title"] for item in second["items"]] == ["Published 0"]
    assert second["next"] is None
    titles = {item["title"] for item in body["items"] + second["items"]}
    assert "Draft" not in titles


def test_list_item_shape(client, published):
    item = client.get("/api/procurements").json()["items"][0]
    assert item["slug"] == published.slug
    assert item["organisation"]["name"] == published.organisation.name
    assert item["stage"] == "problem_definition"
    assert item["stage_name"] == "Problem definition"
    assert item["phase"] == "purpose"
    assert item["url"].endswith(f"/p/{published.slug}/")


def test_list_filters(client, make_procurement, make_org):
    other = make_org("Vilanova")
    make_procurement(title="Chatbot", published=True)
    make_procurement(other, title="Signals", published=True, stage="contract_monitoring")
    assert [i["title"] for i in client.get("/api/procurements?q=chat").json()["items"]] == [
        "Chatbot"
    ]
    assert [i["title"] for i in client.get("/api/procurements?phase=impact").json()["items"]] == [
        "Signals"
    ]
    by_stage = client.get("/api/procurements?stage=problem_definition").json()["items"]
    assert [i["title"] for i in by_stage] == ["Chatbot"]
    by_org = client.get(f"/api/procurements?organisation={other.slug}").json()["items"]
    assert [i["title"] for i in by_org] == ["Signals"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("phase=later", "phase"),
        ("stage=nope", "stage"),
        ("page=0", "page"),
        ("page_size=1000", "page_size"),
        ("page=abc", "page"),
    ],
)
def test_list_rejects_bad_parameters_with_the_field(client, db, query, field):
    response = client.get(f"/api/procurements?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert field in body["message"]


def test_detail_includes_timeline_decisions_and_public_documents(client, published, officer):
    services.document_add(actor=officer, procurement=published, title="Plan", body="Text")
    services.document_add(
        actor=officer, procurement=published, title="Internal", body="x", is_public=False
    )
    services.gate_decide(
        actor=officer,
        procurement=published,
        outcome=GateOutcome.PROCEED,
        rationale="All checks pass and people were heard.",
    )
    body = client.get(f"/api/procurements/{published.slug}").json()
    assert body["mission"] == published.mission
    assert body["stage"] == "impact_assessment"
    stages = {stage["key"]: stage for stage in body["stages"]}
    assert len(stages) == 10
    first = stages["problem_definition"]
    assert first["state"] == "done"
    assert first["ocds_stage"] == "planning"
    assert [d["outcome"] for d in first["decisions"]] == ["proceed"]
    assert first["decisions"][0]["taken_by"] == [str(officer)]
    assert all(check["passed"] for check in first["decisions"][0]["checks"])
    assert [d["title"] for d in first["documents"]] == ["Plan"]
    assert stages["impact_assessment"]["state"] == "current"


def test_detail_of_a_draft_is_404_even_for_its_staff(client, procurement, officer):
    assert client.get(f"/api/procurements/{procurement.slug}").status_code == 404
    client.force_login(officer)
    response = client.get(f"/api/procurements/{procurement.slug}")
    assert response.status_code == 404
    assert response.json()["message"]


def test_unknown_slug_is_a_json_404(client, db):
    response = client.get("/api/procurements/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"message": "No such procurement.", "field": None}


def test_drafts_of_other_bodies_stay_hidden_from_members(
    client, make_member, other_org, procurement
):
    client.force_login(make_member(other_org, Role.ORG_ADMIN))
    assert client.get(f"/api/procurements/{procurement.slug}").status_code == 404
    assert client.get("/api/procurements").json()["count"] == 0


def test_openapi_schema_describes_the_endpoints(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "ParticipAI API"
    assert "/api/procurements" in schema["paths"]
    assert "/api/procurements/{slug}" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/procurements"]["get"]["parameters"]}
    assert {"q", "organisation", "phase", "stage", "page", "page_size"} <= params


@pytest.mark.parametrize("rows", [2, 12])
def test_list_query_count_is_constant(client, make_procurement, django_assert_num_queries, rows):
    for n in range(rows):
        make_procurement(title=f"P{n}", published=True)
    with django_assert_num_queries(2):
        client.get("/api/procurements?page_size=100")
