"""``GET /api/procurements/{slug}/responses``: "you said, we did" as open
data (public fields only, paginated, with the contributions' ids and the
decision and record each answer feeds), in a fixed number of queries."""

from __future__ import annotations

import pytest

from participai.engagement.services.actors import actor_add
from participai.participation.models import Process
from participai.participation.selectors.responses import responses_by_decision
from participai.procurements import services as procurement_services

RESPONSE_KEYS = {
    "id",
    "process",
    "status",
    "change_kind",
    "change",
    "reason_html",
    "decision",
    "target",
    "contributions",
    "url",
    "created_at",
    "updated_at",
}


def api(procurement, query: str = "") -> str:
    return f"/api/procurements/{procurement.slug}/responses{query}"


def test_answers_with_their_public_fields(
    client,
    published,
    open_process,
    comments_module,
    make_contribution,
    make_response,
    gate_decision,
):
    said = [make_contribution(comments_module), make_contribution(comments_module)]
    answer = make_response(
        said, decision=gate_decision, reason="Because **you** asked. <script>x</script>"
    )
    response = client.get(api(published))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (1, 20, 0)
    [item] = body["items"]
    assert set(item) == RESPONSE_KEYS
    assert item["id"] == answer.pk
    assert item["process"] == {
        "id": open_process.pk,
        "slug": open_process.slug,
        "title": open_process.title,
    }
    assert (item["status"], item["change_kind"]) == ("adopted", "requirement")
    assert "<strong>you</strong>" in item["reason_html"] and "<script" not in item["reason_html"]
    assert item["contributions"] == sorted(c.pk for c in said)
    assert item["decision"] == {
        "id": gate_decision.pk,
        "stage": gate_decision.stage,
        "outcome": "revise",
        "decided_on": gate_decision.decided_on.isoformat(),
    }
    assert item["target"] == {
        "type": None,
        "id": None,
        "label": "R-7 Same-day call back",
        "url": None,
    }
    assert item["url"] == f"/p/{published.slug}/{open_process.slug}/responses/{answer.pk}/"
    # Nothing about who answered or who wrote.
    assert "created_by" not in item and "pseudonym" not in str(item)


def test_records_and_no_change(
    client, published, officer, comments_module, make_contribution, make_response
):
    document = procurement_services.document_add(
        actor=officer, procurement=published, title="Problem statement v2", body="Text."
    )
    stakeholder = actor_add(
        actor=officer,
        procurement=published,
        name="Carers' association",
        kind="civil_society",
        sector="civil_society",
        influence=2,
        interest=5,
    )
    make_response([make_contribution(comments_module)], change_kind="document", target=document)
    make_response([make_contribution(comments_module)], change_kind="actor", target=stakeholder)
    make_response(
        [make_contribution(comments_module)],
        change_kind="no_change",
        change="",
        status="out_of_scope",
    )
    items = client.get(api(published)).json()["items"]
    assert items[0]["target"] is None and items[0]["decision"] is None
    assert items[1]["target"] == {
        "type": "actor",
        "id": stakeholder.pk,
        "label": "Carers' association",
        "url": None,
    }
    assert items[2]["target"] == {
        "type": "document",
        "id": document.pk,
        "label": "Problem statement v2",
        "url": f"/p/{published.slug}/documents/{document.pk}/",
    }


def test_pages_and_one_process(
    client, published, make_process, comments_module, make_contribution, make_response
):
    other = make_process(published, modules=("comments",), publish=True)
    ours = [make_response([make_contribution(comments_module)]) for _ in range(3)]
    theirs = make_response([make_contribution(other.modules.get())])
    page = client.get(api(published, "?limit=2&offset=1")).json()
    assert page["count"] == 4 and [i["id"] for i in page["items"]] == [ours[2].pk, ours[1].pk]
    assert [
        i["id"] for i in client.get(api(published, f"?process={other.slug}")).json()["items"]
    ] == [theirs.pk]
    assert client.get(api(published, "?process=nothing")).json() == {
        "count": 0,
        "limit": 20,
        "offset": 0,
        "items": [],
    }


def test_answers_of_a_members_only_process_stay_on_its_own_pages(
    client, published, open_process, comments_module, make_contribution, make_response
):
    answer = make_response([make_contribution(comments_module)])
    assert [i["id"] for i in client.get(api(published)).json()["items"]] == [answer.pk]
    # The process now asks its readers to sign in (set directly: the rule,
    # not the form that changes it, is under test here).
    Process.objects.filter(pk=open_process.pk).update(read_requires="account")
    assert client.get(api(published)).json()["count"] == 0
    said = responses_by_decision(published)
    assert said.count == 0


@pytest.mark.parametrize("query", ["?limit=0", "?limit=101", "?offset=-1", "?limit=x"])
def test_bad_parameters_are_422(query, client, published):
    response = client.get(api(published, query))
    assert response.status_code == 422
    assert response.json()


def test_drafts_and_unknown_procurements_are_404(client, officer, procurement):
    client.force_login(officer)
    assert client.get(api(procurement)).status_code == 404
    assert client.get("/api/procurements/no-such-thing/responses").status_code == 404


@pytest.mark.parametrize("size", [1, 9])
def test_a_page_costs_the_same_whatever_its_length(
    size,
    client,
    published,
    comments_module,
    make_contribution,
    make_response,
    gate_decision,
    django_assert_max_num_queries,
):
    for n in range(size):
        make_response(
            [make_contribution(comments_module) for _ in range(2)],
            decision=gate_decision if n % 2 else None,
        )
    # procurement, count, page (with process and decision), contribution ids.
    with django_assert_max_num_queries(4):
        response = client.get(api(published))
    assert len(response.json()["items"]) == size


def test_the_operation_is_documented(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/procurements/{slug}/responses"]["get"]
    assert "participation" in operation["tags"]
    assert {"200", "404", "422"} <= set(operation["responses"])
