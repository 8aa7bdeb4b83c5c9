"""Contract monitoring in a real browser, from a breach to the public dashboard.

The officer records a month's accuracy below the threshold and sees the
breach alert, the chart and its data table; withholds the first-quarter
payment with a reason and releases it on a measurement that meets the
target; records a participatory audit with a finding and follows it up to
closed. A resident, not logged in, reports a problem and gets a reference;
the officer triages it, adds a public update and resolves it; the
reporter's status page shows the public answer and never the staff note.
The public dashboard shows it all, and axe-core finds nothing serious on it
nor on the report form.

Set up in Python, through the services: a procurement at contract
monitoring whose chatbot contract (two KPIs, three milestones) is signed,
its supplier's access, and four months of measurements from the demo
(``participai.contracts.demo``), leaving out the month the browser records.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, Response, expect

from participai.contracts import demo as contract_demo
from participai.contracts.models import (
    Contract,
    Finding,
    FindingStatus,
    Incident,
    IncidentStatus,
    KpiAlert,
    PaymentDecision,
)
from participai.procurements.models import Procurement
from participai.tendering import demo as tender_demo
from tests.conftest import PASSWORD
from tests.contracts import awarded_tender

from .conftest import TIMEOUT_MS, login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Council-tax enquiries chatbot"
WITHHOLD_REASON = "Accuracy fell to 88 % in the period ending 1 November, below the threshold."
RELEASE_REASON = "The sample for the period ending 1 January shows 96 % of answers correct."
AUDIT = "Residents' review of the chatbot's answers"
PARTICIPANTS = "Two residents who pay council tax; Citizens Advice Northbridge."
FINDING = "Arrears not always handed to a person"
REPORT = "The chatbot could not find my street, Heol y Nant, and kept asking me to spell it."
STAFF_NOTE = "Address lookup only knows the English street list: internal ticket CC-4411."
PUBLIC_UPDATE = "We can reproduce this: the supplier is loading the bilingual street list."
ANSWER = "Fixed: the chatbot now knows every street name in both Welsh and English."


def exact(label: str) -> re.Pattern[str]:
    """A field's accessible name: its label, then the "required" star if any."""
    return re.compile(rf"^{re.escape(label)}( \*)?$")


@pytest.fixture
def server_errors(axe_page: Page) -> list[str]:
    """Every response of status 500 or more the officer's page receives."""
    errors: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    axe_page.on("response", record)
    return errors


@pytest.fixture
def resident_page(browser: Browser, live_server) -> Iterator[Page]:
    """A second context, for a resident who is not logged in; it bypasses the
    CSP so that axe-core may be injected."""
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@dataclass
class Scene:
    procurement: Procurement
    contract: Contract


@pytest.fixture
def scene(make_procurement, officer) -> Scene:
    """The demo's chatbot contract, signed, at contract monitoring, with
    measurements for the periods ending 1 September, 1 October, 1 December
    and 1 January (1 November is left for the browser)."""
    procurement = make_procurement(
        stage="contract_negotiation",
        published=True,
        title=TITLE,
        mission="Residents get accurate answers about council tax at any hour.",
    )
    awarded_tender(procurement, officer, price="88000.00")
    tender_demo.chatbot_stage(procurement, {"nb-officer": officer, "nb-legal": officer}, {}, {})
    Procurement.objects.filter(pk=procurement.pk).update(stage="contract_monitoring")
    procurement.refresh_from_db()
    contract = Contract.objects.get(procurement=procurement)
    supplier = contract_demo.supplier_join(officer=officer, contract=contract, password=PASSWORD)
    rows = tuple(
        row
        for row in contract_demo.YEAR
        if row[0] in ("2025-09-01", "2025-10-01", "2025-12-01", "2026-01-01")
    )
    contract_demo.record_year(contract=contract, supplier=supplier, staff=officer, rows=rows)
    assert not KpiAlert.objects.filter(kpi__contract=contract).exists()
    return Scene(procurement=procurement, contract=contract)


# --- 1. A breach, its alert, the chart and its data -------------------------------------


