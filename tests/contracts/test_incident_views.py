"""Incident pages through real HTTP: anyone reports and follows a report by
its reference; the team triages, updates, closes and records the authority
notification; auditors and evaluators read but do not act; outsiders get a
404; and the pages read a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import Incident, IncidentStatus, Severity
from participai.procurements.models import Procurement

DESCRIPTION = "The chatbot told my neighbour she was not eligible, which was wrong."


@pytest.fixture
def monitored(make_procurement) -> Procurement:
    return make_procurement(stage="contract_monitoring", published=True)


@pytest.fixture
def lead(org, make_member):
    return make_member(org, Role.PROJECT_LEAD)


@pytest.fixture
def incident(monitored) -> Incident:
    return services.incident_report(
        procurement=monitored,
        description=DESCRIPTION,
        contact_name="Ana Pérez",
        contact_email="ana@example.org",
    )


def report_url(procurement) -> str:
    return f"/p/{procurement.slug}/monitoring/report/"


def staff_url(procurement, incident=None, action="") -> str:
    base = f"/workspace/procurements/{procurement.slug}/contract/incidents/"
    if incident is None:
        return base
    return f"{base}{incident.pk}/" + (f"{action}/" if action else "")


def triage_form(**overrides) -> dict:
    data = {
        "severity": Severity.HIGH,
        "respond_by": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "note": "STAFF-ONLY: a wrong eligibility rule.",
        "public_note": "We are looking into it.",
    }
    data.update(overrides)
    return data


# --- The public form ---------------------------------------------------------------------


def test_anyone_sees_the_form_and_what_happens_next(client, monitored):
    response = client.get(report_url(monitored))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="description"' in html
    assert 'name="contact_email"' in html
    assert "never published" in html
    assert "What happens next" in html


def test_a_guest_reports_and_lands_on_the_status_page_with_the_reference(client, monitored):
    response = client.post(
        report_url(monitored),
        {"description": DESCRIPTION, "affected_someone": "on", "contact_email": ""},
    )
    incident = Incident.objects.get()
    status_url = f"/p/{monitored.slug}/monitoring/report/{incident.reference}/"
    assert response.status_code == 302
    assert response["Location"] == f"{status_url}?sent=1"
    assert incident.affected_someone
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert incident.reference in html
    assert f'href="{status_url}"' in html
    assert "Keep it" in html
    assert page["Cache-Control"] == "private, no-store"


def test_a_signed_in_resident_reports_under_their_account(client, monitored, resident):
    client.force_login(resident)
    client.post(report_url(monitored), {"description": DESCRIPTION})
    assert Incident.objects.get().reported_by == resident


def test_a_bad_report_re_renders_with_errors_and_saves_nothing(client, monitored):
    response = client.post(
        report_url(monitored), {"description": "short", "contact_email": "nope"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least 10 characters" in html or "Ensure this value" in html
    assert "valid email" in html
    assert not Incident.objects.exists()


def test_spam_from_a_guest_is_shown_on_the_form(client, monitored):
    response = client.post(
        report_url(monitored),
        {"description": "Cheap pills http://a.example http://b.example http://c.example"},
    )
    assert response.status_code == 400
    assert "at most two links" in response.content.decode()
    assert not Incident.objects.exists()


def test_before_deployment_the_form_says_why_it_is_closed(client, make_procurement):
    procurement = make_procurement(stage="contract_negotiation", published=True)
    response = client.get(report_url(procurement))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="description"' not in html
    assert "not in use yet" in html
    response = client.post(report_url(procurement), {"description": DESCRIPTION})
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_a_draft_procurement_has_no_public_form(client, make_procurement):
    draft = make_procurement(stage="contract_monitoring", published=False)
    assert client.get(report_url(draft)).status_code == 404
    assert client.post(report_url(draft), {"description": DESCRIPTION}).status_code == 404
    assert not Incident.objects.exists()


# --- The reporter's status page ----------------------------------------------------------


def test_the_status_page_never_shows_staff_notes_contact_or_description(
    client, monitored, incident, lead
):
    services.incident_triage(
        actor=lead,
        incident=incident,
        severity=Severity.SERIOUS,
        respond_by=timezone.localdate() + datetime.timedelta(days=3),
        note="STAFF-ONLY triage note",
        public_note="We are on it.",
    )
    services.incident_update(
        actor=lead, incident=incident, note="STAFF-ONLY: asked the supplier", is_public=False
    )
    response = client.get(f"{report_url(monitored)}{incident.reference}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "We are on it." in html
    assert "Being looked into" in html
    for hidden in ("STAFF-ONLY", "ana@example.org", "Ana Pérez", "neighbour", "Serious"):
        assert hidden not in html


def test_unknown_or_foreign_references_are_404(client, monitored, incident, make_procurement):
    other = make_procurement(stage="contract_monitoring", published=True, title="Other system")
    assert client.get(f"{report_url(monitored)}ABCDEFGHJKLM/").status_code == 404
    assert client.get(f"{report_url(other)}{incident.reference}/").status_code == 404
    assert client.get(f"{report_url(monitored)}{incident.reference}/").status_code == 200


def test_the_status_page_reads_a_fixed_number_of_queries(
    client, monitored, incident, lead, django_assert_max_num_queries
):
    for n in range(8):
        services.incident_update(
            actor=lead, incident=incident, note=f"Public step {n}", is_public=True
        )
    with django_assert_max_num_queries(6):
        response = client.get(f"{report_url(monitored)}{incident.reference}/")
    assert "Public step 7" in response.content.decode()


# --- Staff pages: who reads ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD, Role.DATA_EXPERT])
def test_the_team_reads_the_queue_and_the_contact(client, org, make_member, incident, role):
    client.force_login(make_member(org, role))
    queue = client.get(staff_url(incident.procurement))
    assert queue.status_code == 200
    assert incident.reference in queue.content.decode()
    detail = client.get(staff_url(incident.procurement, incident)).content.decode()
    assert "ana@example.org" in detail
    assert DESCRIPTION in detail
    assert 'action="' + staff_url(incident.procurement, incident, "triage") in detail


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EVALUATOR])
def test_auditors_and_evaluators_read_without_contact_or_forms(
    client, org, make_member, incident, role
):
    client.force_login(make_member(org, role))
    assert client.get(staff_url(incident.procurement)).status_code == 200
    detail = client.get(staff_url(incident.procurement, incident))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "ana@example.org" not in html
    assert "Ana Pérez" not in html
    assert "/triage/" not in html
    assert "/resolve/" not in html


def test_outsiders_get_404_and_guests_the_login(client, other_org, make_member, incident):
    procurement = incident.procurement
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert client.get(staff_url(procurement)).status_code == 404
    assert client.get(staff_url(procurement, incident)).status_code == 404
    assert (
        client.post(staff_url(procurement, incident, "triage"), triage_form()).status_code == 404
    )
    client.logout()
    response = client.get(staff_url(procurement))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_incident_of_another_procurement_is_404(client, lead, incident, make_procurement):
    other = make_procurement(stage="contract_monitoring", published=True, title="Other system")
    client.force_login(lead)
    assert client.get(staff_url(other, incident)).status_code == 404
    assert client.post(staff_url(other, incident, "triage"), triage_form()).status_code == 404


# --- Staff pages: who acts ---------------------------------------------------------------


def test_the_team_triages_through_the_page(client, lead, incident):
    client.force_login(lead)
    response = client.post(staff_url(incident.procurement, incident, "triage"), triage_form())
    assert response.status_code == 302
    assert response["Location"] == staff_url(incident.procurement, incident)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.TRIAGED
    assert incident.severity == Severity.HIGH


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EVALUATOR])
@pytest.mark.parametrize("action", ["triage", "update", "resolve", "notify"])
def test_auditors_and_evaluators_cannot_act(client, org, make_member, incident, role, action):
    client.force_login(make_member(org, role))
    data = {
        "triage": triage_form(),
        "update": {"note": "x", "is_public": "on"},
        "resolve": {"status": "resolved", "public_response": "x"},
        "notify": {"notified_on": timezone.localdate().isoformat()},
    }[action]
    response = client.post(staff_url(incident.procurement, incident, action), data)
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECEIVED
    assert not incident.updates.exists()


def test_the_team_cannot_act_outside_the_monitoring_stages(client, lead, incident):
    Procurement.objects.filter(pk=incident.procurement_id).update(stage="contract_negotiation")
    client.force_login(lead)
    response = client.post(staff_url(incident.procurement, incident, "triage"), triage_form())
    assert response.status_code == 403
    assert "/triage/" not in client.get(staff_url(incident.procurement, incident)).content.decode()


def test_a_bad_triage_re_renders_the_page_with_errors(client, lead, incident):
    client.force_login(lead)
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        staff_url(incident.procurement, incident, "triage"), triage_form(respond_by=past)
    )
    assert response.status_code == 400
    assert "in the past" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECEIVED


def test_serious_incident_notification_and_closing_through_the_pages(client, lead, incident):
    client.force_login(lead)
    client.post(
        staff_url(incident.procurement, incident, "triage"),
        triage_form(severity=Severity.SERIOUS),
    )
    detail = client.get(staff_url(incident.procurement, incident)).content.decode()
    assert "/notify/" in detail
    assert "Notify the authority" in client.get(staff_url(incident.procurement)).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        staff_url(incident.procurement, incident, "notify"), {"notified_on": today}
    )
    assert response.status_code == 302
    response = client.post(
        staff_url(incident.procurement, incident, "resolve"),
        {"status": "resolved", "public_response": ""},
    )
    assert response.status_code == 400
    response = client.post(
        staff_url(incident.procurement, incident, "resolve"),
        {"status": "resolved", "public_response": "The rule was corrected."},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.authority_notified_on == timezone.localdate()
    assert incident.status == IncidentStatus.RESOLVED
    status_page = client.get(f"{report_url(incident.procurement)}{incident.reference}/")
    assert "The rule was corrected." in status_page.content.decode()


def test_a_public_update_through_the_page_reaches_the_reporter(client, lead, incident):
    client.force_login(lead)
    response = client.post(
        staff_url(incident.procurement, incident, "update"),
        {"note": "We asked the supplier for the logs.", "is_public": "on", "status": ""},
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(f"{report_url(incident.procurement)}{incident.reference}/")
    assert "We asked the supplier for the logs." in page.content.decode()


# --- Query counts ------------------------------------------------------------------------


def test_the_queue_and_detail_read_a_fixed_number_of_queries(
    client, lead, monitored, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            incident = services.incident_report(
                procurement=monitored,
                description=DESCRIPTION,
                contact_email=f"p{Incident.objects.count()}-{i}@example.org",
            )
            services.incident_triage(
                actor=lead,
                incident=incident,
                severity=Severity.LOW,
                respond_by=timezone.localdate(),
                note="Seen.",
            )
        return incident

    client.force_login(lead)
    first = add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(staff_url(monitored)).status_code == 200
    with CaptureQueriesContext(connection) as few_detail:
        client.get(staff_url(monitored, first))
    add(3)
    last = add(3)
    for n in range(5):
        services.incident_update(actor=lead, incident=first, note=f"n{n}", is_public=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(staff_url(monitored))
    assert response.content.decode().count("/contract/incidents/") >= 8
    with django_assert_max_num_queries(len(few_detail.captured_queries)):
        client.get(staff_url(monitored, first))
    assert last.pk
