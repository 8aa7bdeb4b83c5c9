"""The demo's contract monitoring: the council-tax chatbot's first year.

Northbridge's chatbot contract (recorded and signed by
``tendering.demo.chatbot_stage``) is monitored for a year: its supplier
enters measurements, staff check them and import the contact centre's
export, a breach raises an alert, a payment is withheld then released, a
participatory audit reports two findings, and a resident reports a problem.
Written for the demo by the ParticipAI team; the people are fictional.

Everything goes through the services, as a team would do it on the
platform, so the demo has a real audit trail. Dates are those the services
accept: periods within the contract and not in the future, decisions not
before the signature. Dates the services set themselves (a finding's
closing day, an incident's resolution) are the day the demo is loaded.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.utils import timezone

from participai.accounts import services as account_services
from participai.accounts.models import User
from participai.procurements.models import Procurement

from . import services
from .models import (
    AuditKind,
    Contract,
    Finding,
    FindingSeverity,
    FindingStatus,
    Incident,
    KpiAlert,
    Measurement,
    MeasurementSource,
    PaymentMilestone,
    Severity,
)

SUPPLIER_USERNAME = "supplier-civicchat"
SUPPLIER_DISPLAY = "Civic Chat Ltd"

ACCURACY = "Answer accuracy"
HANDOVER = "Hand-over time"

# One row per monthly period (its last day is the 1st of the next month):
# the period's end, answer accuracy (%), hand-over time (seconds), who
# entered it, and a note. In the period ending 1 November the council's
# discount pages changed and the answer base was not re-indexed: accuracy
# fell to 88 %, below the 90 % threshold.
YEAR: tuple[tuple[str, str, str, str, str], ...] = (
    ("2025-09-01", "96.1", "48", MeasurementSource.SUPPLIER, "First month live; 400 answers."),
    ("2025-10-01", "95.4", "52", MeasurementSource.SUPPLIER, ""),
    (
        "2025-11-01",
        "88.0",
        "75",
        MeasurementSource.SUPPLIER,
        "Single-person discount pages changed on 6 October; the answer base was not "
        "re-indexed until the 28th.",
    ),
    (
        "2025-12-01",
        "93.5",
        "58",
        MeasurementSource.STAFF,
        "Council's own sample of 400 answers, after the re-indexing: better, not yet at target.",
    ),
    (
        "2026-01-01",
        "96.0",
        "44",
        MeasurementSource.STAFF,
        "Council's own sample of 400 answers: back above target. The November breach is "
        "dealt with: pages are now re-indexed the day they change.",
    ),
    ("2026-02-01", "96.8", "41", MeasurementSource.STAFF, "Council's own sample."),
    ("2026-03-01", "97.1", "39", MeasurementSource.SUPPLIER, "Welsh place names fixed."),
    ("2026-04-01", "96.5", "45", MeasurementSource.SUPPLIER, ""),
    ("2026-05-01", "97.4", "42", MeasurementSource.SUPPLIER, ""),
    ("2026-06-01", "97.0", "40", MeasurementSource.CSV, "Contact-centre export"),
    ("2026-07-01", "97.6", "38", MeasurementSource.CSV, "Contact-centre export"),
    ("2026-08-01", "97.3", "37", MeasurementSource.CSV, "Contact-centre export"),
)


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def supplier_join(*, officer: User, contract: Contract, password: str) -> User:
    """Create the supplier's login ("supplier-civicchat", shown as Civic Chat
    Ltd) and give it access to ``contract`` (``officer`` grants it)."""
    supplier = account_services.user_create(
        username=SUPPLIER_USERNAME,
        password=password,
        email=f"{SUPPLIER_USERNAME}@civicchat.example",
        display_name=SUPPLIER_DISPLAY,
    )
    services.supplier_access_grant(actor=officer, contract=contract, user=supplier)
    return supplier


def record_year(
    *,
    contract: Contract,
    supplier: User,
    staff: User,
    rows: tuple[tuple[str, str, str, str, str], ...] = YEAR,
) -> dict[tuple[str, str], Measurement]:
    """Enter ``rows`` (see :data:`YEAR`) for the contract's two KPIs,
    "Answer accuracy" and "Hand-over time": the supplier's and staff's rows
    one by one, the CSV rows in one import by ``staff``. A value beyond the
    threshold raises its alert in the service. Returns the measurements by
    (KPI name, period end)."""
    kpis = {kpi.name: kpi for kpi in contract.kpis.all()}
    lines = ["kpi,measured_on,value,note"]
    for on, accuracy, handover, source, note in rows:
        if source == MeasurementSource.CSV:
            lines.append(f"{ACCURACY},{on},{accuracy},{note}")
            lines.append(f"{HANDOVER},{on},{handover},{note}")
            continue
        actor = supplier if source == MeasurementSource.SUPPLIER else staff
        for name, value in ((ACCURACY, accuracy), (HANDOVER, handover)):
            services.measurement_record(
                actor=actor,
                kpi=kpis[name],
                measured_on=_d(on),
                value=Decimal(value),
                note=note if name == ACCURACY else "",
                notify=False,  # last year's values: nobody needs an email about them today
            )
    if len(lines) > 1:
        services.measurements_import_csv(
            actor=staff,
            contract=contract,
            file=io.BytesIO(("\n".join(lines) + "\n").encode()),
            filename="contact-centre-export.csv",
            notify=False,
        )
    return {
        (m.kpi.name, m.measured_on.isoformat()): m
        for m in Measurement.objects.filter(kpi__contract=contract).select_related("kpi")
    }


def decide_payments(
    *, officer: User, contract: Contract, measurements: dict[tuple[str, str], Measurement]
) -> None:
    """Go-live released; the first quarter withheld after the November breach,
    then released on January's figure; the first year left pending."""
    milestones = {m.title: m for m in PaymentMilestone.objects.filter(contract=contract)}
    go_live = milestones["Go-live"]
    services.payment_release(
        actor=officer,
        milestone=go_live,
        amount=go_live.amount,
        reason="Live on 1 September 2025; every conversation opens by saying it is an AI "
        "system, checked by the contact centre on the first day.",
        decided_on=_d("2025-09-03"),
    )
    quarter = milestones["First quarter"]
    services.payment_withhold(
        actor=officer,
        milestone=quarter,
        reason="Accuracy fell to 88 % in the period ending 1 November, below the 95 % target "
        "and the 90 % threshold, and was 93.5 % in the next. Withheld until a full month is "
        "back at or above target.",
        decided_on=_d("2025-12-03"),
    )
    services.payment_release(
        actor=officer,
        milestone=quarter,
        amount=quarter.amount,
        reason="The council's own sample for the period ending 1 January shows 96 % of "
        "answers correct, and pages are now re-indexed the day they change.",
        decided_on=_d("2026-01-09"),
        measurement=measurements[(ACCURACY, "2026-01-01")],
    )