def record_a_breach(page: Page, base: str, scene: Scene, errors: list[str]) -> None:
    kpi = scene.contract.kpis.get(name=contract_demo.ACCURACY)
    page.goto(f"{base}/contract/monitoring/")
    expect(page.locator("#alerts")).to_contain_text("No alert.")
    panel = page.locator(f"#kpi-{kpi.pk}")
    panel.locator("summary", has_text="Record a measurement").click()
    panel.get_by_label(exact("Period ending on")).fill("2025-11-01")
    panel.get_by_label(exact("Value (%)")).fill("88")
    panel.get_by_label(exact("Note")).fill("Discount pages changed; answer base not re-indexed.")
    panel.get_by_role("button", name="Record the measurement").click()
    expect(page.get_by_text("Measurement of “Answer accuracy” recorded.")).to_be_visible()

    # The alert, in the table of alerts and on the KPI's panel.
    alerts = page.locator("#alerts table")
    row = alerts.get_by_role("row", name=re.compile(contract_demo.ACCURACY))
    expect(row).to_contain_text("Threshold breached")
    expect(row).to_contain_text("2025-11-01")
    expect(row.get_by_role("button", name="Mark resolved")).to_be_visible()
    panel = page.locator(f"#kpi-{kpi.pk}")
    expect(panel.locator("li", has_text="Threshold breached")).to_contain_text("2025-11-01")
    assert KpiAlert.objects.filter(kpi=kpi, period=datetime.date(2025, 11, 1)).count() == 1

    # The chart is an image with a name, and its data are in a table.
    expect(panel.locator("svg[role=img]")).to_have_count(1)
    panel.locator("summary", has_text="The data (5 measurements)").click()
    data = panel.get_by_role("table", name="Measurements of Answer accuracy, newest first")
    expect(data.get_by_role("row", name=re.compile(r"^2025-11-01"))).to_contain_text("88 %")
    expect(data.locator("tbody tr")).to_have_count(5)
    assert not errors, errors


# --- 2. A payment withheld, then released on a measurement that meets the target --------


def withhold_then_release(page: Page, base: str, scene: Scene, errors: list[str]) -> None:
    today = timezone.localdate().isoformat()
    page.goto(f"{base}/contract/payments/")
    expect(page.get_by_text("No payment decided yet.")).to_be_visible()
    page.get_by_role("link", name="Withhold First quarter").click()
    expect(page.get_by_role("heading", name="Withhold “First quarter”", level=1)).to_be_visible()
    form = page.locator("main form")
    form.get_by_label(exact("Decided on")).fill(today)
    form.get_by_label(exact("Why the payment is withheld")).fill(WITHHOLD_REASON)
    form.get_by_role("button", name="Record the withholding").click()
    expect(
        page.get_by_text("Payment withheld: the decision and its reason are in the ledger.")
    ).to_be_visible()
    ledger = page.get_by_role("table", name="Payment decisions, oldest first")
    withheld = ledger.get_by_role("row", name=re.compile("First quarter"))
    expect(withheld).to_have_count(1)
    expect(withheld).to_contain_text("Withheld")
    expect(withheld).to_contain_text(WITHHOLD_REASON)
    milestones = page.get_by_role("table", name=re.compile(r"^Payment milestones"))
    expect(milestones.get_by_role("row", name=re.compile("First quarter"))).to_contain_text(
        "30800.00"
    )
    # Withheld already: only release is offered now.
    expect(page.get_by_role("link", name="Withhold First quarter")).to_have_count(0)

    page.get_by_role("link", name="Release First quarter").click()
    form = page.locator("main form")
    form.get_by_label(exact("Amount released")).fill("30800.00")
    form.get_by_label(exact("Decided on")).fill(today)
    form.get_by_label(exact("Measurement showing the KPI met")).select_option(
        label="2026-01-01: 96 %"
    )
    form.get_by_label(exact("What shows the condition is met")).fill(RELEASE_REASON)
    form.get_by_role("button", name="Record the release").click()
    expect(page.get_by_text("Payment released: the decision is in the ledger.")).to_be_visible()
    ledger = page.get_by_role("table", name="Payment decisions, oldest first")
    rows = ledger.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Withheld")
    expect(rows.nth(1)).to_contain_text("Released")
    expect(rows.nth(1)).to_contain_text(RELEASE_REASON)
    expect(page.locator("#total-released")).to_have_text("30800.00")
    outcomes = list(
        PaymentDecision.objects.filter(milestone__contract=scene.contract)
        .order_by("id")
        .values_list("outcome", "measurement__measured_on")
    )
    assert outcomes == [("withheld", None), ("released", datetime.date(2026, 1, 1))]
    assert not errors, errors


# --- 3. A participatory audit, a finding, followed up to closed -------------------------


