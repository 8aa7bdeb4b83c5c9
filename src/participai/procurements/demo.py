"""Demo data: three public bodies, five procurements at different stages,
staff in every role, and residents. Written for the demo by the ParticipAI
team; the bodies and people are fictional.

Everything goes through the services, so the demo has a real audit trail and
every gate decision passed the same checks a real one would.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from participai.accounts import services as account_services
from participai.accounts.models import Organisation, User
from participai.accounts.roles import Role
from participai.assessment import demo as stakes
from participai.assessment.services import consequences as consequence_services
from participai.contracts import demo as monitoring_demo
from participai.engagement.services import actors as actor_services
from participai.engagement.services import plan as plan_services
from participai.participation import demo as participation_demo
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from participai.participation.services import processes as process_services
from participai.tendering import demo as tender_demo

from . import services
from .models import DocumentType, EntryRoute, GateOutcome, Procurement

DEMO_PASSWORD = "participai-demo"
MARKER_SLUG = "northbridge"


@dataclass(frozen=True)
class Login:
    username: str
    who: str


NORTHBRIDGE_STAFF = [
    ("nb-admin", "Grace", "Okafor", Role.ORG_ADMIN),
    ("nb-officer", "Priya", "Raman", Role.PROCUREMENT_OFFICER),
    ("nb-lead", "Tom", "Whitfield", Role.PROJECT_LEAD),
    ("nb-data", "Aisha", "Bello", Role.DATA_EXPERT),
    ("nb-legal", "Daniel", "Marsh", Role.LEGAL_OFFICER),
    ("nb-moderator", "Hannah", "Lowe", Role.MODERATOR),
    ("nb-facilitator", "Samuel", "Adeyemi", Role.FACILITATOR),
    ("nb-evaluator", "Fiona", "Carr", Role.EVALUATOR),
    ("nb-auditor", "Martin", "Grey", Role.AUDITOR),
]
VILANOVA_STAFF = [
    ("vr-officer", "Laia", "Puig", Role.PROCUREMENT_OFFICER),
    ("vr-lead", "Jordi", "Ferrer", Role.PROJECT_LEAD),
    ("vr-auditor", "Núria", "Soler", Role.AUDITOR),
]
ALTAMIRA_STAFF = [
    ("al-admin", "Carmen", "Ruiz", Role.ORG_ADMIN),
    ("al-lead", "Javier", "Moreno", Role.PROJECT_LEAD),
]
RESIDENTS = [
    ("resident-amal", "Amal H."),
    ("resident-joan", "Joan"),
    ("resident-ruth", "Ruth (carer)"),
]
# Sits on an evaluation panel without belonging to any public body.
INDEPENDENT_EXPERTS = [("expert-ines", "Inés Vidal")]


def demo_logins() -> list[Login]:
    logins = [Login("admin", "superuser (Django admin only)")]
    for org_name, people in (
        ("Northbridge City Council", NORTHBRIDGE_STAFF),
        ("Vilanova del Riu", VILANOVA_STAFF),
        ("Altamira", ALTAMIRA_STAFF),
    ):
        logins += [Login(username, f"{role.label} · {org_name}") for username, *_, role in people]
    logins += [Login(username, f"resident ({display})") for username, display in RESIDENTS]
    logins += [
        Login(username, f"independent expert on a panel ({display})")
        for username, display in INDEPENDENT_EXPERTS
    ]
    logins.append(Login(monitoring_demo.SUPPLIER_USERNAME, "supplier (Civic Chat Ltd)"))
    return logins


def is_loaded() -> bool:
    return Organisation.objects.filter(slug=MARKER_SLUG).exists()


def _user(username: str, first: str, last: str, email_domain: str) -> User:
    return account_services.user_create(
        username=username,
        password=DEMO_PASSWORD,
        email=f"{username}@{email_domain}",
        first_name=first,
        last_name=last,
    )


def _step(
    actor: User,
    procurement: Procurement,
    *,
    documents: list[tuple[str, str, str]],
    outcome: str,
    rationale: str,
    on: datetime.date,
    deciders: list[User],
    others: str = "",
    return_to: str = "",
) -> Procurement:
    """Document the current stage, then take its gate decision."""
    for title, doc_type, body in documents:
        services.document_add(
            actor=actor, procurement=procurement, title=title, document_type=doc_type, body=body
        )
    services.gate_decide(
        actor=actor,
        procurement=procurement,
        outcome=outcome,
        rationale=rationale,
        decided_on=on,
        deciders=deciders,
        other_deciders=others,
        return_to_stage=return_to,
        notify=False,  # past decisions: nobody needs an email about them today
    )
    procurement.refresh_from_db()
    return procurement


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# What the proportionality rules ask each gate to see published or recorded,
# in the words a demo body would use. Keyed by document type.
EVIDENCE_TEXTS: dict[str, tuple[str, str]] = {
    DocumentType.PUBLIC_NOTICE: (
        "Notice: we are considering buying an AI system",
        "What we want to achieve, what the system would and would not do, who may be "
        "affected, and how to take part or object.",
    ),
    DocumentType.PLAIN_LANGUAGE_EXPLANATION: (
        "How the system would work, in plain language",
        "What data it reads, what it suggests, who decides, and how to ask for a person.",
    ),
    DocumentType.EQUITY_ANALYSIS: (
        "Equity analysis",
        "Who could be treated worse by the system, by age, disability, language and "
        "district, and what we do about it.",
    ),
    DocumentType.INDIVIDUAL_EXPLANATIONS: (
        "How individual decisions will be explained",
        "Every person affected by a decision can ask why, and gets the main factors in "
        "plain language within ten working days.",
    ),
    DocumentType.AI_USE_DISCLOSURE: (
        "Telling people that AI is used",
        "Wording shown wherever people meet the system, and in letters, saying that an AI "
        "system is used and how to reach a person.",
    ),
    DocumentType.HUMAN_OVERSIGHT_PLAN: (
        "Human oversight and training plan",
        "A qualified member of staff takes every final decision; staff are trained before "
        "use and every year after.",
    ),
    DocumentType.EXPERT_REVIEW: (
        "Independent expert review of the system",
        "An independent reviewer tested the system on local data and reported on accuracy, "
        "errors by group and explainability.",
    ),
}


def _evidence(actor: User, procurement: Procurement, *document_types: str) -> None:
    """Publish what the stage's obligations ask for (see ``EVIDENCE_TEXTS``)."""
    for document_type in document_types:
        title, body = EVIDENCE_TEXTS[document_type]
        services.document_add(
            actor=actor,
            procurement=procurement,
            title=title,
            document_type=document_type,
            body=body,
        )