def participatory_audit(
    *, auditor: User, contract: Contract, people: dict[str, User]
) -> list[Finding]:
    """Residents and Citizens Advice review the chatbot's answers: a high
    finding, fixed and closed after a re-test; a medium one still open."""
    amal, ruth = people["resident-amal"], people["resident-ruth"]
    audit = services.audit_record(
        actor=auditor,
        contract=contract,
        kind=AuditKind.PARTICIPATORY,
        title="Residents' review of the chatbot's answers",
        scope="150 conversations from January, weighted towards arrears, discounts and moving "
        "home, and the hand-over to a person, tried by residents on their own phones.",
        auditor="Northbridge audit team with residents and Citizens Advice Northbridge",
        participants=f"{amal.display_name} and {ruth.display_name}, residents who pay council "
        "tax; two debt advisers from Citizens Advice Northbridge.",
        started_on=_d("2026-02-02"),
        reported_on=_d("2026-03-13"),
        summary="Answers were correct and said plainly that they came from an AI system. "
        "People in arrears were not always offered a person, and answers were long on a phone.",
    )
    arrears = services.finding_add(
        actor=auditor,
        audit=audit,
        title="Arrears not always handed to a person",
        description="In 9 of 40 conversations mentioning arrears, a summons or bailiffs, the "
        "chatbot sent the payment page instead of offering a person at once, as the "
        "contract requires.",
        severity=FindingSeverity.HIGH,
        owner="Contact-centre manager",
        due_on=_d("2026-04-17"),
    )
    services.finding_update(
        actor=auditor,
        finding=arrears,
        note="Civic Chat added “summons”, “bailiff” and “can't pay” to the hand-over "
        "triggers on 24 March.",
        status=FindingStatus.IN_PROGRESS,
    )
    services.finding_update(
        actor=auditor,
        finding=arrears,
        note="The residents and advisers re-ran the 40 conversations on 14 April: every one "
        "was handed to a person in one step.",
        status=FindingStatus.CLOSED,
    )
    long_answers = services.finding_add(
        actor=auditor,
        audit=audit,
        title="Answers too long to read on a phone",
        description="Answers about discounts ran to 140 words on average, and the link to the "
        "form came last. Residents gave up before reaching it.",
        severity=FindingSeverity.MEDIUM,
        owner="Civic Chat Ltd, content lead",
        due_on=_d("2026-12-18"),
    )
    return [arrears, long_answers]


