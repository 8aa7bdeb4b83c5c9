"""The public portal, through real HTTP requests with Django's test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participai.accounts.roles import Role
from participai.procurements import services
from participai.procurements.models import DocumentType, GateOutcome

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_home_lists_published_procurements_only(client, make_procurement):
    make_procurement(title="Published chatbot", published=True)
    make_procurement(title="Secret draft")
    response = client.get("/")
    assert response.status_code == 200
    assert b"Published chatbot" in response.content
    assert b"Secret draft" not in response.content


def test_home_searches_and_filters(client, make_procurement, make_org):
    other = make_org("Vilanova")
    make_procurement(title="Chatbot for council tax", published=True)
    make_procurement(other, title="Traffic signals", published=True, stage="review")
    response = client.get("/", {"q": "chatbot"})
    assert b"Chatbot for council tax" in response.content
    assert b"Traffic signals" not in response.content
    response = client.get("/", {"phase": "impact"})
    assert b"Traffic signals" in response.content
    assert b"Chatbot for council tax" not in response.content
    response = client.get("/", {"organisation": other.slug})
    assert b"Traffic signals" in response.content
    assert b"Chatbot" not in response.content


def test_home_with_invalid_filter_shows_all_and_the_error(client, make_procurement):
    make_procurement(title="Visible", published=True)
    response = client.get("/", {"stage": "no-such-stage"})
    assert response.status_code == 200
    assert b"Visible" in response.content
    assert b"usa-error-message" in response.content


def test_home_paginates(client, make_procurement):
    for n in range(23):
        make_procurement(title=f"Procurement number {n:02d}", published=True)
    first = client.get("/")
    assert first.content.count(b'class="usa-card__heading"') == 20
    second = client.get("/", {"page": 2})
    assert second.content.count(b'class="usa-card__heading"') == 3
    assert b"Page 2 of 2" in second.content


@pytest.mark.parametrize("rows", [3, 15])
def test_home_query_count_is_constant(client, make_procurement, django_assert_num_queries, rows):
    for n in range(rows):
        make_procurement(title=f"P{n}", published=True)
    # count, page of rows with organisations, organisations for the filter
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200


def _decide(procurement, actor, outcome=GateOutcome.PROCEED, **kwargs):
    return services.gate_decide(
        actor=actor,
        procurement=procurement,
        outcome=outcome,
        rationale="The problem is stated clearly and people were heard.",
        **kwargs,
    )


def test_procurement_page_shows_definition_timeline_and_decisions(client, published, officer):
    _decide(published, officer)
    response = client.get(f"/p/{published.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert published.mission in html
    assert "The problem is stated clearly and people were heard." in html
    assert "Problem definition" in html and "Impact assessment" in html
    assert "current stage" in html
    assert 'lang="en"' in html


def test_procurement_page_renders_markdown_safely(client, make_procurement):
    item = make_procurement(
        published=True,
        problem_statement="**Bold** problem <script>alert(1)</script> " + "x" * 200,
    )
    html = client.get(f"/p/{item.slug}/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("decisions", [1, 6])
def test_procurement_page_query_count_is_constant(
    client, published, officer, django_assert_num_queries, decisions
):
    for n in range(decisions):
        services.document_add(actor=officer, procurement=published, title=f"Doc {n}", body="Text.")
        _decide(published, officer, outcome=GateOutcome.REVISE)
    # procurement, decisions, deciders, documents, participation processes
    # (anonymous: no session)
    with django_assert_num_queries(5):
        assert client.get(f"/p/{published.slug}/").status_code == 200
    # Then the body comes from the cache: only the access query remains.
    with django_assert_num_queries(1):
        assert client.get(f"/p/{published.slug}/").status_code == 200


def test_procurement_page_cache_follows_every_change(client, published, officer):
    url = f"/p/{published.slug}/"
    assert "Minutes of the hearing" not in client.get(url).content.decode()
    services.document_add(
        actor=officer, procurement=published, title="Minutes of the hearing", body="Notes."
    )
    assert "Minutes of the hearing" in client.get(url).content.decode()
    _decide(published, officer)
    html = client.get(url).content.decode()
    assert "The problem is stated clearly and people were heard." in html
    services.procurement_update(actor=officer, procurement=published, mission="A new mission.")
    assert "A new mission." in client.get(url).content.decode()


def test_procurement_page_cache_is_per_language_and_audience(
    client, published, officer, org, make_member
):
    services.document_add(
        actor=officer, procurement=published, title="Internal notes", body="x", is_public=False
    )
    url = f"/p/{published.slug}/"
    assert "Internal notes" not in client.get(url).content.decode()
    spanish = client.get(url, headers={"accept-language": "es"}).content.decode()
    assert "Definición del problema" in spanish
    client.force_login(make_member(org, Role.AUDITOR))
    # Members see the same public page for a published procurement.
    assert "Internal notes" not in client.get(url).content.decode()


def test_procurement_page_links_its_open_data(client, published, procurement, org, make_member):
    html = client.get(f"/p/{published.slug}/").content.decode()
    links = {
        f"/api/procurements/{published.slug}/canvas.pdf": "application/pdf",
        f"/api/procurements/{published.slug}/obligations": "application/json",
    }
    for url, content_type in links.items():
        assert f'href="{url}"' in html
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
    # A draft's preview has no open data to link to: the API keeps drafts out.
    client.force_login(make_member(org, Role.AUDITOR))
    preview = client.get(f"/p/{procurement.slug}/").content.decode()
    assert "Draft preview" in preview
    assert "/api/procurements/" not in preview


def test_draft_page_is_404_for_the_public_and_other_bodies(
    client, procurement, resident, make_member, other_org
):
    assert client.get(f"/p/{procurement.slug}/").status_code == 404
    client.force_login(resident)
    assert client.get(f"/p/{procurement.slug}/").status_code == 404
    client.force_login(make_member(other_org, Role.ORG_ADMIN))
    assert client.get(f"/p/{procurement.slug}/").status_code == 404


def test_draft_page_is_a_preview_for_members(client, procurement, make_member, org):
    client.force_login(make_member(org, Role.EVALUATOR))
    response = client.get(f"/p/{procurement.slug}/")
    assert response.status_code == 200
    assert b"Draft preview" in response.content


def test_unknown_procurement_is_404(client, db):
    assert client.get("/p/no-such-thing/").status_code == 404


def test_text_document_page(client, published, officer):
    doc = services.document_add(
        actor=officer, procurement=published, title="Engagement plan", body="## Workshops"
    )
    response = client.get(reverse("portal:document", args=[published.slug, doc.id]))
    assert response.status_code == 200
    assert b"<h2>Workshops</h2>" in response.content


def test_file_document_downloads_with_its_name(client, published, officer):
    doc = services.document_add(
        actor=officer,
        procurement=published,
        title="Tender",
        document_type=DocumentType.TENDER_NOTICE,
        upload=SimpleUploadedFile("tender.pdf", PDF),
        filename="tender.pdf",
    )
    response = client.get(reverse("portal:document", args=[published.slug, doc.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="tender.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_internal_document_is_hidden_from_the_public(client, published, officer, org, make_member):
    doc = services.document_add(
        actor=officer, procurement=published, title="Panel", body="Names.", is_public=False
    )
    page = client.get(f"/p/{published.slug}/").content.decode()
    assert "Panel" not in page
    assert client.get(reverse("portal:document", args=[published.slug, doc.id])).status_code == 404
    client.force_login(make_member(org, Role.AUDITOR))
    assert client.get(reverse("portal:document", args=[published.slug, doc.id])).status_code == 200


def test_document_of_another_procurement_is_404(client, published, make_procurement, officer):
    other = make_procurement(title="Other", published=True)
    doc = services.document_add(actor=officer, procurement=other, title="Other doc", body="x")
    url = reverse("portal:document", args=[published.slug, doc.id])
    assert client.get(url).status_code == 404


def test_portal_refuses_post(client, db):
    assert client.post("/").status_code == 405


@pytest.mark.parametrize(
    ("language", "word"), [("es", "Contrataciones"), ("ca", "Contractacions")]
)
def test_portal_speaks_spanish_and_catalan(client, db, language, word):
    response = client.get("/", headers={"accept-language": language})
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert word in html


def test_language_switcher_sets_the_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "ca", "next": "/"}, follow=True)
    assert '<html lang="ca">' in response.content.decode()