@transaction.atomic
def load() -> list[Login]:
    """Create the demo. Precondition: not loaded yet (see :func:`is_loaded`)."""
    account_services.user_create(
        username="admin", password=DEMO_PASSWORD, email="admin@example.org", is_superuser=True
    )

    northbridge = account_services.organisation_create(
        actor=None,
        name="Northbridge City Council",
        slug="northbridge",
        country="GB",
        kind=Organisation.Kind.MUNICIPALITY,
        description="A city council of 310,000 residents running adult social care, "
        "council tax and local services.",
    )
    vilanova = account_services.organisation_create(
        actor=None,
        name="Ajuntament de Vilanova del Riu",
        slug="vilanova",
        country="ES",
        kind=Organisation.Kind.MUNICIPALITY,
        description="A municipality of 68,000 people on the Catalan coast.",
    )
    altamira = account_services.organisation_create(
        actor=None,
        name="Regional Government of Altamira",
        slug="altamira",
        country="ES",
        kind=Organisation.Kind.REGION,
        description="A regional government responsible for housing, energy and social services.",
    )

    staff: dict[str, User] = {}
    for organisation, people in (
        (northbridge, NORTHBRIDGE_STAFF),
        (vilanova, VILANOVA_STAFF),
        (altamira, ALTAMIRA_STAFF),
    ):
        for username, first, last, role in people:
            staff[username] = _user(username, first, last, f"{organisation.slug}.example")
            account_services.membership_grant(
                actor=None, organisation=organisation, user=staff[username], role=role
            )
    # Residents and experts: no membership; some sit on evaluation panels.
    people: dict[str, User] = {}
    for username, display in RESIDENTS + INDEPENDENT_EXPERTS:
        people[username] = account_services.user_create(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@residents.example",
            display_name=display,
        )

    _social_care_triage(northbridge, staff, people)
    _council_tax_chatbot(northbridge, staff, people)
    _traffic_signals(vilanova, staff, people)
    _energy_poverty(altamira, staff)
    _home_care_waiting(altamira, staff)
    participation_demo.compute_insights()

    return demo_logins()


