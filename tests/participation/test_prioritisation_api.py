"""Prioritisation in the JSON API: reading a module's items (and results
once public) and casting a ballot when signed in, with the same rules and
refusals as the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from participai.accounts.models import Participant
from participai.participation.models import Module, PriorityBallot, PriorityItem, Process
from participai.participation.selectors import prioritisation as selectors
from participai.participation.services import prioritisation as services

PRIORITIES_KEYS = {
    "module",
    "title",
    "method",
    "budget",
    "state",
    "opens_at",
    "closes_at",
    "ballot_count",
    "items",
    "results_public",
    "results",
    "your_ballot",
}
RESULT_KEYS = {"item", "place", "points", "percent", "rank_score", "mean_rank", "ballot_count"}


def ids(module: Module) -> list[int]:
    return [item.pk for item in selectors.items_of(module)]


def priorities_url(module: Module) -> str:
    return f"/api/modules/{module.pk}/priorities"


def ballot_url(module: Module) -> str:
    return f"/api/modules/{module.pk}/ballot"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


# --- GET /api/modules/{id}/priorities --------------------------------------------------------


def test_the_items_of_a_dot_vote(client, dots_module):
    response = client.get(priorities_url(dots_module))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PRIORITIES_KEYS
    assert (body["module"], body["method"], body["budget"]) == (dots_module.pk, "dots", 10)
    assert (body["state"], body["ballot_count"]) == ("open", 0)
    assert [item["id"] for item in body["items"]] == ids(dots_module)
    assert [item["position"] for item in body["items"]] == [1, 2, 3, 4]
    assert body["items"][0]["title"] == "Urgent cases reach a person the same day"
    assert body["items"][0]["description_html"] == "<p>Within office hours, by phone.</p>\n"
    assert (body["results_public"], body["results"], body["your_ballot"]) == (False, None, None)


def test_results_are_public_once_closed(client, dots_module, make_guest):
    a, b, *_ = ids(dots_module)
    services.ballot_cast(participant=make_guest(), module=dots_module, allocation={a: 1, b: 3})
    assert client.get(priorities_url(dots_module)).json()["results"] is None
    Process.objects.filter(pk=dots_module.process_id).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )
    body = client.get(priorities_url(dots_module)).json()
    assert (body["state"], body["results_public"], body["ballot_count"]) == ("closed", True, 1)
    first, second, *_ = body["results"]
    assert set(first) == RESULT_KEYS
    assert (first["item"], first["place"], first["points"], first["percent"]) == (b, 1, 3, 75)
    assert (second["item"], second["percent"], second["ballot_count"]) == (a, 25, 1)
    text = client.get(priorities_url(dots_module)).content.decode()
    for private in ("participant", "pseudonym", "email", "entered_by"):
        assert private not in text


def test_a_ranking_is_listed_with_borda_scores(client, ranking_module, make_guest):
    a, b, c, d = ids(ranking_module)
    services.ballot_cast(
        participant=make_guest(), module=ranking_module, allocation={a: 3, b: 1, c: 2, d: 4}
    )
    Module.objects.filter(pk=ranking_module.pk).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(hours=1)
    )
    body = client.get(priorities_url(ranking_module)).json()
    assert (body["method"], body["budget"]) == ("ranking", None)
    assert [(r["item"], r["rank_score"], r["mean_rank"]) for r in body["results"]] == [
        (b, 4, 1.0),
        (c, 3, 2.0),
        (a, 2, 3.0),
        (d, 1, 4.0),
    ]


def test_unknown_unpublished_or_other_modules_are_404(
    client, published, make_process, make_priority_module, comments_module, officer
):
    draft = make_priority_module(make_process(published))
    client.force_login(officer)  # not even its own staff: the API is open data
    for module_id in (draft.pk, comments_module.pk, 999999):
        assert client.get(f"/api/modules/{module_id}/priorities").status_code == 404


def test_an_account_only_process_is_403_for_the_anonymous(
    client, published, make_process, make_priority_module, resident
):
    process = make_process(published, read_requires="account")
    module = make_priority_module(process)
    Process.objects.filter(pk=process.pk).update(is_published=True)
    response = client.get(priorities_url(module))
    assert response.status_code == 403
    assert response.json()["code"] == "needs_account_to_read"
    client.force_login(resident)
    assert client.get(priorities_url(module)).status_code == 200


# --- POST /api/modules/{id}/ballot -----------------------------------------------------------


def test_casting_and_replacing_a_dot_ballot(signed_in, dots_module, resident, audit_events):
    a, b, c, _d = ids(dots_module)
    response = post(signed_in, ballot_url(dots_module), {"allocation": {str(a): 4, str(c): 6}})
    assert response.status_code == 201
    assert response.json() == {
        "module": dots_module.pk,
        "method": "dots",
        "allocation": {str(a): 4, str(c): 6},
        "replaced": False,
    }
    participant = Participant.objects.get(user=resident)
    assert selectors.ballot_of(dots_module, participant) == {a: 4, c: 6}
    # Having voted, the results are public to this person.
    body = signed_in.get(priorities_url(dots_module)).json()
    assert body["your_ballot"] == {str(a): 4, str(c): 6}
    assert body["results_public"] is True
    assert body["results"][0]["item"] == c
    # A replacement answers 200, not 201: no new ballot was made.
    response = post(signed_in, ballot_url(dots_module), {"allocation": {str(b): 10}})
    assert response.status_code == 200
    assert response.json()["replaced"] is True
    assert response.json()["allocation"] == {str(b): 10}
    assert PriorityBallot.objects.count() == 1
    assert len(audit_events("priority_ballot.replaced")) == 1
    # The same ballot again is a replacement that changes nothing.
    response = post(signed_in, ballot_url(dots_module), {"allocation": {str(b): 10}})
    assert response.status_code == 200
    assert (response.json()["replaced"], response.json()["allocation"]) == (True, {str(b): 10})
    assert len(audit_events("priority_ballot.replaced")) == 1
    assert PriorityItem.objects.get(pk=b).points == 10


def test_a_ranking_by_order_or_by_positions(signed_in, ranking_module, resident):
    a, b, c, d = ids(ranking_module)
    response = post(signed_in, ballot_url(ranking_module), {"order": [c, a, d, b]})
    assert response.status_code == 201
    assert response.json()["allocation"] == {str(c): 1, str(a): 2, str(d): 3, str(b): 4}
    response = post(
        signed_in,
        ballot_url(ranking_module),
        {"allocation": {str(a): 1, str(b): 2, str(c): 3, str(d): 4}},
    )
    assert (response.status_code, response.json()["replaced"]) == (200, True)
    participant = Participant.objects.get(user=resident)
    assert selectors.ballot_of(ranking_module, participant) == {a: 1, b: 2, c: 3, d: 4}


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "allocation", "Send either an allocation or an order."),
        ({"allocation": {}, "order": []}, "allocation", "Send either an allocation or an order."),
        ({"allocation": {"{a}": 11}}, "allocation", "You gave 11 points but have 10"),
        ({"allocation": {"{a}": -1}}, "item_{a}", "Points cannot be negative."),
        ({"allocation": {"999999": 1}}, "item_999999", "This item is not on the ballot."),
        ({"order": ["{a}"]}, "order", "Only a ranking takes an order."),
    ],
)
def test_a_bad_dot_ballot_is_422_and_saves_nothing(
    signed_in, dots_module, payload, field, message
):
    a = ids(dots_module)[0]

    def fill(value):
        if isinstance(value, dict):
            return {fill(k): fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return int(value.format(a=a)) if isinstance(value, str) and "{a}" in value else value

    response = post(signed_in, ballot_url(dots_module), fill(payload))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field.format(a=a)
    assert message in body["detail"]
    assert not PriorityBallot.objects.exists()


def test_a_bad_ranking_is_422_with_each_item(signed_in, ranking_module):
    a, b, c, d = ids(ranking_module)
    response = post(signed_in, ballot_url(ranking_module), {"order": [a, b, a, c, d]})
    assert (response.status_code, response.json()["field"]) == (422, "order")
    response = post(signed_in, ballot_url(ranking_module), {"order": [a, b]})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {f"item_{c}", f"item_{d}"}
    response = post(signed_in, ballot_url(ranking_module), {"allocation": {"x": 1}})
    assert response.status_code == 422
    assert not PriorityBallot.objects.exists()


def test_a_closed_module_is_403_with_the_reason(signed_in, dots_module):
    Process.objects.filter(pk=dots_module.process_id).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )
    response = post(
        signed_in, ballot_url(dots_module), {"allocation": {str(ids(dots_module)[0]): 1}}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "closed"
    assert not PriorityBallot.objects.exists()
    assert not Participant.objects.exists()  # a refused first write leaves nothing behind


def test_anonymous_ballots_are_401(client, dots_module):
    response = post(client, ballot_url(dots_module), {"allocation": {str(ids(dots_module)[0]): 1}})
    assert response.status_code == 401
    assert not PriorityBallot.objects.exists()


def test_ballots_to_unknown_or_unpublished_modules_are_404(
    signed_in, published, make_process, make_priority_module, comments_module
):
    draft = make_priority_module(make_process(published))
    for module_id in (draft.pk, comments_module.pk, 999999):
        response = post(signed_in, f"/api/modules/{module_id}/ballot", {"allocation": {"1": 1}})
        assert response.status_code == 404
    assert not PriorityBallot.objects.exists()


def test_ballots_need_the_csrf_token(resident, dots_module):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    payload = {"allocation": {str(ids(dots_module)[0]): 1}}
    response = post(client, ballot_url(dots_module), payload)
    assert response.status_code == 403
    assert not PriorityBallot.objects.exists()
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    response = client.post(
        ballot_url(dots_module), payload, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_the_schema_documents_both_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    cast = schema["paths"]["/api/modules/{module_id}/ballot"]["post"]
    assert {"200", "201", "403", "422"} <= set(cast["responses"])
    assert "201 when it is your first, 200 when it replaces" in cast["description"]
    assert "get" in schema["paths"]["/api/modules/{module_id}/priorities"]