def audit_and_follow_up(page: Page, base: str, errors: list[str]) -> None:
    page.goto(f"{base}/contract/audits/")
    page.get_by_role("link", name="Record an audit").click()
    form = page.locator("main form")
    form.get_by_label(exact("Kind")).select_option(
        label="Participatory (community members and advocates)"
    )
    form.get_by_label(exact("Title")).fill(AUDIT)
    form.get_by_label(exact("What was looked at")).fill(
        "150 conversations about arrears, discounts and moving home."
    )
    form.get_by_label(exact("Carried out by")).fill("Northbridge audit team with residents")
    form.get_by_label(exact("Community members and advocates taking part")).fill(PARTICIPANTS)
    form.get_by_label(exact("Started on")).fill("2026-02-02")
    form.get_by_role("button", name="Record the audit").click()
    expect(page.get_by_text("Audit recorded. Add its findings.")).to_be_visible()

    page.goto(f"{base}/contract/audits/")
    audit = page.get_by_role("region", name=AUDIT)
    expect(audit).to_contain_text(PARTICIPANTS)
    audit.get_by_role("link", name=f"Add a finding ({AUDIT})").click()
    form = page.locator("main form")
    form.get_by_label(exact("Finding")).fill(FINDING)
    form.get_by_label(exact("Details")).fill(
        "In 9 of 40 conversations mentioning arrears, no person was offered."
    )
    form.get_by_label(exact("Severity")).select_option(label="High")
    form.get_by_label(exact("Owner")).fill("Contact-centre manager")
    form.get_by_label(exact("Due on")).fill("2026-04-17")
    form.get_by_role("button", name="Add the finding").click()
    expect(page.get_by_text("Finding added.")).to_be_visible()

    page.goto(f"{base}/contract/audits/")
    page.get_by_role("link", name=f"{FINDING} (follow up)").click()
    form = page.locator("main form")
    form.get_by_label(exact("What was done")).fill(
        "Re-tested with the residents: every arrears conversation handed to a person."
    )
    form.get_by_label(exact("Status after this step")).select_option(label="Closed")
    form.get_by_role("button", name="Record the follow-up").click()
    expect(page.get_by_text("Follow-up recorded.")).to_be_visible()

    page.goto(f"{base}/contract/audits/")
    finding = Finding.objects.get(title=FINDING)
    row = page.locator(f"#finding-{finding.pk}")
    expect(row).to_contain_text("Closed")
    expect(row).to_contain_text("every arrears conversation handed to a person")
    assert finding.status == FindingStatus.CLOSED and finding.closed_on is not None
    assert not errors, errors


# --- 4. A resident reports a problem; staff triage, update and resolve it ---------------


def resident_reports(page: Page, live_server, scene: Scene, errors: list[str]) -> str:
    slug = scene.procurement.slug
    page.goto(f"{live_server.url}/p/{slug}/monitoring/report/")
    expect(page.get_by_role("heading", name="Report a problem or a harm", level=1)).to_be_visible()
    assert_accessible(page)
    form = page.locator("main form")
    form.get_by_label(exact("What happened?")).fill(REPORT)
    form.get_by_label(exact("Your name (optional)")).fill("Ruth")
    form.get_by_label(exact("Your email (optional)")).fill("ruth@residents.example")
    form.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Thank you: your report was received")).to_be_visible()
    reference = page.locator(".incident-reference").inner_text().strip()
    assert reference and Incident.objects.filter(reference=reference).exists()

    # The status page, opened from its link, as the reporter would later.
    page.locator(f'main a[href="/p/{slug}/monitoring/report/{reference}/"]').click()
    expect(page.get_by_role("heading", name=f"Report {reference}", level=1)).to_be_visible()
    expect(page.locator(".incident-status")).to_contain_text("Received")
    assert not errors, errors
    return reference