def welsh_place_names(*, officer: User, procurement: Procurement, resident: User) -> Incident:
    """A resident reports that the chatbot does not recognise Welsh place
    names; staff triage it, tell the reporter what is being done, and resolve it."""
    incident = services.incident_report(
        procurement=procurement,
        description="I asked when the council tax for my flat on Heol y Nant is due and the "
        "chatbot said it could not find the street. It did the same for Llys Gwyn, and kept "
        "asking me to check the spelling.",
        occurred_on=_d("2026-02-12"),
        contact_name=resident.display_name,
        contact_email=resident.email,
        user=resident,
        notify=False,
    )
    services.incident_triage(
        actor=officer,
        incident=incident,
        severity=Severity.MEDIUM,
        respond_by=timezone.localdate() + datetime.timedelta(days=10),
        note="Eleven similar complaints this month. The address lookup only knows the "
        "English street list; Civic Chat asked to load the bilingual gazetteer.",
        public_note="Thank you. We can reproduce this and are looking into it.",
    )
    services.incident_update(
        actor=officer,
        incident=incident,
        note="Civic Chat is loading the council's bilingual street list. Until it is live, "
        "asking for a person reaches the contact centre straight away.",
        is_public=True,
    )
    return services.incident_resolve(
        actor=officer,
        incident=incident,
        public_response="Fixed: the chatbot now knows every street in both Welsh and English. "
        "We tested it with the 80 Welsh street names in the city, including Heol y Nant and "
        "Llys Gwyn.",
    )


def chatbot_monitoring(
    procurement: Procurement, staff: dict[str, User], people: dict[str, User], *, password: str
) -> None:
    """The chatbot's first year of monitoring. Precondition: ``procurement`` is
    at contract monitoring with its contract signed (see
    ``tendering.demo.chatbot_stage``)."""
    officer = staff["nb-officer"]
    contract = Contract.objects.get(procurement=procurement)
    supplier = supplier_join(officer=officer, contract=contract, password=password)
    measurements = record_year(contract=contract, supplier=supplier, staff=staff["nb-data"])
    # The November breach, dealt with once January's sample was back above target.
    for alert in KpiAlert.objects.filter(kpi__contract=contract, resolved_at__isnull=True):
        services.alert_resolve(actor=staff["nb-data"], alert=alert)
    decide_payments(officer=officer, contract=contract, measurements=measurements)
    participatory_audit(auditor=staff["nb-auditor"], contract=contract, people=people)
    welsh_place_names(officer=officer, procurement=procurement, resident=people["resident-ruth"])