TRIAGE_PROBLEM = """Adult social care in Northbridge receives about 1,400 referrals a month \
from GPs, hospitals, families and residents themselves. Each is read by a duty social worker \
who decides how urgent it is. Waiting times for a first contact have grown from 4 to 19 days \
in two years, and two serious case reviews found that urgent referrals waited in the same \
queue as routine ones.

We need urgent referrals to reach a social worker the same day, and every resident to get a \
first contact within seven days. We are **not** seeking a system that decides eligibility for \
care: that decision stays with a qualified social worker."""

TRIAGE_AFFECTED = """Older and disabled residents and their unpaid carers who are referred to \
adult social care; duty social workers and their union; GPs and hospital discharge teams who \
refer; advocacy organisations (Age UK Northbridge, the Deaf Centre)."""


def _social_care_triage(
    org: Organisation, staff: dict[str, User], people: dict[str, User]
) -> None:
    officer, lead, legal = staff["nb-officer"], staff["nb-lead"], staff["nb-legal"]
    p = services.procurement_create(
        actor=lead,
        organisation=org,
        title="AI-assisted triage of adult social-care referrals",
        mission="Every resident referred to adult social care gets a first contact within "
        "seven days, and urgent cases the same day.",
        problem_statement=TRIAGE_PROBLEM,
        affected_people=TRIAGE_AFFECTED,
        non_ai_alternatives="Hiring four more duty social workers (costed at £210,000 a year) "
        "and a structured referral form were tried in 2024; the form cut incomplete referrals "
        "by a third but did not shorten the queue. Both stay in place whatever is bought.",
        entry_route=EntryRoute.FORMAL_TENDER,
        estimated_value=Decimal("850000"),
        currency="GBP",
    )
    p = _step(
        lead,
        p,
        documents=[
            (
                "Problem statement and referral data, 2023–2025",
                DocumentType.NEEDS_ASSESSMENT,
                "Monthly referrals, waiting times and outcomes by referral source, with the "
                "findings of the two serious case reviews.",
            )
        ],
        outcome=GateOutcome.PROCEED,
        rationale="The problem is stated as an outcome (time to first contact), eligibility "
        "decisions are out of scope, and the non-AI measures already taken are documented.",
        on=_d("2026-01-20"),
        deciders=[lead, officer],
    )
    services.procurement_publish(actor=officer, procurement=p)
    _triage_stakes(lead, p)
    # Level III makes the deliberation with residents before the problem was
    # fixed an obligation: the workshops of January answer it.
    _triage_actor_map(lead, p)
    _triage_workshops(lead, p, staff)
    _evidence(lead, p, DocumentType.EQUITY_ANALYSIS)
    p = _step(
        lead,
        p,
        documents=[
            (
                "Algorithmic impact assessment and AI Act screening",
                DocumentType.IMPACT_ASSESSMENT,
                "Impact level III (high). Annex III area 5: access to essential public "
                "services. A fundamental rights impact assessment is required before use.",
            )
        ],
        outcome=GateOutcome.PROCEED,
        rationale="High impact confirmed. Proceeding on condition that affected residents and "
        "frontline social workers shape the requirements and sit on the evaluation panel.",
        on=_d("2026-03-04"),
        deciders=[lead, officer],
        others="Data protection officer",
    )
    _triage_plan(lead, p, staff)
    p = _step(
        lead,
        p,
        documents=[
            (
                "Engagement plan: who takes part, when and how",
                DocumentType.ENGAGEMENT_PLAN,
                "Two workshops with residents who have used adult social care and their "
                "carers (with the advocacy organisations); interviews with 12 duty social "
                "workers; an online consultation on the draft requirements; two community "
                "members on the evaluation panel.",
            )
        ],
        outcome=GateOutcome.PROCEED,
        rationale="The plan reaches people who are offline through the advocacy organisations "
        "and gives the community a scoring voice in evaluation.",
        on=_d("2026-04-15"),
        deciders=[lead, officer],
    )
    _evidence(officer, p, DocumentType.PUBLIC_NOTICE, DocumentType.PLAIN_LANGUAGE_EXPLANATION)
    p = _step(
        officer,
        p,
        documents=[
            (
                "Market engagement notice and supplier questions",
                DocumentType.MARKET_NOTICE,
                "Open day for suppliers on 12 May 2026, observed by two members of the "
                "community advisory group. 14 suppliers attended; questions and answers "
                "are published.",
            )
        ],
        outcome=GateOutcome.PROCEED,
        rationale="Suppliers confirmed the outcome can be specified without naming a product; "
        "several offered explainability of individual triage suggestions.",
        on=_d("2026-05-28"),
        deciders=[officer],
    )
    _evidence(
        officer,
        p,
        DocumentType.INDIVIDUAL_EXPLANATIONS,
        DocumentType.AI_USE_DISCLOSURE,
        DocumentType.HUMAN_OVERSIGHT_PLAN,
    )
    tender_demo.prepare(officer=officer, procurement=p, plan=tender_demo.triage_plan(p))
    p = _step(
        officer,
        p,
        documents=[
            (
                "Invitation to tender",
                DocumentType.TENDER_NOTICE,
                "Outcome-based requirements; responsible-AI criteria weigh 30 % of the "
                "score; staggered payments tied to KPIs; audit rights that include "
                "community members; an exit and data-handover plan.",
            )
        ],
        outcome=GateOutcome.PROCEED,
        rationale="Legal sign-off on clauses for data handover, audit and incident reporting. "
        "Residents' priorities from the consultation are traced into the requirements.",
        on=_d("2026-07-10"),
        deciders=[officer, legal],
    )
    tender_demo.deliver_triage(p, staff, people)


