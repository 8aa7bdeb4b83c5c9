"""Audits and their findings: recording and changing an audit (a participatory
one names who took part), adding findings, following them up until closed
(closing sets the date, reopening clears it); refusals change nothing; the
audit trail; the audits page's counts, overdue findings and constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import Audit, Contract, Finding, FindingStatus, FindingUpdate
from participai.contracts.selectors_audits import audits_page
from participai.procurements.models import Procurement

from . import awarded_tender, complete_contract, events
from .test_payments import monitored_contract

STARTED = datetime.date(2026, 5, 4)


@pytest.fixture
def contract(make_procurement, officer) -> Contract:
    return monitored_contract(make_procurement(stage="contract_negotiation"), officer)


def audit_values(**overrides) -> dict:
    values = {
        "kind": "participatory",
        "title": "Community review of urgent-referral outcomes",
        "scope": "Forty closed cases and the triage scores given to them.",
        "auditor": "Northbridge Disability Forum",
        "participants": "Six residents who used the service; two advocates from the forum.",
        "started_on": STARTED,
        "reported_on": None,
        "summary": "",
        "is_public": True,
    }
    values.update(overrides)
    return values


def finding_values(**overrides) -> dict:
    values = {
        "title": "Interpreter needs not flagged",
        "description": "Referrals needing an interpreter were scored as routine.",
        "severity": "high",
        "owner": "Head of adult social care",
        "due_on": datetime.date(2026, 9, 30),
    }
    values.update(overrides)
    return values


def record(actor, contract, **overrides) -> Audit:
    return services.audit_record(actor=actor, contract=contract, **audit_values(**overrides))


# --- Audits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD, Role.LEGAL_OFFICER, Role.AUDITOR]
)
def test_the_team_and_auditors_record_audits(make_member, org, contract, role):
    member = make_member(org, role)
    audit = record(member, contract)
    assert audit.contract == contract and audit.created_by == member
    assert audit.participants.startswith("Six residents")
    event = events("contracts.audit_record").get()
    assert event.actor_id == member.pk and event.data["kind"] == "participatory"
    assert event.data["audit"] == audit.pk


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.MODERATOR, Role.FACILITATOR])
def test_other_roles_do_not_record_audits(make_member, org, contract, role):
    member = make_member(org, role)
    with pytest.raises(PermissionDenied):
        record(member, contract)
    assert not Audit.objects.exists()


def test_a_stranger_cannot_record_an_audit(make_user, contract):
    with pytest.raises(PermissionDenied):
        record(make_user(), contract)
    assert not Audit.objects.exists()


def test_audits_are_recorded_only_while_monitoring(officer, contract):
    Procurement.objects.filter(pk=contract.procurement_id).update(stage="contract_negotiation")
    with pytest.raises(PermissionDenied):
        record(officer, contract)
    assert not Audit.objects.exists()


def test_an_unsigned_contract_has_no_audits(officer, make_procurement):
    procurement = make_procurement(stage="contract_negotiation")
    awarded_tender(procurement, officer)
    contract = complete_contract(procurement, officer)
    Procurement.objects.filter(pk=procurement.pk).update(stage="contract_monitoring")
    with pytest.raises(ValidationError):
        record(officer, contract)
    assert not Audit.objects.exists()


def test_internal_and_independent_audits_need_no_participants(officer, contract):
    assert record(officer, contract, kind="internal", participants="").pk
    assert record(officer, contract, kind="independent", participants="").pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"participants": ""}, "participants"),
        ({"participants": "   "}, "participants"),
        ({"kind": "casual"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"scope": ""}, "scope"),
        ({"auditor": ""}, "auditor"),
        ({"started_on": None}, "started_on"),
        ({"reported_on": datetime.date(2026, 5, 1)}, "reported_on"),
        ({"started_on": "tomorrow"}, "started_on"),
    ],
)
def test_bad_audits_change_nothing(officer, contract, overrides, field):
    if overrides.get("started_on") == "tomorrow":
        overrides["started_on"] = timezone.localdate() + datetime.timedelta(days=1)
    before = events().count()
    with pytest.raises(ValidationError) as error:
        record(officer, contract, **overrides)
    assert field in error.value.message_dict
    assert not Audit.objects.exists() and events().count() == before


def test_an_audit_is_updated_with_an_audit_of_what_changed(officer, contract):
    audit = record(officer, contract)
    services.audit_update(
        actor=officer,
        audit=audit,
        **audit_values(reported_on=datetime.date(2026, 6, 1), summary="Two findings."),
    )
    audit.refresh_from_db()
    assert audit.reported_on == datetime.date(2026, 6, 1) and audit.summary == "Two findings."
    event = events("contracts.audit_update").get()
    assert event.data["changed"] == ["reported_on", "summary"]
    assert event.data["before"]["reported_on"] is None
    # The same values again: nothing changed, no event.
    services.audit_update(
        actor=officer,
        audit=audit,
        **audit_values(reported_on=datetime.date(2026, 6, 1), summary="Two findings."),
    )
    assert events("contracts.audit_update").count() == 1


def test_a_bad_update_changes_nothing(officer, contract):
    audit = record(officer, contract)
    with pytest.raises(ValidationError) as error:
        services.audit_update(actor=officer, audit=audit, **audit_values(participants=""))
    assert "participants" in error.value.message_dict
    audit.refresh_from_db()
    assert audit.participants.startswith("Six residents")
    assert not events("contracts.audit_update").exists()


# --- Findings ----------------------------------------------------------------------------


def test_findings_are_added_and_followed_up_until_closed(officer, make_member, org, contract):
    audit = record(officer, contract)
    finding = services.finding_add(actor=officer, audit=audit, **finding_values())
    assert finding.status == FindingStatus.OPEN and finding.closed_on is None
    assert events("contracts.finding_add").get().data["severity"] == "high"

    auditor = make_member(org, Role.AUDITOR)
    services.finding_update(
        actor=auditor, finding=finding, note="Interpreter flag added.", status="in_progress"
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.IN_PROGRESS and finding.closed_on is None

    services.finding_update(
        actor=officer, finding=finding, note="Checked on 40 new cases.", status="closed"
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    assert finding.closed_on == timezone.localdate()

    services.finding_update(
        actor=officer, finding=finding, note="Seen again in October.", status="open"
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.closed_on is None

    updates = list(FindingUpdate.objects.filter(finding=finding))
    assert [u.status for u in updates] == ["in_progress", "closed", "open"]
    assert updates[0].created_by == auditor
    trail = events("contracts.finding_update").order_by("seq")
    assert [(e.data["status_before"], e.data["status"]) for e in trail] == [
        ("open", "in_progress"),
        ("in_progress", "closed"),
        ("closed", "open"),
    ]


def test_a_progress_note_keeps_the_status(officer, contract):
    audit = record(officer, contract)
    finding = services.finding_add(actor=officer, audit=audit, **finding_values())
    services.finding_update(actor=officer, finding=finding, note="Meeting held.", status="open")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.updates.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": ""}, "description"),
        ({"severity": "dire"}, "severity"),
        ({"owner": ""}, "owner"),
        ({"due_on": None}, "due_on"),
        ({"due_on": datetime.date(2026, 5, 1)}, "due_on"),
    ],
)
def test_bad_findings_change_nothing(officer, contract, overrides, field):
    audit = record(officer, contract)
    before = events().count()
    with pytest.raises(ValidationError) as error:
        services.finding_add(actor=officer, audit=audit, **finding_values(**overrides))
    assert field in error.value.message_dict
    assert not Finding.objects.exists() and events().count() == before


@pytest.mark.parametrize(
    ("note", "status", "field"), [("", "closed", "note"), ("Done.", "finished", "status")]
)
def test_bad_follow_ups_change_nothing(officer, contract, note, status, field):
    audit = record(officer, contract)
    finding = services.finding_add(actor=officer, audit=audit, **finding_values())
    with pytest.raises(ValidationError) as error:
        services.finding_update(actor=officer, finding=finding, note=note, status=status)
    assert field in error.value.message_dict
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and not finding.updates.exists()
    assert not events("contracts.finding_update").exists()


def test_findings_need_the_right(make_member, org, officer, contract):
    audit = record(officer, contract)
    finding = services.finding_add(actor=officer, audit=audit, **finding_values())
    evaluator = make_member(org, Role.EVALUATOR)
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=evaluator, audit=audit, **finding_values())
    with pytest.raises(PermissionDenied):
        services.finding_update(actor=evaluator, finding=finding, note="Done.", status="closed")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and Finding.objects.count() == 1


# --- The audits page ---------------------------------------------------------------------


def test_the_page_counts_findings_and_flags_the_overdue(officer, contract):
    audit = record(officer, contract)
    internal = record(officer, contract, kind="internal", title="Data protection check")
    Audit.objects.filter(pk=internal.pk).update(is_public=False)
    late = services.finding_add(
        actor=officer, audit=audit, **finding_values(due_on=datetime.date(2026, 6, 1))
    )
    late_but_closed = services.finding_add(
        actor=officer,
        audit=audit,
        **finding_values(
            title="Letters unclear", severity="low", due_on=datetime.date(2026, 6, 2)
        ),
    )
    services.finding_update(actor=officer, finding=late_but_closed, note="Fixed.", status="closed")
    services.finding_add(
        actor=officer,
        audit=internal,
        **finding_values(title="Retention too long", severity="critical"),
    )
    today = datetime.date(2026, 7, 1)
    page = audits_page(contract, today=today)
    # Latest started first; the same day: latest recorded first.
    assert [row.audit.pk for row in page.audits] == [internal.pk, audit.pk]
    assert page.findings_total == 3
    counts = {c.key: (c.count, c.open) for c in page.by_severity}
    assert counts == {"low": (1, 0), "medium": (0, 0), "high": (1, 1), "critical": (1, 1)}
    assert {c.key: c.count for c in page.by_status} == {"open": 2, "in_progress": 0, "closed": 1}
    assert [row.finding.pk for row in page.overdue] == [late.pk]
    rows = {row.audit.pk: row for row in page.audits}
    assert (rows[audit.pk].open_count, rows[audit.pk].closed_count) == (1, 1)
    assert [len(f.updates) for f in rows[audit.pk].findings] == [0, 1]
    # On the due date itself a finding is not yet overdue.
    assert audits_page(contract, today=datetime.date(2026, 6, 1)).overdue == []
    # The public view leaves the internal audit out, and its findings from the counts.
    public = audits_page(contract, public_only=True, today=today)
    assert [row.audit.pk for row in public.audits] == [audit.pk]
    assert {c.key: c.count for c in public.by_severity}["critical"] == 0


def test_the_page_reads_in_constant_queries(officer, contract, django_assert_max_num_queries):
    def fill(n: int) -> None:
        for i in range(n):
            audit = record(officer, contract, title=f"Audit {i}")
            for j in range(2):
                finding = services.finding_add(
                    actor=officer, audit=audit, **finding_values(title=f"Finding {i}.{j}")
                )
                services.finding_update(
                    actor=officer, finding=finding, note="Started.", status="in_progress"
                )

    fill(1)
    with django_assert_max_num_queries(3):
        page = audits_page(contract)
        [str(u.created_by) for a in page.audits for f in a.findings for u in f.updates]
        [f.finding.audit.title for f in page.overdue]
    fill(5)
    with django_assert_max_num_queries(3):
        page = audits_page(contract)
        [str(u.created_by) for a in page.audits for f in a.findings for u in f.updates]
        [f.finding.audit.title for f in page.overdue]
    assert page.findings_total == 12
