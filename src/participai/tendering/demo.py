"""The demo's Delivery phase: tenders, panels, scores, awards, tests and contracts.

Everything goes through the services, as a team would do it on the platform.
One thing cannot: the demo replays procurements whose bids were opened in the
past, but a tender can only be published with its deadline and opening in
the future. So the demo publishes with dates a day ahead, then moves the
tender's dates (and the bids' receipt) back to when they happened
(:func:`_replay_dates`). Nothing outside the demo does that.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from participai.accounts.models import User
from participai.contracts import services as contract_services
from participai.procurements.models import Procurement

from .models import Bid, Criterion, PanelMember, ScoringMethod, Tender
from .services import evaluation, solicitation, solution

DESCRIPTORS = (
    "Not addressed, or no evidence",
    "Addressed in general terms only",
    "Partly meets the requirement, with gaps that carry risk",
    "Meets the requirement with credible evidence",
    "Meets it fully, with evidence from comparable public services",
    "Exceeds it, with independent evidence and commitments in the contract",
)


@dataclass(frozen=True)
class CriterionPlan:
    group: str
    name: str
    weight: str
    description: str
    method: str = ScoringMethod.JUDGEMENT


@dataclass(frozen=True)
class BidPlan:
    supplier: str
    price: str
    summary: str
    # The panel's base score per judgement criterion (in criterion order).
    scores: tuple[int, ...]


@dataclass(frozen=True)
class TenderPlan:
    outcomes: str
    requirements: tuple[tuple[str, str, str], ...]  # kind, title, details
    criteria: tuple[CriterionPlan, ...]
    bids: tuple[BidPlan, ...] = ()
    published_on: str = ""  # ISO dates: when it happened
    opened_on: str = ""
    currency: str = "EUR"
    # Sources per requirement index: ("consequence", Consequence) and so on.
    sources: dict[int, list[tuple[str, object]]] = field(default_factory=dict)


def _descriptors() -> list[dict[str, object]]:
    return [{"score": n, "text": text} for n, text in enumerate(DESCRIPTORS)]


def prepare(
    *, officer: User, procurement: Procurement, plan: TenderPlan, publisher: User | None = None
) -> Tender:
    """Write and publish the tender of ``procurement`` (at solicitation preparation)."""
    tender = solicitation.tender_start(actor=officer, procurement=procurement)
    now = timezone.now()
    tender = solicitation.tender_update(
        actor=officer,
        tender=tender,
        outcomes=plan.outcomes,
        clarification_deadline=now + datetime.timedelta(hours=20),
        submission_deadline=now + datetime.timedelta(days=1),
        opening_at=now + datetime.timedelta(days=1, hours=1),
    )
    requirements = []
    for kind, title, text in plan.requirements:
        requirements.append(
            solicitation.requirement_add(
                actor=officer, tender=tender, kind=kind, title=title, text=text
            )
        )
    for index, sources in plan.sources.items():
        for kind, source in sources:
            solicitation.requirement_source_add(
                actor=officer, requirement=requirements[index], kind=kind, **_source(kind, source)
            )
    for criterion in plan.criteria:
        solicitation.criterion_add(
            actor=officer,
            tender=tender,
            group=criterion.group,
            name=criterion.name,
            weight=Decimal(criterion.weight),
            description=criterion.description,
            method=criterion.method,
            descriptors=_descriptors() if criterion.method == ScoringMethod.JUDGEMENT else (),
            requirements=requirements,
        )
    solicitation.clause_propose(actor=officer, tender=tender)
    return solicitation.tender_publish(actor=publisher or officer, tender=tender)


def _source(kind: str, source: object) -> dict[str, object]:
    if kind == "fria_risk":
        assessment, line = source
        return {"rights_assessment": assessment, "fria_risk": line}
    if kind == "obligation":
        return {"obligation_key": source}
    return {kind: source}


def seat_panel(
    *, officer: User, tender: Tender, seats: list[tuple[User, str]], conflicted: User | None = None
) -> list[PanelMember]:
    """Seat the panel and have each member declare their interests; ``conflicted``
    declares a conflict and takes no further part."""
    members = []
    for user, kind in seats:
        seat = evaluation.panel_member_add(actor=officer, tender=tender, user=user, kind=kind)
        has_conflict = user == conflicted
        members.append(
            evaluation.interests_declare(
                actor=user,
                seat=seat,
                has_conflict=has_conflict,
                statement="I advised one of the bidders on a previous contract."
                if has_conflict
                else "",
            )
        )
    return members


def receive_bids(*, officer: User, tender: Tender, plan: TenderPlan) -> list[Bid]:
    """Record the bids, then replay the opening at its real date."""
    bids = [
        evaluation.bid_record(
            actor=officer,
            tender=tender,
            supplier_name=bid.supplier,
            price=Decimal(bid.price),
            currency=plan.currency,
            summary=bid.summary,
            received_at=timezone.now(),
        )
        for bid in plan.bids
    ]
    _replay_dates(tender, plan)
    tender.refresh_from_db()
    return bids


def _replay_dates(tender: Tender, plan: TenderPlan) -> None:
    # See the module's docstring: the demo's bids were opened in the past.
    published = _moment(plan.published_on, hour=9)
    opened = _moment(plan.opened_on, hour=10)
    Tender.objects.filter(pk=tender.pk).update(
        published_at=published,
        clarification_deadline=opened - datetime.timedelta(days=10),
        submission_deadline=opened - datetime.timedelta(hours=1),
        opening_at=opened,
    )
    Bid.objects.filter(tender=tender).update(received_at=opened - datetime.timedelta(days=1))


def _moment(day: str, *, hour: int) -> datetime.datetime:
    date = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def score(
    *, seats: list[PanelMember], bids: list[Bid], plan: TenderPlan, submit: int | None = None
) -> None:
    """Each clear member scores every bid near the plan's base scores (members
    differ by a point here and there, as panels do) and the first ``submit``
    of them (all by default) submit."""
    tender = bids[0].tender
    criteria = [c for c in tender.criteria.all() if c.method == ScoringMethod.JUDGEMENT]
    clear = [s for s in seats if s.may_evaluate]
    for n, seat in enumerate(clear):
        for bid, bid_plan in zip(bids, plan.bids, strict=True):
            for index, criterion in enumerate(criteria):
                base = bid_plan.scores[index]
                nudge = ((n + index) % 3) - 1  # -1, 0 or +1
                value = max(0, min(criterion.scale_max, base + nudge))
                evaluation.score_save(
                    actor=seat.user,
                    seat=seat,
                    bid=bid,
                    criterion=criterion,
                    score=Decimal(value),
                    justification=_justification(bid, criterion, value),
                )
        if submit is None or n < submit:
            evaluation.scores_submit(actor=seat.user, seat=seat)


def _justification(bid: Bid, criterion: Criterion, value: int) -> str:
    return f"{bid.supplier_name}, “{criterion.name}”: {DESCRIPTORS[value].lower()}."


def moderate_and_award(
    *, officer: User, tender: Tender, bids: list[Bid], winner: int, rationale: str, on: str
) -> None:
    """Agree each score at the median of the panel's, then award ``bids[winner]``."""
    criteria = [c for c in tender.criteria.all() if c.method == ScoringMethod.JUDGEMENT]
    for bid in bids:
        for criterion in criteria:
            scores = sorted(
                s.score
                for s in criterion.scores.filter(
                    bid=bid, member__submitted_at__isnull=False, member__has_conflict=False
                )
            )
            evaluation.score_moderate(
                actor=officer,
                bid=bid,
                criterion=criterion,
                score=scores[len(scores) // 2],
                reason="Agreed at the moderation meeting from the panel's scores.",
            )
    evaluation.award_record(
        actor=officer,
        tender=tender,
        bid=bids[winner],
        rationale=rationale,
        decided_on=datetime.date.fromisoformat(on),
    )


def evaluate_solution(
    *, officer: User, tender: Tender, pilot_plan: str, findings: list[str], on: str, users: int
) -> None:
    """Record the pilot plan and a result per requirement; the first test is with service users."""
    solution.pilot_plan_update(actor=officer, tender=tender, pilot_plan=pilot_plan)
    for n, requirement in enumerate(tender.requirements.all()):
        solution.solution_test_record(
            actor=officer,
            tender=tender,
            requirement=requirement,
            method="User testing with people who use the service"
            if n == 0
            else "Test on a sample of past cases, checked by staff",
            with_service_users=n == 0,
            participants=users if n == 0 else 0,
            result="met",
            findings=findings[n % len(findings)],
            tested_on=datetime.date.fromisoformat(on),
        )


@dataclass(frozen=True)
class KpiPlan:
    name: str
    measure: str
    unit: str
    target: str
    threshold: str
    direction: str = "higher"
    disaggregate_by: str = ""


def record_contract(
    *,
    signer: User,
    procurement: Procurement,
    starts: str,
    ends: str,
    exit_plan: str,
    kpis: list[KpiPlan],
    milestones: list[tuple[str, str, str, str]],  # title, share of value, due, condition
    signed_on: str,
) -> None:
    """Record and sign the contract from the award: KPIs, milestones (the first
    ones tied to the first KPI), the exit plan."""
    contract = contract_services.contract_start(
        actor=signer,
        procurement=procurement,
        start_date=datetime.date.fromisoformat(starts),
        end_date=datetime.date.fromisoformat(ends),
        exit_plan=exit_plan,
    )
    made = [
        contract_services.kpi_add(
            actor=signer,
            contract=contract,
            name=kpi.name,
            measure=kpi.measure,
            unit=kpi.unit,
            direction=kpi.direction,
            target=Decimal(kpi.target),
            threshold=Decimal(kpi.threshold),
            frequency="monthly",
            data_source="Supplier's monthly report, checked against the council's sample",
            owner="Service manager",
            is_public=True,
            disaggregate_by=kpi.disaggregate_by,
        )
        for kpi in kpis
    ]
    for n, (title, share, due, condition) in enumerate(milestones):
        contract_services.milestone_add(
            actor=signer,
            contract=contract,
            title=title,
            amount=(contract.value * Decimal(share)).quantize(Decimal("0.01")),
            due_on=datetime.date.fromisoformat(due),
            condition=condition,
            kpi=made[0] if n > 0 and made else None,
        )
    contract_services.contract_sign(
        actor=signer, contract=contract, signed_on=datetime.date.fromisoformat(signed_on)
    )


# --------------------------------------------------------------------------
# The demo procurements' Delivery
# --------------------------------------------------------------------------

_QUALITY, _RAI, _SOCIAL, _PRICE = "quality", "responsible_ai", "social_value", "price"


def triage_plan(procurement: Procurement) -> TenderPlan:
    """Northbridge's social-care triage: level III, high risk. Requirements
    traced to the consequence scan, the rights assessment and the obligations."""
    from participai.assessment.models import Consequence
    from participai.assessment.selectors.obligations import latest_rights_assessment

    consequences = {c.prompt_key: c for c in Consequence.objects.filter(procurement=procurement)}
    rights = latest_rights_assessment(procurement)
    risks = solicitation.fria_risk_lines(rights) if rights else []
    sources: dict[int, list[tuple[str, object]]] = {
        0: [("consequence", consequences["intended_benefit"])],
        1: [("consequence", consequences["bias_history"])]
        + [("fria_risk", (rights, line)) for line in risks[:2]],
        2: [
            ("obligation", "human_final_decision"),
            ("consequence", consequences["automation_rubber_stamp"]),
        ],
        3: [("consequence", consequences["automation_dependence"])],
    }
    return TenderPlan(
        outcomes="Urgent referrals reach a duty social worker the same working day, every "
        "referred resident gets a first contact within seven days, and no group of residents "
        "waits longer because of how their referral was written.",
        requirements=(
            (
                "outcome",
                "Urgent referrals are seen the same working day",
                "At least 95 % of referrals a social worker later judges urgent are suggested "
                "as urgent, measured monthly on a sample the council checks.",
            ),
            (
                "constraint",
                "No group is under-ranked",
                "Recall on urgent referrals differs by no more than 3 points between referral "
                "sources (family, GP, hospital) and between residents who write little "
                "English and others.",
            ),
            (
                "constraint",
                "A social worker decides every case",
                "The system suggests an urgency band with its main reasons; a duty social "
                "worker confirms or changes it, and changing it takes one click.",
            ),
            (
                "constraint",
                "The council keeps its data and can leave",
                "Referral data, labels and the trained model's outputs are exported in open "
                "formats on request and at exit; no data is used to train other products.",
            ),
        ),
        criteria=(
            CriterionPlan(
                _QUALITY,
                "Outcomes for residents",
                "35",
                "How well the offer meets the outcomes, shown on comparable referral data.",
            ),
            CriterionPlan(
                _RAI,
                "Fairness, oversight and explanations",
                "30",
                "Disaggregated testing, the social worker's control, explanations of each "
                "suggestion, logging and audit access for the community advisory group.",
            ),
            CriterionPlan(
                _SOCIAL,
                "Social value",
                "10",
                "Local training, accessibility, support for the voluntary sector.",
            ),
            CriterionPlan(
                _PRICE,
                "Whole-life price",
                "25",
                "Three years of service and the exit, by formula.",
                ScoringMethod.LOWEST_PRICE,
            ),
        ),
        bids=(
            BidPlan(
                "CareSignal Ltd",
                "742000",
                "Triage model trained on the council's five years of referrals, with a "
                "fairness dashboard for the advisory group.",
                (4, 4, 3),
            ),
            BidPlan(
                "Referral Analytics plc",
                "655000",
                "A general triage product configured for adult social care; explanations "
                "available as a paid add-on.",
                (3, 2, 2),
            ),
            BidPlan(
                "North Digital Co-operative",
                "810000",
                "Co-designed with social workers; open-source model card and data export.",
                (4, 4, 5),
            ),
        ),
        published_on="2026-07-13",
        opened_on="2026-09-14",
        currency="GBP",
        sources=sources,
    )


def deliver_triage(procurement: Procurement, staff: dict[str, User], people: dict[str, User]):
    """At vendor evaluation: bids opened, the panel of six seated (one declared a
    conflict), three of five clear members have submitted."""
    plan = triage_plan(procurement)
    tender = Tender.objects.get(procurement=procurement)
    seats = seat_panel(
        officer=staff["nb-officer"],
        tender=tender,
        seats=[
            (staff["nb-officer"], "staff"),
            (staff["nb-evaluator"], "staff"),
            (staff["nb-data"], "staff"),
            (people["expert-ines"], "independent_expert"),
            (people["resident-ruth"], "community_member"),
            (people["resident-amal"], "community_member"),
        ],
        conflicted=staff["nb-data"],
    )
    bids = receive_bids(officer=staff["nb-officer"], tender=tender, plan=plan)
    score(seats=seats, bids=bids, plan=plan, submit=3)


def chatbot_plan() -> TenderPlan:
    return TenderPlan(
        outcomes="Residents get correct answers to the twenty common council-tax questions "
        "at any hour, and reach a person in one step when they ask for one.",
        requirements=(
            (
                "outcome",
                "Correct answers",
                "At least 95 % of answers correct on a monthly sample of 400.",
            ),
            (
                "constraint",
                "A person in one step",
                "Asking for a person, or mentioning arrears or hardship, hands the "
                "conversation to the contact centre at once.",
            ),
            (
                "constraint",
                "People know they talk to an AI system",
                "Every conversation opens by saying so, in plain language.",
            ),
        ),
        criteria=(
            CriterionPlan(_QUALITY, "Accuracy and accessibility", "45", "Tested with residents."),
            CriterionPlan(_RAI, "Transparency and hand-over", "20", "Disclosure and hand-over."),
            CriterionPlan(_SOCIAL, "Welsh and plain language", "10", "Both languages, plainly."),
            CriterionPlan(_PRICE, "Price", "25", "By formula.", ScoringMethod.LOWEST_PRICE),
        ),
        bids=(
            BidPlan(
                "Civic Chat Ltd", "88000", "Answers only from the council's pages.", (4, 4, 3)
            ),
            BidPlan("HelpBot Systems", "72000", "A general chatbot, configured.", (3, 2, 2)),
            BidPlan("Dyfed Digital", "93000", "Bilingual from the start.", (4, 3, 5)),
        ),
        published_on="2025-05-06",
        opened_on="2025-05-27",
        currency="GBP",
        # Limited risk under the AI Act: people must be told they talk to an AI system.
        sources={2: [("obligation", "ai_use_disclosure")]},
    )


def chatbot_stage(p: Procurement, staff: dict[str, User], people: dict[str, User], state: dict):
    """The chatbot's Delivery work at its current stage, before its gate."""
    officer, legal = staff["nb-officer"], staff["nb-legal"]
    plan = chatbot_plan()
    if p.stage == "solicitation_preparation":
        state["tender"] = prepare(officer=officer, procurement=p, plan=plan)
        state["seats"] = seat_panel(
            officer=officer,
            tender=state["tender"],
            seats=[
                (officer, "staff"),
                (staff["nb-evaluator"], "staff"),
                (people["resident-joan"], "community_member"),
            ],
        )
    elif p.stage == "vendor_evaluation":
        bids = receive_bids(officer=officer, tender=state["tender"], plan=plan)
        score(seats=state["seats"], bids=bids, plan=plan)
        moderate_and_award(
            officer=officer,
            tender=state["tender"],
            bids=bids,
            winner=0,
            rationale="Civic Chat scored highest overall and on transparency: it answers only "
            "from the council's own pages and hands over to a person in one step.",
            on="2025-06-02",
        )
    elif p.stage == "solution_evaluation":
        evaluate_solution(
            officer=officer,
            tender=state["tender"],
            pilot_plan="Four weeks with 20 residents, five of whom rarely use the web, and a "
            "sample of 400 answers checked by the contact centre.",
            findings=["Residents found the hand-over to a person too hidden; moved up."],
            on="2025-07-14",
            users=20,
        )
    elif p.stage == "contract_negotiation":
        record_contract(
            signer=legal,
            procurement=p,
            starts="2025-08-04",
            ends="2027-08-03",
            exit_plan="Conversation logs and the answer base are handed over in open formats "
            "within 30 days of exit; the supplier deletes its copies and certifies it.",
            kpis=[
                KpiPlan("Answer accuracy", "Correct answers in a monthly sample", "%", "95", "90"),
                KpiPlan(
                    "Hand-over time",
                    "Seconds from asking for a person to a person",
                    "seconds",
                    "60",
                    "180",
                    direction="lower",
                ),
            ],
            milestones=[
                ("Go-live", "0.3", "2025-09-01", "The service is live and the disclosure shown."),
                ("First quarter", "0.35", "2025-12-01", "Accuracy at or above target."),
                ("First year", "0.35", "2026-08-03", "Accuracy at or above target all year."),
            ],
            signed_on="2025-08-01",
        )


def traffic_plan() -> TenderPlan:
    return TenderPlan(
        outcomes="Shorter waits for buses and pedestrians at the six seafront junctions, "
        "with no more collisions.",
        requirements=(
            (
                "outcome",
                "Shorter bus delays",
                "Peak-time bus delay at the six junctions down by at least 20 %.",
            ),
            (
                "constraint",
                "Pedestrians do not wait longer",
                "No rise in pedestrian waiting time at any junction, near schools above all.",
            ),
        ),
        criteria=(
            CriterionPlan(_QUALITY, "Results in comparable towns", "45", "Evidence of results."),
            CriterionPlan(_RAI, "Control of the objective and data", "15", "Who sets the goal."),
            CriterionPlan(_SOCIAL, "Local partners", "10", "Work with local engineers."),
            CriterionPlan(_PRICE, "Price", "30", "By formula.", ScoringMethod.LOWEST_PRICE),
        ),
        bids=(
            BidPlan(
                "FlowCity SL", "168000", "Adaptive signals from the supplier's cloud.", (4, 2, 3)
            ),
            BidPlan("Semàfors Oberts", "176000", "Open model run by the council.", (3, 4, 4)),
        ),
        published_on="2024-06-04",
        opened_on="2024-06-25",
    )


def traffic_stage(p: Procurement, staff: dict[str, User], people: dict[str, User], state: dict):
    """The traffic pilot's Delivery work at its current stage, before its gate."""
    officer, lead = staff["vr-officer"], staff["vr-lead"]
    plan = traffic_plan()
    if p.stage == "solicitation_preparation":
        state["tender"] = prepare(officer=officer, procurement=p, plan=plan)
        state["seats"] = seat_panel(
            officer=officer,
            tender=state["tender"],
            seats=[
                (officer, "staff"),
                (lead, "staff"),
                (people["resident-amal"], "community_member"),
            ],
        )
    elif p.stage == "vendor_evaluation":
        bids = receive_bids(officer=officer, tender=state["tender"], plan=plan)
        score(seats=state["seats"], bids=bids, plan=plan)
        moderate_and_award(
            officer=officer,
            tender=state["tender"],
            bids=bids,
            winner=0,
            rationale="FlowCity had the strongest results elsewhere and the lower price; the "
            "panel noted its weaker score on control of the objective and asked for it to be "
            "covered in the pilot agreement.",
            on="2024-07-01",
        )
    elif p.stage == "solution_evaluation":
        evaluate_solution(
            officer=officer,
            tender=state["tender"],
            pilot_plan="Three months at two junctions, then six; pedestrian waits measured "
            "by the council's own counters.",
            findings=["Bus delays down 22 %.", "Pedestrian waits unchanged on average."],
            on="2024-09-27",
            users=14,
        )
    elif p.stage == "contract_negotiation":
        record_contract(
            signer=officer,
            procurement=p,
            starts="2024-11-01",
            ends="2025-10-31",
            exit_plan="Signal timing plans and junction data are returned to the council at "
            "the end of the pilot; the junctions keep their fixed-time fallback.",
            kpis=[
                KpiPlan("Bus delay reduction", "Peak-time delay against 2023", "%", "20", "10"),
                KpiPlan(
                    "Pedestrian wait",
                    "Median wait to cross, near schools",
                    "seconds",
                    "60",
                    "90",
                    direction="lower",
                    disaggregate_by="Junctions near schools\nOther junctions",
                ),
            ],
            milestones=[
                ("Installation", "0.4", "2024-12-01", "Six junctions running."),
                ("Six months", "0.6", "2025-05-01", "Bus delay KPI met, pedestrian KPI kept."),
            ],
            signed_on="2024-10-21",
        )