def _triage_stakes(lead: User, p: Procurement) -> None:
    """Level III, high risk under Annex III 5(a), so a rights assessment, and the
    consequences the team found in its scanning workshop."""
    stakes.assess(actor=lead, procurement=p, level=3)
    stakes.screen(
        actor=lead,
        procurement=p,
        answers={"annex_iii_points": ["5(a)"], "profiles_people": True},
    )
    stakes.assess_rights(
        actor=lead,
        procurement=p,
        texts={
            "processes": "Triage of referrals to adult social care: the system suggests an "
            "urgency band for each referral; a duty social worker decides.",
            "period_and_frequency": "Every referral (about 1,400 a month), every working day, "
            "for the three years of the contract and any extension.",
            "affected_groups": "Older residents referred to adult social care\n"
            "Disabled residents and their unpaid carers\n"
            "Residents who write little or no English\n"
            "Duty social workers",
            "risks": "Urgent referrals suggested as routine, especially when written by "
            "families rather than professionals\n"
            "People with little written English under-ranked\n"
            "Social workers deferring to the suggestion",
            "oversight_measures": "A duty social worker confirms or changes every suggested "
            "band before it is used, sees the main factors behind it, and records why when "
            "changing it. Weekly sample review by a senior practitioner.",
            "response_measures": "The suggestion can be switched off in a day; referrals "
            "then go back to the manual queue. Complaints go through the council's "
            "complaints process and the ombudsman; a quarterly review with the community "
            "advisory group.",
            "summary": "Decision support for triaging adult social-care referrals. A human "
            "decides every case; risks of under-ranking some groups are monitored monthly "
            "with disaggregated KPIs.",
        },
    )
    for prompt, description, intention, effect, group, response, owner in (
        (
            "intended_benefit",
            "Urgent referrals reach a social worker the same day.",
            "intended",
            "positive",
            "Residents referred to adult social care",
            "act",
            "Head of adult social care",
        ),
        (
            "bias_history",
            "Referrals written by families are ranked lower than those from professionals, "
            "because they are less structured.",
            "unintended",
            "negative",
            "Families and unpaid carers",
            "act",
            "Data expert",
        ),
        (
            "automation_rubber_stamp",
            "Social workers stop reading referrals in full and follow the suggestion.",
            "unintended",
            "negative",
            "Duty social workers and the people they assess",
            "monitor",
            "Principal social worker",
        ),
        (
            "automation_dependence",
            "The referral data stays with the supplier and cannot be moved at the end of "
            "the contract.",
            "unintended",
            "negative",
            "The council and future residents",
            "influence",
            "Legal officer",
        ),
    ):
        consequence_services.consequence_add(
            actor=lead,
            procurement=p,
            description=description,
            intention=intention,
            effect=effect,
            affected_group=group,
            response=response,
            owner=owner,
            prompt_key=prompt,
        )