def staff_handle(page: Page, base: str, reference: str, errors: list[str]) -> None:
    page.goto(f"{base}/contract/incidents/")
    page.get_by_role("link", name=re.compile(reference)).first.click()
    expect(
        page.get_by_role("heading", name=f"Incident report {reference}", level=1)
    ).to_be_visible()
    expect(page.locator(".incident-contact")).to_contain_text("ruth@residents.example")

    triage = page.get_by_role("region", name="Triage")
    triage.get_by_label(exact("Severity")).select_option(value="medium")
    respond_by = timezone.localdate() + datetime.timedelta(days=10)
    triage.get_by_label(exact("Answer the reporter by")).fill(respond_by.isoformat())
    triage.get_by_label(exact("What you found (staff only)")).fill(STAFF_NOTE)
    triage.get_by_role("button", name="Record the triage").click()
    expect(page.get_by_text("Triage recorded.")).to_be_visible()

    update = page.get_by_role("region", name="Add an update")
    update.get_by_label(exact("Update")).fill(PUBLIC_UPDATE)
    update.get_by_text("Show this update to the reporter").click()
    update.get_by_role("button", name="Add the update").click()
    expect(page.get_by_text("Update added.")).to_be_visible()

    close = page.get_by_role("region", name="Close the report")
    close.get_by_label(exact("Answer to the reporter")).fill(ANSWER)
    close.get_by_role("button", name="Close with this answer").click()
    expect(
        page.get_by_text("The report is closed and the reporter can read the answer.")
    ).to_be_visible()
    incident = Incident.objects.get(reference=reference)
    assert (incident.status, incident.severity) == (IncidentStatus.RESOLVED, "medium")
    assert list(incident.updates.order_by("id").values_list("note", "is_public")) == [
        (STAFF_NOTE, False),
        (PUBLIC_UPDATE, True),
        (ANSWER, True),
    ]
    assert not errors, errors


def reporter_reads_the_answer(page: Page) -> None:
    page.reload()
    expect(page.locator(".incident-status")).to_contain_text("Resolved")
    expect(page.locator(".incident-answer")).to_have_text(ANSWER)
    main = page.locator("main")
    expect(main).to_contain_text(PUBLIC_UPDATE)
    expect(main).not_to_contain_text(STAFF_NOTE)
    expect(main).not_to_contain_text("CC-4411")


# --- 5. The public dashboard -----------------------------------------------------------


def the_public_dashboard(page: Page, live_server, scene: Scene) -> None:
    errors: list[str] = []
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    page.goto(f"{live_server.url}/p/{scene.procurement.slug}/monitoring/")
    expect(page.get_by_role("heading", name=f"Monitoring: {TITLE}", level=1)).to_be_visible()
    kpi = scene.contract.kpis.get(name=contract_demo.ACCURACY)
    article = page.locator(f"#kpi-{kpi.pk}")
    expect(article.locator(".kpi-chart svg[role=img]")).to_have_count(1)
    article.locator("summary", has_text="The figures as a table").click()
    figures = article.get_by_role("table", name="Measurements of “Answer accuracy”, newest first")
    expect(figures.locator("tbody tr")).to_have_count(5)

    decisions = page.get_by_role("table", name="Payment decisions, in the order taken")
    expect(decisions.locator("tbody tr")).to_have_count(2)
    expect(decisions.locator("tbody tr").nth(0)).to_contain_text("Withheld")
    expect(decisions.locator("tbody tr").nth(0)).to_contain_text(WITHHOLD_REASON)
    expect(decisions.locator("tbody tr").nth(1)).to_contain_text("Released")

    audits = page.locator("section", has=page.get_by_role("heading", name="Audits", level=2))
    expect(audits).to_contain_text(AUDIT)
    expect(audits).to_contain_text("Findings: 0 open, 1 closed.")
    findings = audits.get_by_role("table", name=f"Findings of “{AUDIT}”")
    expect(findings.get_by_role("row", name=re.compile(FINDING))).to_contain_text("Closed")

    incidents = page.locator(
        "section", has=page.get_by_role("heading", name="Problems reported", level=2)
    )
    expect(incidents).to_contain_text("Reports: fewer than 5.")
    expect(incidents).not_to_contain_text(REPORT)
    expect(page.locator("main")).not_to_contain_text(STAFF_NOTE)
    assert_accessible(page)
    assert not errors, errors


def test_monitoring_from_a_breach_to_the_public_dashboard(
    axe_page: Page, resident_page: Page, live_server, scene: Scene, server_errors: list[str]
):
    page = axe_page
    base = f"{live_server.url}/workspace/procurements/{scene.procurement.slug}"
    login(page, live_server, "officer", PASSWORD)
    record_a_breach(page, base, scene, server_errors)
    withhold_then_release(page, base, scene, server_errors)
    audit_and_follow_up(page, base, server_errors)
    reference = resident_reports(resident_page, live_server, scene, server_errors)
    staff_handle(page, base, reference, server_errors)
    reporter_reads_the_answer(resident_page)
    the_public_dashboard(resident_page, live_server, scene)
