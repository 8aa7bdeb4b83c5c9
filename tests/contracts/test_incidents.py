"""Incident reports through their services and selectors: who may report and
when, the abuse brakes, triage and the serious flag, the authority
notification, updates and closing; what the reporter, the staff and the
public each see; and that the audit trail keeps no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import Incident, IncidentStatus, IncidentUpdate, Severity
from participai.contracts.selectors_incidents import (
    incident_status,
    incidents_page,
    public_aggregate,
    reporting_state,
)
from participai.contracts.services import incidents as incident_services
from participai.procurements.models import Procurement, ProcurementStatus

from . import events

DESCRIPTION = "The chatbot told my neighbour she was not eligible, which was wrong."
TODAY = timezone.localdate
LATER = datetime.timedelta(days=14)


@pytest.fixture
def monitored(make_procurement) -> Procurement:
    return make_procurement(stage="contract_monitoring", published=True)


@pytest.fixture
def lead(org, make_member):
    return make_member(org, Role.PROJECT_LEAD)


def report(procurement, **kwargs) -> Incident:
    kwargs.setdefault("description", DESCRIPTION)
    return services.incident_report(procurement=procurement, **kwargs)


def triaged(incident, actor, severity=Severity.MEDIUM, **kwargs) -> Incident:
    return services.incident_triage(
        actor=actor,
        incident=incident,
        severity=severity,
        respond_by=kwargs.pop("respond_by", TODAY() + LATER),
        note=kwargs.pop("note", "Looks like a wrong eligibility rule."),
        **kwargs,
    )


# --- Reporting ---------------------------------------------------------------------------


def test_anyone_reports_and_gets_a_reference(monitored):
    incident = report(
        monitored,
        occurred_on=TODAY(),
        affected_someone=True,
        contact_name="Ana Pérez",
        contact_email="Ana@Example.org",
    )
    incident.refresh_from_db()
    assert len(incident.reference) == 12
    assert incident.status == IncidentStatus.RECEIVED
    assert incident.contact_email == "ana@example.org"
    assert incident.reported_by is None
    assert incident.affected_someone


def test_the_review_stage_takes_reports_too(make_procurement):
    procurement = make_procurement(stage="review", published=True)
    assert report(procurement).pk


def test_the_audit_event_carries_no_personal_data(monitored, resident):
    incident = report(
        monitored, contact_name="Ana Pérez", contact_email="ana@example.org", user=resident
    )
    event = events("contracts.incident_report").get()
    assert event.object_repr == f"incident {incident.reference}"
    flat = str(event.data) + event.object_repr
    for personal in ("Ana", "ana@example.org", "neighbour", resident.username):
        assert personal not in flat
    assert event.data["length"] == len(DESCRIPTION)


@pytest.mark.parametrize(
    ("stage", "published", "status"),
    [
        ("contract_monitoring", False, ProcurementStatus.ACTIVE),
        ("contract_negotiation", True, ProcurementStatus.ACTIVE),
        ("contract_monitoring", True, ProcurementStatus.COMPLETED),
        ("review", True, ProcurementStatus.STOPPED),
    ],
)
def test_reports_are_refused_unless_published_active_and_deployed(
    make_procurement, stage, published, status
):
    procurement = make_procurement(stage=stage, published=published)
    Procurement.objects.filter(pk=procurement.pk).update(status=status)
    procurement.refresh_from_db()
    assert not reporting_state(procurement).open
    with pytest.raises(ValidationError) as caught:
        report(procurement)
    assert caught.value.code == incident_services.CLOSED
    assert caught.value.messages[0] == reporting_state(procurement).reason
    assert not Incident.objects.exists()
    assert not events("contracts.incident_report").exists()


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("description", {"description": ""}),
        ("description", {"description": "Too short"}),
        ("description", {"description": "x" * 5001}),
        (
            "description",
            {"description": "Buy now http://a.example http://b.example www.c.example"},
        ),
        ("description", {"description": "THE SYSTEM IS BROKEN AND NOBODY ANSWERS THE PHONE!!"}),
        ("occurred_on", {"occurred_on": datetime.date.today() + datetime.timedelta(days=2)}),
        ("contact_email", {"contact_email": "not-an-email"}),
        ("contact_name", {"contact_name": "n" * 201}),
    ],
)
def test_bad_reports_are_refused_and_change_nothing(monitored, field, kwargs):
    with pytest.raises(ValidationError) as caught:
        report(monitored, **kwargs)
    assert field in caught.value.message_dict
    assert not Incident.objects.exists()


def test_the_spam_check_is_for_guests_only(monitored, resident):
    shouting = "THE SYSTEM IS BROKEN AND NOBODY ANSWERS THE PHONE AT ALL!!"
    assert report(monitored, description=shouting, user=resident).pk
    with pytest.raises(ValidationError):
        report(monitored, description=shouting)


def test_one_email_reports_at_most_five_times_an_hour(monitored):
    for _ in range(incident_services.RATE_LIMIT):
        report(monitored, contact_email="ana@example.org")
    with pytest.raises(ValidationError) as caught:
        report(monitored, contact_email="ANA@example.org")
    assert caught.value.code == incident_services.RATE_LIMITED
    assert Incident.objects.count() == incident_services.RATE_LIMIT
    # Someone else is not held back, and an hour later the same person may report again.
    assert report(monitored, contact_email="bob@example.org").pk
    Incident.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert report(monitored, contact_email="ana@example.org").pk


def test_one_account_reports_at_most_five_times_an_hour(monitored, resident):
    for n in range(incident_services.RATE_LIMIT):
        # A different email each time does not get round the limit of an account.
        report(monitored, user=resident, contact_email=f"a{n}@example.org")
    with pytest.raises(ValidationError) as caught:
        report(monitored, user=resident)
    assert caught.value.code == incident_services.RATE_LIMITED


def test_fully_anonymous_reports_have_a_cap_per_procurement(
    monitored, make_procurement, monkeypatch
):
    monkeypatch.setattr(incident_services, "ANONYMOUS_LIMIT", 2)
    report(monitored)
    report(monitored)
    with pytest.raises(ValidationError) as caught:
        report(monitored)
    assert caught.value.code == incident_services.RATE_LIMITED
    # With an email the report goes through; another procurement has its own cap.
    assert report(monitored, contact_email="ana@example.org").pk
    other = make_procurement(stage="contract_monitoring", published=True, title="Other system")
    assert report(other).pk


def test_the_officers_are_mailed_without_the_report_itself(
    monitored, org, officer, make_member, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_member(org, Role.ORG_ADMIN)
    make_member(org, Role.AUDITOR)
    make_member(org, Role.PROJECT_LEAD)
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(monitored, contact_email="ana@example.org", affected_someone=True)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([officer.email, admin.email])
    mail = mailoutbox[0]
    assert incident.reference in mail.subject
    assert f"/contract/incidents/{incident.pk}/" in mail.body
    assert "harmed" in mail.body
    assert "neighbour" not in mail.body
    assert "ana@example.org" not in mail.body


def test_a_refused_report_mails_no_one(monitored, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        report(monitored, description="short")
    assert mailoutbox == []


# --- Triage ------------------------------------------------------------------------------


def test_triage_sets_severity_deadline_and_status(monitored, lead):
    incident = triaged(report(monitored), lead, public_note="We are looking into it.")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.TRIAGED
    assert incident.severity == Severity.MEDIUM
    assert incident.respond_by == TODAY() + LATER
    assert not incident.is_serious
    notes = list(incident.updates.values_list("note", "is_public"))
    assert notes == [
        ("Looks like a wrong eligibility rule.", False),
        ("We are looking into it.", True),
    ]
    event = events("contracts.incident_triage").get()
    assert event.data["severity"] == "medium"
    assert event.data["serious"] is False


def test_a_serious_severity_flags_the_incident_and_a_regrade_unflags_it(monitored, lead):
    incident = triaged(report(monitored), lead, severity=Severity.SERIOUS)
    incident.refresh_from_db()
    assert incident.is_serious
    assert events("contracts.incident_triage").get().data["serious"] is True
    incident = triaged(incident, lead, severity=Severity.HIGH)
    incident.refresh_from_db()
    assert not incident.is_serious


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("severity", {"severity": "catastrophic"}),
        ("severity", {"severity": ""}),
        ("respond_by", {"respond_by": None}),
        ("respond_by", {"respond_by": datetime.date.today() - datetime.timedelta(days=1)}),
        ("note", {"note": "  "}),
        ("public_note", {"public_note": "x" * 5001}),
    ],
)
def test_bad_triage_is_refused_and_changes_nothing(monitored, lead, field, kwargs):
    incident = report(monitored)
    severity = kwargs.pop("severity", Severity.LOW)
    with pytest.raises(ValidationError) as caught:
        triaged(incident, lead, severity=severity, **kwargs)
    assert field in caught.value.message_dict
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECEIVED
    assert not incident.updates.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EVALUATOR, Role.MODERATOR, Role.FACILITATOR])
def test_only_the_team_triages(monitored, org, make_member, role):
    incident = report(monitored)
    with pytest.raises(PermissionDenied):
        triaged(incident, make_member(org, role))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECEIVED


def test_members_of_another_organisation_do_not_triage(monitored, other_org, make_member):
    incident = report(monitored)
    with pytest.raises(PermissionDenied):
        triaged(incident, make_member(other_org, Role.PROCUREMENT_OFFICER))


def test_no_triage_outside_the_monitoring_stages_or_once_closed(monitored, lead):
    incident = report(monitored)
    Procurement.objects.filter(pk=monitored.pk).update(stage="contract_negotiation")
    with pytest.raises(PermissionDenied):
        triaged(incident, lead)
    Procurement.objects.filter(pk=monitored.pk).update(
        stage="review", status=ProcurementStatus.COMPLETED
    )
    with pytest.raises(PermissionDenied):
        triaged(incident, lead)


def test_a_closed_report_is_not_triaged(monitored, lead):
    incident = report(monitored)
    services.incident_resolve(actor=lead, incident=incident, public_response="Fixed.")
    with pytest.raises(ValidationError):
        triaged(incident, lead)


# --- Authority notification --------------------------------------------------------------


def test_only_serious_incidents_are_notified_and_once(monitored, lead):
    incident = triaged(report(monitored), lead, severity=Severity.HIGH)
    with pytest.raises(ValidationError):
        services.incident_notify_authority(actor=lead, incident=incident, notified_on=TODAY())
    incident = triaged(incident, lead, severity=Severity.SERIOUS)
    services.incident_notify_authority(actor=lead, incident=incident, notified_on=TODAY())
    incident.refresh_from_db()
    assert incident.authority_notified_on == TODAY()
    assert events("contracts.incident_notify_authority").get().data["notified_on"] == (
        TODAY().isoformat()
    )
    with pytest.raises(ValidationError):
        services.incident_notify_authority(actor=lead, incident=incident, notified_on=TODAY())


@pytest.mark.parametrize("days", [1, -30])
def test_the_notification_date_is_neither_future_nor_before_the_report(monitored, lead, days):
    incident = triaged(report(monitored), lead, severity=Severity.SERIOUS)
    with pytest.raises(ValidationError) as caught:
        services.incident_notify_authority(
            actor=lead, incident=incident, notified_on=TODAY() + datetime.timedelta(days=days)
        )
    assert "notified_on" in caught.value.message_dict
    incident.refresh_from_db()
    assert incident.authority_notified_on is None


def test_an_auditor_does_not_record_the_notification(monitored, lead, org, make_member):
    incident = triaged(report(monitored), lead, severity=Severity.SERIOUS)
    with pytest.raises(PermissionDenied):
        services.incident_notify_authority(
            actor=make_member(org, Role.AUDITOR), incident=incident, notified_on=TODAY()
        )


# --- Updates and closing -----------------------------------------------------------------


def test_an_update_keeps_the_status_unless_told(monitored, lead):
    incident = triaged(report(monitored), lead)
    update = services.incident_update(
        actor=lead, incident=incident, note="Asked the supplier for logs.", is_public=False
    )
    assert update.status == IncidentStatus.TRIAGED
    assert events("contracts.incident_update").get().data["is_public"] is False


@pytest.mark.parametrize(
    ("status", "field"),
    [
        (IncidentStatus.RESOLVED, "status"),
        ("nonsense", "status"),
        (IncidentStatus.TRIAGED, "status"),
    ],
)
def test_bad_updates_are_refused(monitored, lead, status, field):
    incident = report(monitored)  # not triaged: "triaged" needs a severity first
    with pytest.raises(ValidationError) as caught:
        services.incident_update(
            actor=lead, incident=incident, note="Something.", is_public=True, status=status
        )
    assert field in caught.value.message_dict
    assert not IncidentUpdate.objects.exists()


def test_an_update_needs_a_note(monitored, lead):
    with pytest.raises(ValidationError) as caught:
        services.incident_update(actor=lead, incident=report(monitored), note="", is_public=True)
    assert "note" in caught.value.message_dict


def test_resolving_needs_an_answer_and_closes_once(monitored, lead):
    incident = triaged(report(monitored), lead)
    with pytest.raises(ValidationError) as caught:
        services.incident_resolve(actor=lead, incident=incident, public_response=" ")
    assert "public_response" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.incident_resolve(
            actor=lead, incident=incident, public_response="Done.", status=IncidentStatus.TRIAGED
        )
    assert "status" in caught.value.message_dict
    services.incident_resolve(
        actor=lead,
        incident=incident,
        public_response="The rule was corrected.",
        status=IncidentStatus.DISMISSED,
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.DISMISSED
    assert incident.resolved_on == TODAY()
    assert incident.public_response == "The rule was corrected."
    with pytest.raises(ValidationError):
        services.incident_resolve(actor=lead, incident=incident, public_response="Again.")
    assert events("contracts.incident_resolve").count() == 1


def test_an_update_with_a_status_reopens_a_closed_report(monitored, lead):
    incident = triaged(report(monitored), lead)
    services.incident_resolve(actor=lead, incident=incident, public_response="Fixed.")
    services.incident_update(
        actor=lead,
        incident=incident,
        note="It happened again.",
        is_public=True,
        status=IncidentStatus.TRIAGED,
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.TRIAGED
    assert incident.resolved_on is None


def test_an_evaluator_cannot_update_or_close(monitored, org, make_member):
    incident = report(monitored)
    evaluator = make_member(org, Role.EVALUATOR)
    with pytest.raises(PermissionDenied):
        services.incident_update(actor=evaluator, incident=incident, note="x", is_public=True)
    with pytest.raises(PermissionDenied):
        services.incident_resolve(actor=evaluator, incident=incident, public_response="x")


# --- What the reporter sees --------------------------------------------------------------


def test_the_reporter_sees_public_updates_and_never_staff_notes(monitored, lead):
    incident = report(monitored, contact_email="ana@example.org", occurred_on=TODAY())
    triaged(incident, lead, note="STAFF-ONLY triage note", public_note="We are on it.")
    services.incident_update(
        actor=lead, incident=incident, note="STAFF-ONLY supplier logs", is_public=False
    )
    services.incident_resolve(actor=lead, incident=incident, public_response="Rule corrected.")
    status = incident_status(incident.reference.lower())
    assert status.status == IncidentStatus.RESOLVED
    assert status.reported_on == TODAY()
    assert status.occurred_on == TODAY()
    assert status.resolved_on == TODAY()
    assert status.public_response == "Rule corrected."
    assert [u.note for u in status.updates] == ["We are on it.", "Rule corrected."]
    shown = str(status.__dict__) + str([u.__dict__ for u in status.updates])
    assert "STAFF-ONLY" not in shown
    assert "ana@example.org" not in shown
    assert DESCRIPTION not in shown
    assert "severity" not in status.__dict__


def test_a_reference_finds_its_own_report_only(monitored, make_procurement):
    incident = report(monitored)
    other = make_procurement(stage="contract_monitoring", published=True, title="Other")
    assert incident_status("NOTAREFERENC") is None
    assert incident_status("") is None
    assert incident_status(incident.reference, procurement=other) is None
    assert incident_status(incident.reference, procurement=monitored).reference == (
        incident.reference
    )


# --- What the staff sees -----------------------------------------------------------------


def test_the_queue_puts_open_serious_and_urgent_first_and_flags(monitored, lead):
    low = triaged(
        report(monitored, description="Low one: a typo in a letter."), lead, Severity.LOW
    )
    new = report(monitored, description="New one: not triaged yet at all.")
    serious = triaged(report(monitored), lead, Severity.SERIOUS)
    high_late = triaged(report(monitored), lead, Severity.HIGH, respond_by=TODAY() + LATER)
    high_soon = triaged(report(monitored), lead, Severity.HIGH)
    closed = triaged(report(monitored), lead, Severity.SERIOUS)
    services.incident_resolve(actor=lead, incident=closed, public_response="Done.")
    services.incident_notify_authority(actor=lead, incident=closed, notified_on=TODAY())
    Incident.objects.filter(pk=high_soon.pk).update(
        respond_by=TODAY() - datetime.timedelta(days=1)
    )
    Incident.objects.filter(pk=closed.pk).update(respond_by=TODAY() - datetime.timedelta(days=9))

    page = incidents_page(monitored)
    order = [row.incident.pk for row in page.rows]
    assert order == [serious.pk, new.pk, high_soon.pk, high_late.pk, low.pk, closed.pk]
    flags = {row.incident.pk: (row.is_overdue, row.awaits_notification) for row in page.rows}
    assert flags[high_soon.pk] == (True, False)
    assert flags[closed.pk] == (False, False)  # closed: never overdue; notified
    assert flags[serious.pk] == (False, True)
    assert (page.open_count, page.overdue_count, page.awaiting_notification_count) == (5, 1, 1)
    assert page.untriaged_count == 1


def test_the_queue_reads_a_fixed_number_of_queries(monitored, lead, django_assert_num_queries):
    for _ in range(3):
        report(monitored)
    with django_assert_num_queries(3) as few:
        incidents_page(monitored)
    for _ in range(12):
        report(monitored, contact_email=f"p{_}@example.org")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(incidents_page(monitored).rows) == 15


# --- What the public sees ----------------------------------------------------------------


def test_the_aggregate_hides_counts_under_five(monitored, lead):
    for _ in range(3):
        report(monitored)
    aggregate = public_aggregate(monitored)
    assert aggregate.total.suppressed
    by_status = dict(aggregate.by_status)
    assert by_status["Received"].suppressed
    assert by_status["Resolved"].value == 0  # zero reveals no one
    assert aggregate.resolved.value == 0
    assert all(count.value == 0 for _label, count in aggregate.by_severity)
    assert aggregate.median_days_to_resolve is None


def test_the_aggregate_counts_and_gives_a_median_from_five_resolved(monitored, lead):
    incidents = [report(monitored, contact_email=f"p{n}@example.org") for n in range(7)]
    for n, incident in enumerate(incidents[:5]):
        triaged(incident, lead, Severity.SERIOUS if n == 0 else Severity.LOW)
    for incident in incidents[:4]:
        services.incident_resolve(actor=lead, incident=incident, public_response="Fixed.")
    aggregate = public_aggregate(monitored)
    assert aggregate.total.value == 7
    assert aggregate.resolved.suppressed
    assert aggregate.median_days_to_resolve is None  # four resolved: no median yet
    by_severity = dict(aggregate.by_severity)
    assert by_severity["Serious incident (AI Act)"].suppressed
    assert by_severity["Low"].suppressed
    assert by_severity["High"].value == 0

    services.incident_resolve(actor=lead, incident=incidents[4], public_response="Fixed.")
    # Reported 2, 4, 6, 8 and 10 days before they were resolved today: median 6.
    for n, incident in enumerate(incidents[:5]):
        Incident.objects.filter(pk=incident.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=2 * (n + 1))
        )
    aggregate = public_aggregate(monitored)
    assert aggregate.resolved.value == 5
    assert dict(aggregate.by_status)["Resolved"].value == 5
    assert aggregate.median_days_to_resolve == 6


def test_the_aggregate_reads_two_queries(monitored, django_assert_num_queries):
    for n in range(6):
        report(monitored, contact_email=f"p{n}@example.org")
    with django_assert_num_queries(2):
        public_aggregate(monitored)


def test_a_report_entered_without_notice_mails_no_officer(
    monitored, mailoutbox, django_capture_on_commit_callbacks
):
    from participai.contracts import services

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        incident = services.incident_report(
            procurement=monitored,  # this module's fixture: the procurement itself
            description="The chatbot did not recognise my street's Welsh name.",
            contact_email="someone@example.org",
            notify=False,
        )
    assert incident.reference
    assert callbacks == [] and mailoutbox == []