# name, kind, sector, affected, influence, interest, depth per stage
TRIAGE_ACTORS = (
    (
        "Residents who use adult social care, and their carers",
        "affected_community",
        "general_public",
        True,
        2,
        5,
        {
            "problem_definition": "consult",
            "impact_assessment": "involve",
            "engagement_planning": "involve",
            "solicitation_preparation": "consult",
            "vendor_evaluation": "collaborate",
            "contract_monitoring": "involve",
        },
    ),
    (
        "Duty social workers (Unison branch)",
        "frontline_worker",
        "civil_society",
        True,
        3,
        5,
        {
            "problem_definition": "involve",
            "engagement_planning": "consult",
            "solution_evaluation": "involve",
        },
    ),
    (
        "Age UK Northbridge and the Deaf Centre",
        "civil_society",
        "civil_society",
        False,
        3,
        4,
        {"problem_definition": "involve", "engagement_planning": "collaborate"},
    ),
    (
        "Independent reviewer, University of Northbridge",
        "independent_expert",
        "academia",
        False,
        2,
        3,
        {
            "impact_assessment": "involve",
            "engagement_planning": "involve",
            "solution_evaluation": "collaborate",
        },
    ),
    (
        "Data protection officer",
        "oversight_body",
        "public_administration",
        False,
        4,
        3,
        {"impact_assessment": "consult", "contract_negotiation": "involve"},
    ),
    (
        "Director of adult social care",
        "senior_leadership",
        "public_administration",
        False,
        5,
        4,
        {"problem_definition": "collaborate", "contract_negotiation": "empower"},
    ),
)


def _triage_actor_map(lead: User, p: Procurement) -> None:
    for name, kind, sector, affected, influence, interest, depths in TRIAGE_ACTORS:
        stakeholder = actor_services.actor_add(
            actor=lead,
            procurement=p,
            name=name,
            kind=kind,
            sector=sector,
            is_affected=affected,
            influence=influence,
            interest=interest,
        )
        actor_services.involvements_set(actor=lead, stakeholder=stakeholder, depths=depths)


def _triage_workshops(lead: User, p: Procurement, staff: dict[str, User]) -> None:
    """The workshops with residents and carers held while the problem was defined."""
    plan_services.activity_add(
        actor=lead,
        procurement=p,
        mechanism_key="co_design_workshop",
        stage="problem_definition",
        title="Workshops with residents and carers on what a good first contact is",
        target_actors=[p.actors.get(kind="affected_community")],
        starts_on=_d("2026-01-08"),
        ends_on=_d("2026-01-15"),
        owner=staff["nb-facilitator"],
        status="done",
        outputs="Two workshops, 31 people (9 through the advocacy organisations). "
        "Same-day contact for urgent cases came first; a named person to call came second.",
    )


def _triage_plan(lead: User, p: Procurement, staff: dict[str, User]) -> None:
    """Interviews with social workers done, and the recommender's proposals for
    the rest left for the team to review."""
    workers = p.actors.get(kind="frontline_worker")
    plan_services.activity_add(
        actor=lead,
        procurement=p,
        mechanism_key="frontline_staff_interviews",
        stage="engagement_planning",
        title="Interviews and a workshop with duty social workers",
        target_actors=[workers],
        starts_on=_d("2026-04-02"),
        ends_on=_d("2026-04-10"),
        owner=staff["nb-lead"],
        status="done",
        outputs="12 interviews. Social workers want to see why a band was suggested and to "
        "override it without a form.",
    )
    plan_services.plan_recommend(actor=lead, procurement=p)


