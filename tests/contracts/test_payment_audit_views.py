"""The payments and audits pages through real HTTP: who reads and who writes
(officers decide payments; the team and auditors record audits; everyone
else in the organisation reads; non-members and suppliers get 404; the wrong
stage 403); bad input re-renders with its message and saves nothing; pages
whose queries do not grow."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import (
    Audit,
    Contract,
    Finding,
    FindingStatus,
    PaymentDecision,
    PaymentMilestone,
    SupplierAccess,
)
from participai.procurements.models import Procurement

from . import events
from .test_payments import REASON, WITHHOLD, measure, milestones, monitored_contract


@pytest.fixture
def contract(make_procurement, officer) -> Contract:
    return monitored_contract(make_procurement(stage="contract_negotiation"), officer)


@pytest.fixture
def payments_url(contract) -> str:
    return f"/workspace/procurements/{contract.procurement.slug}/contract/payments/"


@pytest.fixture
def audits_url(contract) -> str:
    return f"/workspace/procurements/{contract.procurement.slug}/contract/audits/"


def audit_form(**overrides) -> dict:
    data = {
        "kind": "participatory",
        "title": "Community review of outcomes",
        "scope": "Forty closed cases.",
        "auditor": "Northbridge Disability Forum",
        "participants": "Six residents; two advocates.",
        "started_on": "2026-05-04",
        "reported_on": "",
        "summary": "",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def finding_form(**overrides) -> dict:
    data = {
        "title": "Interpreter needs not flagged",
        "description": "Scored as routine.",
        "severity": "high",
        "owner": "Head of service",
        "due_on": "2026-09-30",
    }
    data.update(overrides)
    return data


def an_audit(contract, officer) -> Audit:
    return services.audit_record(
        actor=officer,
        contract=contract,
        kind="internal",
        title="Data protection check",
        scope="Retention and access logs.",
        auditor="Data protection officer",
        started_on=datetime.date(2026, 5, 4),
    )


# --- Payments ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.ORG_ADMIN])
def test_officers_release_and_withhold_through_the_pages(
    client, make_member, org, officer, contract, payments_url, role
):
    member = make_member(org, role)
    client.force_login(member)
    tied, plain = milestones(contract)
    page = client.get(payments_url).content.decode()
    assert f'href="{payments_url}{tied.pk}/release/"' in page
    assert f'href="{payments_url}{plain.pk}/withhold/"' in page
    form = client.get(f"{payments_url}{plain.pk}/release/").content.decode()
    assert 'value="50000.00"' in form and 'name="measurement"' not in form

    response = client.post(
        f"{payments_url}{plain.pk}/release/",
        {"amount": "20000", "decided_on": "2026-07-10", "reason": REASON},
    )
    assert response.status_code == 302 and response["Location"] == payments_url
    response = client.post(
        f"{payments_url}{tied.pk}/withhold/", {"decided_on": "2026-07-01", "reason": WITHHOLD}
    )
    assert response.status_code == 302
    assert events("contracts.payment_withheld").get().actor_id == member.pk

    # The KPI-tied milestone offers its KPI's measurements.
    measurement = measure(tied.kpi, officer, "96")
    form = client.get(f"{payments_url}{tied.pk}/release/").content.decode()
    assert f'<option value="{measurement.pk}">2026-06-30: 96 %</option>' in form
    response = client.post(
        f"{payments_url}{tied.pk}/release/",
        {
            "amount": "30000",
            "decided_on": "2026-07-10",
            "reason": REASON,
            "measurement": measurement.pk,
        },
    )
    assert response.status_code == 302
    page = client.get(payments_url).content.decode()
    assert WITHHOLD in page and REASON in page
    assert '<td data-label="Released" id="total-released">50000.00</td>' in page
    assert '<td data-label="Outstanding" id="total-outstanding">30000.00</td>' in page
    assert PaymentDecision.objects.count() == 3


def test_a_release_without_a_met_measurement_is_refused_on_the_form(
    client, officer, contract, payments_url
):
    client.force_login(officer)
    tied, _ = milestones(contract)
    below = measure(tied.kpi, officer, "90")
    response = client.post(
        f"{payments_url}{tied.pk}/release/",
        {"amount": "30000", "decided_on": "2026-07-10", "reason": REASON},
    )
    assert response.status_code == 400
    assert "measurement" in response.context["form"].errors
    response = client.post(
        f"{payments_url}{tied.pk}/release/",
        {"amount": "30000", "decided_on": "2026-07-10", "reason": REASON, "measurement": below.pk},
    )
    assert response.status_code == 400
    assert "does not meet the target" in response.content.decode()
    assert not PaymentDecision.objects.exists()


def test_an_over_release_and_a_short_reason_are_refused_on_the_form(
    client, officer, contract, payments_url
):
    client.force_login(officer)
    _, plain = milestones(contract)
    response = client.post(
        f"{payments_url}{plain.pk}/release/",
        {"amount": "50000.01", "decided_on": "2026-07-10", "reason": REASON},
    )
    assert response.status_code == 400 and "amount" in response.context["form"].errors
    response = client.post(
        f"{payments_url}{plain.pk}/withhold/", {"decided_on": "2026-07-10", "reason": "No."}
    )
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert not PaymentDecision.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.LEGAL_OFFICER, Role.AUDITOR, Role.PROJECT_LEAD, Role.DATA_EXPERT]
)
def test_other_members_read_the_ledger_but_do_not_decide(
    client, make_member, org, officer, contract, payments_url, role
):
    _, plain = milestones(contract)
    services.payment_release(
        actor=officer,
        milestone=plain,
        amount=Decimal("1000"),
        reason=REASON,
        decided_on=datetime.date(2026, 7, 10),
    )
    client.force_login(make_member(org, role))
    response = client.get(payments_url)
    page = response.content.decode()
    assert response.status_code == 200 and REASON in page and 'id="read-only"' in page
    assert "/release/" not in page and "/withhold/" not in page
    assert client.get(f"{payments_url}{plain.pk}/release/").status_code == 403
    response = client.post(
        f"{payments_url}{plain.pk}/release/",
        {"amount": "1000", "decided_on": "2026-07-10", "reason": REASON},
    )
    assert response.status_code == 403
    response = client.post(
        f"{payments_url}{plain.pk}/withhold/", {"decided_on": "2026-07-10", "reason": WITHHOLD}
    )
    assert response.status_code == 403
    assert PaymentDecision.objects.count() == 1


def test_payments_are_not_decided_at_the_wrong_stage(client, officer, contract, payments_url):
    _, plain = milestones(contract)
    Procurement.objects.filter(pk=contract.procurement_id).update(stage="contract_negotiation")
    client.force_login(officer)
    page = client.get(payments_url).content.decode()
    assert "/release/" not in page
    assert client.get(f"{payments_url}{plain.pk}/release/").status_code == 403
    response = client.post(
        f"{payments_url}{plain.pk}/release/",
        {"amount": "1000", "decided_on": "2026-07-10", "reason": REASON},
    )
    assert response.status_code == 403 and not PaymentDecision.objects.exists()


def test_non_members_and_suppliers_get_404(
    client, make_user, make_org, make_member, officer, contract, payments_url, audits_url
):
    _, plain = milestones(contract)
    supplier = make_user()
    SupplierAccess.objects.create(contract=contract, user=supplier, granted_by=officer)
    for user in (make_user(), make_member(make_org(), Role.PROCUREMENT_OFFICER), supplier):
        client.force_login(user)
        assert client.get(payments_url).status_code == 404
        assert client.get(f"{payments_url}{plain.pk}/release/").status_code == 404
        response = client.post(
            f"{payments_url}{plain.pk}/withhold/",
            {"decided_on": "2026-07-10", "reason": WITHHOLD},
        )
        assert response.status_code == 404
        assert client.get(audits_url).status_code == 404
        assert client.post(f"{audits_url}add/", audit_form()).status_code == 404
    assert not PaymentDecision.objects.exists() and not Audit.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, payments_url, audits_url):
    assert client.get(payments_url).status_code == 302
    assert client.get(audits_url).status_code == 302


def test_a_milestone_of_another_contract_is_404(
    client, officer, contract, payments_url, make_procurement
):
    other = monitored_contract(make_procurement(stage="contract_negotiation"), officer)
    elsewhere = PaymentMilestone.objects.filter(contract=other).first()
    client.force_login(officer)
    assert client.get(f"{payments_url}{elsewhere.pk}/release/").status_code == 404


def test_the_payments_page_reads_in_constant_queries(client, officer, contract, payments_url):
    client.force_login(officer)

    def fill(n: int) -> None:
        for i in range(n):
            milestone = PaymentMilestone.objects.create(
                contract=contract,
                title=f"Extra {i}",
                amount=Decimal("1000"),
                due_on=datetime.date(2026, 9, 1),
                condition="Delivered.",
                position=10 + i,
            )
            services.payment_release(
                actor=officer,
                milestone=milestone,
                amount=Decimal("400"),
                reason=REASON,
                decided_on=datetime.date(2026, 7, 10),
            )

    fill(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(payments_url).status_code == 200
    fill(8)
    with CaptureQueriesContext(connection) as big:
        assert client.get(payments_url).status_code == 200
    assert len(big) == len(small)


# --- Audits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER, Role.AUDITOR, Role.PROJECT_LEAD]
)
def test_the_team_and_auditors_record_audits_and_findings(
    client, make_member, org, contract, audits_url, role
):
    member = make_member(org, role)
    client.force_login(member)
    page = client.get(audits_url).content.decode()
    assert f'href="{audits_url}add/"' in page and "No audit recorded yet." in page
    assert client.post(f"{audits_url}add/", audit_form()).status_code == 302
    audit = Audit.objects.get()
    assert audit.created_by == member and audit.kind == "participatory"
    response = client.post(
        f"{audits_url}{audit.pk}/edit/", audit_form(reported_on="2026-06-01", summary="Done.")
    )
    assert response.status_code == 302
    assert client.post(f"{audits_url}{audit.pk}/findings/add/", finding_form()).status_code == 302
    finding = Finding.objects.get()
    response = client.post(
        f"{audits_url}findings/{finding.pk}/", {"note": "Flag added.", "status": "closed"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_on is not None
    page = client.get(audits_url).content.decode()
    assert "Community review of outcomes" in page and "Flag added." in page
    assert "Six residents; two advocates." in page
    assert '<tr id="status-closed"><th scope="row">Closed</th><td>1</td></tr>' in page
    history = client.get(f"{audits_url}findings/{finding.pk}/").content.decode()
    assert "Flag added." in history


def test_bad_audits_and_findings_re_render_with_their_message(
    client, officer, contract, audits_url
):
    client.force_login(officer)
    response = client.post(f"{audits_url}add/", audit_form(participants=""))
    assert response.status_code == 400
    assert "Name who among community members" in response.content.decode()
    assert not Audit.objects.exists()
    audit = an_audit(contract, officer)
    response = client.post(
        f"{audits_url}{audit.pk}/findings/add/", finding_form(due_on="2026-01-01")
    )
    assert response.status_code == 400 and "due_on" in response.context["form"].errors
    response = client.post(f"{audits_url}{audit.pk}/findings/add/", finding_form(severity=""))
    assert response.status_code == 400
    assert not Finding.objects.exists()


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.MODERATOR, Role.FACILITATOR])
def test_other_members_read_the_audits_but_do_not_record(
    client, make_member, org, officer, contract, audits_url, role
):
    audit = an_audit(contract, officer)
    finding = services.finding_add(
        actor=officer,
        audit=audit,
        title="Logs kept too long",
        description="Two years instead of six months.",
        severity="medium",
        owner="Data protection officer",
        due_on=datetime.date(2026, 6, 1),
    )
    client.force_login(make_member(org, role))
    page = client.get(audits_url).content.decode()
    assert "Logs kept too long" in page and 'id="read-only"' in page
    # Due on 1 June 2026 and still open: overdue.
    assert f'id="overdue-{finding.pk}"' in page
    assert f"{audits_url}add/" not in page and "/findings/" not in page
    assert client.get(f"{audits_url}add/").status_code == 403
    assert client.post(f"{audits_url}add/", audit_form()).status_code == 403
    assert client.post(f"{audits_url}{audit.pk}/edit/", audit_form()).status_code == 403
    assert client.post(f"{audits_url}{audit.pk}/findings/add/", finding_form()).status_code == 403
    response = client.post(
        f"{audits_url}findings/{finding.pk}/", {"note": "Closed.", "status": "closed"}
    )
    assert response.status_code == 403
    assert Audit.objects.count() == 1 and Finding.objects.count() == 1
    assert not finding.updates.exists()


def test_audits_are_not_recorded_at_the_wrong_stage(client, officer, contract, audits_url):
    audit = an_audit(contract, officer)
    Procurement.objects.filter(pk=contract.procurement_id).update(stage="contract_negotiation")
    client.force_login(officer)
    page = client.get(audits_url).content.decode()
    assert f"{audits_url}add/" not in page
    assert client.post(f"{audits_url}add/", audit_form()).status_code == 403
    assert client.post(f"{audits_url}{audit.pk}/findings/add/", finding_form()).status_code == 403
    assert Audit.objects.count() == 1 and not Finding.objects.exists()


def test_an_audit_of_another_contract_is_404(
    client, officer, contract, audits_url, make_procurement
):
    other = monitored_contract(make_procurement(stage="contract_negotiation"), officer)
    elsewhere = an_audit(other, officer)
    client.force_login(officer)
    assert client.get(f"{audits_url}{elsewhere.pk}/edit/").status_code == 404
    assert (
        client.post(f"{audits_url}{elsewhere.pk}/findings/add/", finding_form()).status_code == 404
    )
    assert not Finding.objects.exists()


def test_the_audits_page_reads_in_constant_queries(client, officer, contract, audits_url):
    client.force_login(officer)

    def fill(n: int) -> None:
        for _ in range(n):
            audit = an_audit(contract, officer)
            finding = services.finding_add(
                actor=officer,
                audit=audit,
                title="Logs kept too long",
                description="Two years.",
                severity="medium",
                owner="DPO",
                due_on=datetime.date(2026, 6, 1),
            )
            services.finding_update(
                actor=officer, finding=finding, note="Started.", status="in_progress"
            )

    fill(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(audits_url).status_code == 200
    fill(6)
    with CaptureQueriesContext(connection) as big:
        assert client.get(audits_url).status_code == 200
    assert len(big) == len(small)
