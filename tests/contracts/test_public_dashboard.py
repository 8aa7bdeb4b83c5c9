"""The public monitoring dashboard at /p/<slug>/monitoring/ through real HTTP:
what the public sees of a deployed system (public KPIs with chart and table,
suppression under five cases, payments, public audits, incidents in
aggregate, "you said, we did"), what it never sees (internal KPIs, internal
audits, finding details, who decided a payment), the page of a system not
deployed yet, previews for members, 404 for drafts to everyone else, and a
number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.contracts import services
from participai.contracts.models import (
    Audit,
    Contract,
    Finding,
    Incident,
    IncidentStatus,
    Kpi,
    Measurement,
    PaymentDecision,
    Severity,
)
from participai.contracts.selectors_public import problem_summary
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from . import KPI, awarded_tender, complete_contract

pytestmark = pytest.mark.django_db


def deploy(procurement: Procurement, officer, *, stage: str = "contract_monitoring") -> Contract:
    """Sign a complete contract of ``procurement`` and place it at ``stage``."""
    Procurement.objects.filter(pk=procurement.pk).update(
        stage="contract_negotiation", phase=lifecycle.stage("contract_negotiation").phase
    )
    procurement.refresh_from_db()
    awarded_tender(procurement, officer)
    contract = complete_contract(procurement, officer)
    contract = services.contract_sign(
        actor=officer, contract=contract, signed_on=datetime.date(2026, 1, 1)
    )
    Procurement.objects.filter(pk=procurement.pk).update(
        stage=stage, phase=lifecycle.stage(stage).phase
    )
    procurement.refresh_from_db()
    return contract


def measure(kpi: Kpi, day: datetime.date, value: str, officer, *, group="", cases=None):
    return Measurement.objects.create(
        kpi=kpi,
        measured_on=day,
        value=Decimal(value),
        group=group,
        cases=cases,
        source="staff",
        recorded_by=officer,
    )


def add_kpi(contract: Contract, **overrides) -> Kpi:
    values = {**KPI, **overrides}
    return Kpi.objects.create(contract=contract, **values)


@pytest.fixture
def deployed(make_procurement, officer) -> Procurement:
    procurement = make_procurement(published=True)
    deploy(procurement, officer)
    return procurement


def url(procurement: Procurement) -> str:
    return f"/p/{procurement.slug}/monitoring/"


def test_the_public_sees_what_the_system_does_and_its_public_kpis(client, deployed, officer):
    contract = deployed.contract
    kpi = contract.kpis.get()
    measure(kpi, datetime.date(2026, 2, 1), "91.5", officer)
    measure(kpi, datetime.date(2026, 3, 1), "80.25", officer)
    add_kpi(contract, name="Internal cost per referral", is_public=False, position=5)

    response = client.get(url(deployed))

    assert response.status_code == 200
    html = response.content.decode()
    assert deployed.mission in html
    assert "Acme Analytics" in html
    assert KPI["name"] in html
    assert "<svg" in html and 'role="img"' in html
    # The data table, and the latest value with its status.
    assert "<caption>" in html and "80.25" in html and "91.5" in html
    assert "threshold breached" in html
    # An internal KPI is never shown.
    assert "Internal cost per referral" not in html
    assert f'href="/p/{deployed.slug}/monitoring/report/"' in html


def test_a_fairness_figure_under_five_cases_is_shown_as_fewer_than_five(client, deployed, officer):
    kpi = add_kpi(
        deployed.contract,
        name="Urgent referrals seen the same day, by group",
        disaggregate_by="Older people\nPeople with a disability",
    )
    measure(kpi, datetime.date(2026, 2, 1), "93.17", officer, group="Older people", cases=40)
    measure(
        kpi, datetime.date(2026, 2, 1), "61.33", officer, group="People with a disability", cases=3
    )

    html = client.get(url(deployed)).content.decode()

    assert "93.17" in html
    assert "61.33" not in html
    assert "fewer than 5" in html


def test_payments_audits_and_incidents_as_the_public_sees_them(client, deployed, officer):
    contract = deployed.contract
    milestone = contract.milestones.get()
    PaymentDecision.objects.create(
        milestone=milestone,
        outcome="withheld",
        amount=Decimal("30000"),
        reason="The same-day rate stayed under target for two months.",
        decided_on=datetime.date(2026, 4, 1),
        decided_by=officer,
    )
    public = Audit.objects.create(
        contract=contract,
        kind="participatory",
        title="Community review of triage outcomes",
        scope="Outcomes of 200 cases",
        auditor="Residents' panel",
        participants="Six residents and two advocates",
        started_on=datetime.date(2026, 3, 1),
        created_by=officer,
    )
    Finding.objects.create(
        audit=public,
        title="Letters are hard to read",
        description="Case 41 of Mrs X was misread",
        severity="high",
        owner="Service lead",
        due_on=datetime.date(2026, 5, 1),
    )
    Audit.objects.create(
        contract=contract,
        kind="internal",
        title="Internal security review",
        scope="Access logs",
        auditor="IT",
        started_on=datetime.date(2026, 3, 1),
        is_public=False,
        created_by=officer,
    )
    for _ in range(6):
        Incident.objects.create(procurement=deployed, description="It refused my referral.")
    Incident.objects.create(
        procurement=deployed,
        description="Wrong letter.",
        status=IncidentStatus.TRIAGED,
        severity=Severity.HIGH,
    )

    html = client.get(url(deployed)).content.decode()

    assert "The same-day rate stayed under target for two months." in html
    assert "Withheld" in html and "30000.00" in html
    assert officer.username not in html
    assert "Community review of triage outcomes" in html
    assert "Letters are hard to read" in html and "High" in html
    assert "Case 41 of Mrs X" not in html
    assert "Internal security review" not in html
    # 7 reports in all, 6 received (shown), 1 triaged (fewer than 5).
    assert ">7<" in html or "Reports: 7" in html
    assert "fewer than 5" in html
    assert "It refused my referral." not in html


def answer(procurement: Procurement, user, *, change: str, published: bool = True):
    """A "you said, we did" answer in a (published) process of ``procurement``."""
    from django.utils import timezone

    from participai.participation.models import Process, Response

    n = Process.objects.count() + 1
    now = timezone.now()
    process = Process.objects.create(
        procurement=procurement,
        stage="contract_monitoring",
        slug=f"review-{n}",
        title=f"How is the triage doing? {n}",
        question="What has changed for you?",
        negotiable="Whether we keep the system.",
        decision_stage="diagnosis",
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=10),
        is_published=published,
        created_by=user,
    )
    return Response.objects.create(
        procurement=procurement,
        process=process,
        status="adopted",
        change_kind="requirement",
        change=change,
        reason="Many people asked for it.",
        reason_html="<p>Many people asked for it.</p>",
        created_by=user,
    )


def test_you_said_we_did_shows_the_public_answers(client, deployed, officer):
    answer(deployed, officer, change="Letters now name a person to call.")
    answer(deployed, officer, change="A secret change in a draft process.", published=False)

    html = client.get(url(deployed)).content.decode()

    assert "You said, we did" in html
    assert "Letters now name a person to call." in html
    assert "A secret change in a draft process." not in html


def test_a_system_not_deployed_says_so_with_the_report_link_only_when_monitoring(
    client, make_procurement
):
    early = make_procurement(published=True, stage="contract_negotiation", title="Early")
    response = client.get(url(early))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not deployed yet" in html
    assert f"/p/{early.slug}/monitoring/report/" not in html

    monitored = make_procurement(published=True, stage="contract_monitoring", title="Late")
    html = client.get(url(monitored)).content.decode()
    assert "Not deployed yet" in html
    assert f"/p/{monitored.slug}/monitoring/report/" in html


def test_a_draft_is_a_preview_for_members_and_404_for_everyone_else(
    client, make_procurement, officer, resident, other_org, make_member
):
    from participai.accounts.roles import Role

    draft = make_procurement(published=False)
    deploy(draft, officer)

    assert client.get(url(draft)).status_code == 404
    client.force_login(resident)
    assert client.get(url(draft)).status_code == 404
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert client.get(url(draft)).status_code == 404

    client.force_login(officer)
    response = client.get(url(draft))
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()


def test_unknown_procurement_is_404(client, db):
    assert client.get("/p/no-such-thing/monitoring/").status_code == 404


def test_queries_do_not_grow_with_kpis_and_measurements(client, deployed, officer):
    contract = deployed.contract

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(deployed)).status_code == 200
        return len(queries)

    def audit_with_findings(n: int, findings: int) -> None:
        audit = Audit.objects.create(
            contract=contract,
            kind="independent",
            title=f"Audit {n}",
            scope="All",
            auditor="Firm",
            started_on=datetime.date(2026, 3, 1),
            created_by=officer,
        )
        for m in range(findings):
            Finding.objects.create(
                audit=audit,
                title=f"F{m}",
                description="…",
                severity="low",
                owner="x",
                due_on=datetime.date(2026, 5, 1),
            )

    def decide(n: int) -> None:
        PaymentDecision.objects.create(
            milestone=contract.milestones.get(),
            outcome="withheld",
            amount=Decimal("100"),
            reason=f"Reason {n} long enough to be a reason.",
            decided_on=datetime.date(2026, 4, 1),
            decided_by=officer,
        )

    # One row of each kind first: an empty prefetch costs no query.
    measure(contract.kpis.get(), datetime.date(2026, 1, 1), "90", officer)
    audit_with_findings(0, 1)
    decide(0)
    few = count()
    for n in range(6):
        kpi = add_kpi(contract, name=f"KPI {n}", disaggregate_by="A\nB", position=n + 1)
        for month in range(1, 13):
            day = datetime.date(2026, month, 1)
            measure(kpi, day, str(80 + month), officer, group="A", cases=10)
            measure(kpi, day, str(70 + month), officer, group="B", cases=2)
    for n in range(1, 4):
        decide(n)
        audit_with_findings(n, 3)
    assert count() == few


def test_problem_summary_keeps_the_first_paragraph_short():
    assert problem_summary("First part.\n\nSecond part.") == "First part."
    long = "word " * 300
    summary = problem_summary(long)
    assert summary.endswith("…") and len(summary) <= 601