def _council_tax_chatbot(
    org: Organisation, staff: dict[str, User], people: dict[str, User]
) -> None:
    officer, lead, legal = staff["nb-officer"], staff["nb-lead"], staff["nb-legal"]
    p = services.procurement_create(
        actor=lead,
        organisation=org,
        title="Council-tax enquiries chatbot",
        mission="Residents get accurate answers about council tax at any hour, and phone lines "
        "are free for people who need to talk to someone.",
        problem_statement="Two thirds of the 9,000 monthly council-tax calls ask the same "
        "twenty questions (due dates, discounts, moving home). Callers wait 25 minutes at peak "
        "times, and people in arrears who need a payment plan wait behind them. We want simple "
        "questions answered online, with a clear route to a person, and no decision about "
        "anyone's account taken by the system.",
        affected_people="Council-tax payers, especially people in arrears and people who do not "
        "use the web; contact-centre staff.",
        non_ai_alternatives="Rewriting the council-tax web pages (done in 2025) and a call-back "
        "service. The chatbot only links to those pages and hands over to staff.",
        entry_route=EntryRoute.FRAMEWORK,
        estimated_value=Decimal("95000"),
        currency="GBP",
    )
    # What each gate's obligations ask for, done before the gate (level I,
    # limited risk: people must be told they talk to an AI system).
    chatbot_evidence = {
        "market_engagement": (
            DocumentType.PUBLIC_NOTICE,
            DocumentType.PLAIN_LANGUAGE_EXPLANATION,
        ),
        "solicitation_preparation": (DocumentType.AI_USE_DISCLOSURE,),
    }
    steps = [
        (
            lead,
            "Problem statement",
            DocumentType.PROBLEM_STATEMENT,
            "2025-02-03",
            "Scope limited to general information; no access to individual accounts.",
        ),
        (
            lead,
            "Impact assessment",
            DocumentType.IMPACT_ASSESSMENT,
            "2025-02-24",
            "Level I. Transparency duty under the AI Act: residents must be told they are talking "
            "to an AI system.",
        ),
        (
            lead,
            "Engagement plan",
            DocumentType.ENGAGEMENT_PLAN,
            "2025-03-17",
            "Light path: user testing with 20 residents, including five who rarely use the web.",
        ),
        (
            officer,
            "Framework call-off notice",
            DocumentType.MARKET_NOTICE,
            "2025-04-07",
            "Call-off under the regional digital services framework.",
        ),
        (
            officer,
            "Call-off specification",
            DocumentType.TENDER_NOTICE,
            "2025-05-05",
            "Answers only from the council's published pages; hand-over to a person on request.",
        ),
        (
            officer,
            "Evaluation report",
            DocumentType.EVALUATION_REPORT,
            "2025-06-02",
            "Three framework suppliers compared; the winner scored highest on accessibility.",
        ),
        (
            officer,
            "User testing report",
            DocumentType.EVALUATION_REPORT,
            "2025-07-14",
            "Residents found the hand-over to a person too hidden; fixed before launch.",
        ),
        (
            officer,
            "Signed call-off contract",
            DocumentType.CONTRACT,
            "2025-08-01",
            "KPIs: answer accuracy ≥ 95 % on monthly samples; hand-over within one click.",
        ),
    ]
    delivery: dict = {}  # the tender and panel, carried from stage to stage
    for actor, title, doc_type, on, body in steps:
        if p.stage == "impact_assessment":
            stakes.assess(actor=lead, procurement=p, level=1)
            stakes.screen(actor=lead, procurement=p, answers={"interacts_with_people": True})
        if actor is lead and p.stage == "engagement_planning":
            services.procurement_publish(actor=officer, procurement=p)
        _evidence(actor, p, *chatbot_evidence.get(p.stage, ()))
        tender_demo.chatbot_stage(p, staff, people, delivery)
        deciders = [actor] if actor is officer else [actor, officer]
        if p.stage == "contract_negotiation":
            deciders = [officer, legal]
        p = _step(
            actor,
            p,
            documents=[(title, doc_type, body)],
            outcome=GateOutcome.PROCEED,
            rationale=f"{title} reviewed and accepted. {body}",
            on=_d(on),
            deciders=deciders,
        )
    services.document_add(
        actor=officer,
        procurement=p,
        title="Monitoring report, first quarter",
        document_type=DocumentType.MONITORING_REPORT,
        body="Accuracy 96.8 % on 400 sampled answers. Calls down 31 %. 12 complaints, "
        "all about the chatbot not recognising Welsh place names; fixed in March.",
    )
    monitoring_demo.chatbot_monitoring(p, staff, people, password=DEMO_PASSWORD)


