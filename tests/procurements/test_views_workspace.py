"""The staff workspace, through real HTTP requests with Django's test client."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.procurements.checks import PREFETCH
from participai.procurements.models import Document, GateDecision, Procurement
from tests.conftest import PROBLEM


@pytest.fixture
def lead(org, make_member):
    return make_member(org, Role.PROJECT_LEAD, username="lead")


def test_workspace_requires_login(client, db):
    response = client.get("/workspace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_with_the_real_form(client, officer):
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    bad = client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert bad.status_code == 200
    assert b"did not match" in bad.content


def test_resident_has_no_workspace(client, resident):
    client.force_login(resident)
    response = client.get("/workspace/")
    assert response.status_code == 200
    assert b"not a member of any public body" in response.content


def test_dashboard_groups_by_stage_with_the_next_gate(client, lead, make_procurement, org):
    make_procurement(title="Needs work", affected_people="")
    make_procurement(title="Ready", stage="problem_definition")
    make_procurement(title="Stopped one", stage="review")
    Procurement.objects.filter(title="Stopped one").update(status="stopped")
    client.force_login(lead)
    html = client.get("/workspace/").content.decode()
    assert "1. Problem definition" in html
    assert "Needs work" in html and "Ready" in html
    assert "The people likely to be affected are named" in html  # what Needs work waits for
    assert "Ready for the gate decision" in html
    assert "Closed" in html and "Stopped one" in html


def test_dashboard_hides_other_organisations(client, lead, make_procurement, other_org):
    make_procurement(other_org, title="Their procurement", published=True)
    client.force_login(lead)
    assert b"Their procurement" not in client.get("/workspace/").content


@pytest.mark.parametrize("rows", [2, 10])
def test_dashboard_query_count_is_constant(
    client, lead, make_procurement, django_assert_max_num_queries, rows
):
    for n in range(rows):
        make_procurement(title=f"P{n}")
    client.force_login(lead)
    # session, user, roles, organisations, procurements, documents, and at
    # most one query per other relation the gate checks read (a nested
    # relation costs nothing when the one above it is empty)
    relations = {
        "__".join(lookup.split("__")[: depth + 1])
        for lookup in PREFETCH
        for depth in range(len(lookup.split("__")))
    } - {"documents"}
    with django_assert_max_num_queries(6 + len(relations)):
        assert client.get("/workspace/").status_code == 200


def _form(**overrides):
    data = {
        "title": "Early help for families",
        "mission": "Families get help before crises.",
        "problem_statement": PROBLEM,
        "affected_people": "Families with children.",
        "non_ai_alternatives": "Family hubs.",
        "entry_route": "formal_tender",
        "estimated_value": "120000",
        "currency": "EUR",
    }
    return data | overrides


def test_create_procurement(client, lead, org):
    client.force_login(lead)
    response = client.post("/workspace/procurements/new/", _form(organisation=org.id))
    item = Procurement.objects.get(title="Early help for families")
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/procurements/{item.slug}/"
    assert not item.is_published and item.created_by == lead
    assert AuditEvent.objects.filter(action="procurement.created", object_id=str(item.pk)).exists()


def test_create_with_bad_input_keeps_what_was_typed(client, lead, org):
    client.force_login(lead)
    response = client.post(
        "/workspace/procurements/new/", _form(organisation=org.id, title="", estimated_value="-5")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Families get help before crises." in html  # nothing typed is lost
    assert Procurement.objects.count() == 0


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.AUDITOR, Role.DATA_EXPERT])
def test_create_refused_to_roles_without_it(client, org, make_member, role):
    client.force_login(make_member(org, role))
    assert client.get("/workspace/procurements/new/").status_code == 403
    assert (
        client.post("/workspace/procurements/new/", _form(organisation=org.id)).status_code == 403
    )
    assert Procurement.objects.count() == 0


def test_create_cannot_target_another_organisation(client, lead, other_org):
    client.force_login(lead)
    response = client.post("/workspace/procurements/new/", _form(organisation=other_org.id))
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert Procurement.objects.count() == 0


def test_detail_shows_checklist_and_actions(client, lead, procurement):
    client.force_login(lead)
    html = client.get(f"/workspace/procurements/{procurement.slug}/").content.decode()
    assert "The problem statement is written" in html
    assert "Record the gate decision" in html
    assert "Edit the definition" in html
    assert "Publish on the portal" not in html  # leads do not publish


def test_detail_links_every_instrument_of_the_playbook(client, lead, procurement):
    client.force_login(lead)
    html = client.get(f"/workspace/procurements/{procurement.slug}/").content.decode()
    nav = html.split('aria-labelledby="instruments-heading"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"', nav)
    base = f"/workspace/procurements/{procurement.slug}/"
    assert links == [
        f"{base}assessment/",
        f"{base}assessment/ai-act/",
        f"{base}assessment/obligations/",
        f"{base}assessment/consequences/",
        f"{base}engagement/actors/",
        f"{base}engagement/plan/",
        f"{base}engagement/canvas/",
        f"{base}participation/",
        f"{base}tender/",
        f"{base}tender/evaluation/",
        f"{base}tender/solution/",
        f"{base}contract/",
        f"{base}contract/monitoring/",
        f"{base}contract/payments/",
        f"{base}contract/audits/",
        f"{base}contract/incidents/",
        f"{base}contract/review/",
    ]
    for url in links:
        assert client.get(url).status_code == 200, url


def test_detail_is_404_for_other_organisations_and_residents(
    client, procurement, make_member, other_org, resident
):
    client.force_login(make_member(other_org, Role.ORG_ADMIN))
    assert client.get(f"/workspace/procurements/{procurement.slug}/").status_code == 404
    client.force_login(resident)
    assert client.get(f"/workspace/procurements/{procurement.slug}/").status_code == 404


def test_edit_records_the_change(client, lead, procurement):
    client.force_login(lead)
    url = f"/workspace/procurements/{procurement.slug}/edit/"
    data = _form(title=procurement.title, mission="A sharper mission.")
    assert client.post(url, data).status_code == 302
    procurement.refresh_from_db()
    assert procurement.mission == "A sharper mission."
    event = AuditEvent.objects.get(action="procurement.updated")
    assert event.data["changes"]["mission"]["to"] == "A sharper mission."


def test_edit_with_bad_input_is_refused_and_changes_nothing(client, lead, procurement):
    client.force_login(lead)
    url = f"/workspace/procurements/{procurement.slug}/edit/"
    data = _form(title="", mission="A mission nobody saved.", estimated_value="-5")
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert "A mission nobody saved." in response.content.decode()  # nothing typed is lost
    procurement.refresh_from_db()
    assert procurement.mission != "A mission nobody saved."
    assert not AuditEvent.objects.filter(action="procurement.updated").exists()


def test_edit_refused_after_the_purpose_phase(client, lead, make_procurement):
    item = make_procurement(stage="vendor_evaluation")
    client.force_login(lead)
    assert client.get(f"/workspace/procurements/{item.slug}/edit/").status_code == 403


def test_publish(client, officer, procurement):
    client.force_login(officer)
    response = client.post(f"/workspace/procurements/{procurement.slug}/publish/")
    assert response.status_code == 302
    procurement.refresh_from_db()
    assert procurement.is_published
    assert client.get(f"/workspace/procurements/{procurement.slug}/publish/").status_code == 405


def test_publish_refused_to_a_lead(client, lead, procurement):
    client.force_login(lead)
    response = client.post(f"/workspace/procurements/{procurement.slug}/publish/")
    assert response.status_code == 403
    procurement.refresh_from_db()
    assert not procurement.is_published


def test_gate_decision_through_the_form(
    client, lead, officer, procurement, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    url = f"/workspace/procurements/{procurement.slug}/gate/"
    assert b"The problem statement is written" in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "outcome": "proceed",
                "rationale": "Problem stated as an outcome; people named.",
                "decided_on": "2026-01-05",
                "deciders": [lead.id, officer.id],
                "other_deciders": "Community advisory group",
            },
        )
    assert response.status_code == 302
    procurement.refresh_from_db()
    assert procurement.stage == "impact_assessment"
    decision = GateDecision.objects.get()
    assert set(decision.deciders.all()) == {lead, officer}
    assert decision.other_deciders == "Community advisory group"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([lead.email, officer.email])
    assert "Proceed" in mailoutbox[0].subject


def test_gate_decision_with_failing_checks_is_refused_with_the_reason(
    client, lead, make_procurement
):
    item = make_procurement(non_ai_alternatives="")
    client.force_login(lead)
    response = client.post(
        f"/workspace/procurements/{item.slug}/gate/",
        {
            "outcome": "proceed",
            "rationale": "We think it is ready to go on.",
            "decided_on": "2026-01-05",
            "deciders": [lead.id],
        },
    )
    assert response.status_code == 400
    assert b"Non-AI alternatives were considered" in response.content
    assert b"We think it is ready to go on." in response.content
    assert GateDecision.objects.count() == 0


def test_gate_decision_refused_to_roles_without_it(client, org, make_member, procurement):
    client.force_login(make_member(org, Role.MODERATOR))
    url = f"/workspace/procurements/{procurement.slug}/gate/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "stop"}).status_code == 403
    assert GateDecision.objects.count() == 0


def test_add_text_document(client, lead, procurement):
    client.force_login(lead)
    response = client.post(
        f"/workspace/procurements/{procurement.slug}/documents/new/",
        {"title": "Minutes", "document_type": "minutes", "body": "We met.", "is_public": "on"},
    )
    assert response.status_code == 302
    doc = Document.objects.get()
    assert (doc.stage, doc.body, doc.is_public) == ("problem_definition", "We met.", True)


def test_rejected_upload_says_why_and_keeps_the_form(client, lead, procurement):
    client.force_login(lead)
    upload = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>")
    response = client.post(
        f"/workspace/procurements/{procurement.slug}/documents/new/",
        {"title": "Report", "document_type": "other", "file": upload},
    )
    assert response.status_code == 400
    assert b"its content is not of that type (PDF)" in response.content
    assert b'value="Report"' in response.content
    assert Document.objects.count() == 0


def test_rejected_upload_is_explained_in_the_uploaders_language(client, lead, procurement):
    client.force_login(lead)
    response = client.post(
        f"/workspace/procurements/{procurement.slug}/documents/new/",
        {
            "title": "Informe",
            "document_type": "other",
            "file": SimpleUploadedFile("informe.pdf", b"<html></html>"),
        },
        headers={"accept-language": "es"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "El archivo tiene la extensión .pdf pero su contenido no es de ese tipo (PDF)." in html
    assert Document.objects.count() == 0


def test_document_with_file_and_text_is_refused(client, lead, procurement):
    client.force_login(lead)
    response = client.post(
        f"/workspace/procurements/{procurement.slug}/documents/new/",
        {
            "title": "Both",
            "document_type": "other",
            "body": "Some text I wrote",
            "file": SimpleUploadedFile("a.txt", b"plain text"),
        },
    )
    assert response.status_code == 400
    assert b"not both" in response.content
    assert b"Some text I wrote" in response.content
    assert Document.objects.count() == 0


def test_audit_log_for_auditors_only(client, org, make_member, procurement):
    client.force_login(make_member(org, Role.AUDITOR))
    response = client.get(f"/workspace/audit/{org.slug}/")
    assert response.status_code == 200
    assert b"procurement.created" in response.content
    client.force_login(make_member(org, Role.PROJECT_LEAD))
    assert client.get(f"/workspace/audit/{org.slug}/").status_code == 403


def test_audit_log_of_another_organisation_is_404(client, org, other_org, make_member):
    client.force_login(make_member(other_org, Role.AUDITOR))
    assert client.get(f"/workspace/audit/{org.slug}/").status_code == 404
