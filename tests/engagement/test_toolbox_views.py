"""The public toolbox pages and API, through real HTTP requests."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from participai.engagement.toolbox import default_catalogue


def test_toolbox_lists_every_mechanism(client, db):
    response = client.get("/toolbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="usa-card__heading"') == len(default_catalogue())
    assert "Citizens" in html


def test_toolbox_filters_by_stage_depth_and_assisted(client, db):
    expected = default_catalogue().filter(
        stage="vendor_evaluation", min_depth="involve", assisted=True
    )
    assert 0 < len(expected) < len(default_catalogue())
    html = client.get(
        "/toolbox/", {"stage": "vendor_evaluation", "min_depth": "involve", "assisted": "on"}
    ).content.decode()
    assert html.count('class="usa-card__heading"') == len(expected)
    for mechanism in expected:
        assert f'/toolbox/{mechanism.key}/"' in html
    assert "Clear filters" in html


def test_toolbox_search_in_catalan_ignores_accents(client, db):
    html = client.get(
        "/toolbox/", {"q": "jurat"}, headers={"accept-language": "ca"}
    ).content.decode()
    assert '<html lang="ca">' in html
    assert "/toolbox/citizens_jury/" in html


def test_toolbox_with_an_invalid_filter_shows_the_error(client, db):
    response = client.get("/toolbox/", {"min_depth": "bottomless"})
    assert response.status_code == 200
    assert b"usa-error-message" in response.content


def test_toolbox_needs_no_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/toolbox/").status_code == 200


def test_mechanism_page(client, db):
    html = client.get("/toolbox/citizens_jury/").content.decode()
    jury = default_catalogue().get("citizens_jury")
    assert escape(jury.text("name", "en")) in html
    assert "Stages where it fits" in html
    assert "weeks" in html


def test_mechanism_page_in_spanish(client, db):
    jury = default_catalogue().get("citizens_jury")
    html = client.get(
        "/toolbox/citizens_jury/", headers={"accept-language": "es"}
    ).content.decode()
    assert escape(jury.text("name", "es")) in html
    assert "Etapas en las que encaja" in html


def test_unknown_mechanism_is_404(client, db):
    assert client.get("/toolbox/no-such-thing/").status_code == 404


def test_api_lists_and_filters_mechanisms(client, db):
    body = client.get("/api/toolbox/mechanisms").json()
    assert body["count"] == len(default_catalogue())
    assert body["language"] == "en"
    collaboration = client.get(
        "/api/toolbox/mechanisms", {"function": "collaboration", "lang": "ca"}
    ).json()
    expected = default_catalogue().filter(function="collaboration")
    assert [item["key"] for item in collaboration["items"]] == [m.key for m in expected]
    first = collaboration["items"][0]
    assert first["name"] == expected[0].text("name", "ca")
    assert first["url"].endswith(f"/toolbox/{expected[0].key}/")


def test_api_one_mechanism(client, db):
    body = client.get("/api/toolbox/mechanisms/survey", {"lang": "es"}).json()
    survey = default_catalogue().get("survey")
    assert body["key"] == "survey"
    assert body["name"] == survey.text("name", "es")
    assert body["stages"] == list(survey.stages)
    assert body["duration_weeks"] == list(survey.duration_weeks)


@pytest.mark.parametrize(
    ("query", "field"),
    [("min_depth=deep", "min_depth"), ("stage=later", "stage"), ("lang=fr", "lang")],
)
def test_api_rejects_bad_filters_with_the_field(client, db, query, field):
    response = client.get(f"/api/toolbox/mechanisms?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_api_unknown_mechanism_is_a_json_404(client, db):
    response = client.get("/api/toolbox/mechanisms/nothing")
    assert response.status_code == 404
    assert response.json() == {"message": "No such mechanism.", "field": None}