def _traffic_signals(org: Organisation, staff: dict[str, User], people: dict[str, User]) -> None:
    officer, lead = staff["vr-officer"], staff["vr-lead"]
    p = services.procurement_create(
        actor=lead,
        organisation=org,
        title="Traffic-signal optimisation pilot",
        mission="Safer and quicker journeys on the coastal road for people on foot, on bikes, "
        "on buses and in cars.",
        problem_statement="At the six junctions of the Passeig Marítim, buses lose up to 9 "
        "minutes at peak times and pedestrians wait up to 110 seconds to cross. Fixed signal "
        "timings were set in 2012 and do not follow the summer population, which doubles. We "
        "want shorter waits for buses and pedestrians without more accidents.",
        affected_people="Pedestrians (especially older people and children near the schools), "
        "cyclists, bus users and drivers, residents of the seafront, the bus operator.",
        non_ai_alternatives="Seasonal fixed timing plans drawn up by the traffic engineers.",
        entry_route=EntryRoute.PILOT,
        estimated_value=Decimal("180000"),
    )
    # Level II, minimal risk under the AI Act (signal timing is not a safety
    # component here: the junctions keep their fail-safe controllers).
    traffic_evidence = {
        "impact_assessment": (DocumentType.EQUITY_ANALYSIS,),
        "market_engagement": (
            DocumentType.PUBLIC_NOTICE,
            DocumentType.PLAIN_LANGUAGE_EXPLANATION,
        ),
        "solicitation_preparation": (DocumentType.INDIVIDUAL_EXPLANATIONS,),
        "solution_evaluation": (DocumentType.EXPERT_REVIEW,),
    }
    steps = [
        (lead, "Problem statement", DocumentType.PROBLEM_STATEMENT, "2024-03-04"),
        (lead, "Impact assessment", DocumentType.IMPACT_ASSESSMENT, "2024-03-25"),
        (lead, "Engagement plan", DocumentType.ENGAGEMENT_PLAN, "2024-04-15"),
        (officer, "Pilot notice", DocumentType.MARKET_NOTICE, "2024-05-06"),
        (officer, "Pilot specification", DocumentType.TENDER_NOTICE, "2024-06-03"),
        (officer, "Award report", DocumentType.EVALUATION_REPORT, "2024-07-01"),
        (officer, "Pilot test results", DocumentType.EVALUATION_REPORT, "2024-09-30"),
        (officer, "Pilot agreement", DocumentType.CONTRACT, "2024-10-21"),
        (officer, "Monitoring reports, six months", DocumentType.MONITORING_REPORT, "2025-05-05"),
    ]
    delivery: dict = {}  # the tender and panel, carried from stage to stage
    for actor, title, doc_type, on in steps:
        if p.stage == "impact_assessment":
            stakes.assess(actor=lead, procurement=p, level=2)
            stakes.screen(actor=lead, procurement=p)
        if p.stage == "engagement_planning":
            services.procurement_publish(actor=officer, procurement=p)
        _evidence(actor, p, *traffic_evidence.get(p.stage, ()))
        tender_demo.traffic_stage(p, staff, people, delivery)
        p = _step(
            actor,
            p,
            documents=[(title, doc_type, f"{title} for the traffic-signal pilot.")],
            outcome=GateOutcome.PROCEED,
            rationale=f"{title} reviewed by the mobility department and accepted.",
            on=_d(on),
            deciders=[actor],
        )
    _step(
        officer,
        p,
        documents=[
            (
                "Review and lessons learned",
                DocumentType.LESSONS_LEARNED,
                "Bus delays fell by 22 %, but pedestrian waits **rose** at two junctions "
                "near schools because the model optimised vehicle flow. The supplier could "
                "not change the objective without a new licence, and signal data stayed in "
                "its cloud. Lessons: write pedestrian outcomes into the KPIs; secure rights "
                "to the data and the model's objective at contracting; involve the schools' "
                "parents' associations in the pilot design.",
            )
        ],
        outcome=GateOutcome.STOP,
        rationale="The pilot worsened waiting times for pedestrians near two schools and the "
        "contract gave the city no way to change the optimisation objective. Stopped at the "
        "end of the pilot; signal timings return to seasonal fixed plans.",
        on=_d("2025-06-16"),
        deciders=[officer, lead],
        others="Mobility committee of the city council",
    )


def _energy_poverty(org: Organisation, staff: dict[str, User]) -> None:
    services.procurement_create(
        actor=staff["al-lead"],
        organisation=org,
        title="Finding households at risk of energy poverty",
        mission="No household in Altamira goes without heating or light because it did not "
        "know about the help it is entitled to.",
        problem_statement="About 40 % of households eligible for the regional energy bonus "
        "never apply. Social services learn of them when supplies are cut.",
        affected_people="",
        entry_route=EntryRoute.OTHER,
    )


def _home_care_waiting(org: Organisation, staff: dict[str, User]) -> None:
    lead, admin = staff["al-lead"], staff["al-admin"]
    p = services.procurement_create(
        actor=lead,
        organisation=org,
        title="Shorter waits for home-care assessments",
        mission="People who need care at home are assessed within 30 days of asking.",
        problem_statement="Requests for a dependency assessment wait on average 147 days. "
        "Assessors spend a third of their time on scheduling and travel. The region is "
        "considering scheduling software, some of it marketed with AI route planning, and "
        "wants residents, carers and assessors to define the problem first: what matters most "
        "to the people waiting, and what the assessors need, before any product is discussed. "
        "A hearing with carers' associations is planned.",
        affected_people="People waiting for a dependency assessment and their families; "
        "assessors; home-care providers.",
        non_ai_alternatives="More assessors; assessments by video for reviews; grouping visits "
        "by district by hand.",
        entry_route=EntryRoute.FORMAL_TENDER,
        estimated_value=Decimal("420000"),
    )
    services.procurement_publish(actor=admin, procurement=p)
    _home_care_consultation(lead, p)


# What residents, carers and assessors said in the open consultation (the
# pseudonyms are guests; one is a resident's account).
HOME_CARE_COMMENTS = [
    (
        "Mercè, carer",
        "My mother waited five months. What we needed most was to know *when* someone would "
        "come, not a faster visit.",
        ["The letter gave no date at all; we phoned every week."],
    ),
    (
        "Assessor in the north district",
        "Half of my week is spent driving between villages. Grouping visits by area would help "
        "before any software does.",
        [],
    ),
    (
        "Pau",
        "Whatever tool you buy, a person must still decide the level of care. Say so in the "
        "tender.",
        ["Agreed: a route planner is fine, a scoring tool is not."],
    ),
]
HOME_CARE_STATEMENTS = [
    "People waiting should be told a date for their assessment within a week of asking.",
    "Review assessments can be done by video when the person agrees.",
    "Software may plan routes but must never rank who is assessed first.",
    "The region should hire assessors before it buys software.",
]


def _home_care_consultation(lead: User, p: Procurement) -> None:
    """An open consultation on the problem, so the portal shows participation at work."""
    now = timezone.now()
    process = process_services.process_create(
        actor=lead,
        procurement=p,
        title="What should a shorter wait look like?",
        slug="what-matters-while-waiting",
        question="What matters most to you while you wait for a home-care assessment, "
        "and what should change first?",
        description="Tell us in your own words, reply to others, and vote on the statements "
        "people have written. The hearing with carers' associations will start from what is "
        "said here.",
        negotiable="How the problem is described, what counts as a shorter wait, and which "
        "measures the region tries first.",
        not_negotiable="The legal deadline of 30 days and the assessors' professional "
        "judgement on the level of care.",
        decision_stage="diagnosis",
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=40),
    )
    comments = process_services.module_add(
        actor=lead, process=process, kind="comments", title="Your experience and ideas"
    )
    statements = process_services.module_add(
        actor=lead, process=process, kind="statements", title="Statements to vote on"
    )
    process_services.process_publish(actor=lead, process=process)
    voters = [participant_services.guest_join(pseudonym=f"Neighbour {n}") for n in range(1, 7)]
    for pseudonym, text, replies in HOME_CARE_COMMENTS:
        author = participant_services.guest_join(pseudonym=pseudonym)
        comment = contribution_services.contribution_add(
            participant=author, module=comments, body=text
        )
        for reply in replies:
            contribution_services.contribution_add(
                participant=voters[len(replies)],
                module=comments,
                body=reply,
                parent=comment,
            )
        for voter in voters[: 1 + len(text) % 4]:
            contribution_services.contribution_support(participant=voter, contribution=comment)
    contribution_services.contribution_add(
        participant=participant_services.guest_join(pseudonym="Rosa, 82"),
        module=comments,
        body="I do not use the internet. The social worker at the day centre wrote this for "
        "me: please phone people, do not only send letters.",
        channel="in_person",
        entered_by=lead,
    )
    choices = ["agree", "agree", "disagree", "pass", "agree", "agree"]
    for index, text in enumerate(HOME_CARE_STATEMENTS):
        statement = contribution_services.contribution_add(
            participant=voters[index], module=statements, body=text
        )
        for offset, voter in enumerate(voters):
            if voter != voters[index]:
                contribution_services.statement_vote(
                    participant=voter,
                    statement=statement,
                    choice=choices[(index + offset) % len(choices)],
                )
    participation_demo.load_home_care_instruments(lead, p, process)
