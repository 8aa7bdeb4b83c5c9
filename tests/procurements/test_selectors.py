"""Reads: the portal list, the workspace list, gate checklists, a
procurement's timeline and the staff dashboard, and how many queries they run."""

from __future__ import annotations

import pytest

from participai.accounts.roles import Role
from participai.procurements import lifecycle, selectors, services
from participai.procurements.checks import PREFETCH
from participai.procurements.models import DocumentType, GateOutcome, Procurement

RATIONALE = "Recorded after the team meeting with the residents' panel."


def titles(queryset) -> list[str]:
    return [procurement.title for procurement in queryset]


# --------------------------------------------------------------------------
# public_procurements
# --------------------------------------------------------------------------


@pytest.fixture
def portal(make_procurement, make_org, make_member):
    """Three published procurements in two organisations, and one draft."""
    harbour = make_org("Harbour City Council")
    harbour_officer = make_member(harbour, Role.PROCUREMENT_OFFICER)
    made = {
        "triage": make_procurement(
            title="Triage of social-care referrals",
            mission="Everyone referred gets help in time.",
            published=True,
        ),
        "potholes": make_procurement(
            harbour,
            actor=harbour_officer,
            title="Road maintenance planning",
            mission="Safer streets for cyclists.",
            problem_statement="Potholes are found late; inspections follow complaints.",
            stage="solicitation_preparation",
            published=True,
        ),
        "chatbot": make_procurement(
            harbour,
            actor=harbour_officer,
            title="Benefits chatbot",
            mission="Answers about benefits at any hour.",
            stage="contract_monitoring",
            published=True,
        ),
        "draft": make_procurement(title="Secret draft about potholes and triage"),
    }
    return made


def test_public_procurements_lists_only_published_newest_first(portal):
    assert titles(selectors.public_procurements()) == [
        "Benefits chatbot",
        "Road maintenance planning",
        "Triage of social-care referrals",
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("triage", ["Triage of social-care referrals"]),  # title
        ("CYCLISTS", ["Road maintenance planning"]),  # mission, any case
        ("potholes", ["Road maintenance planning"]),  # problem; the draft stays hidden
        ("harbour", ["Benefits chatbot", "Road maintenance planning"]),  # organisation name
        ("harbour chatbot", ["Benefits chatbot"]),  # every term must match
        ("  chatbot   ", ["Benefits chatbot"]),
        ("blockchain", []),
    ],
)
def test_public_procurements_free_text(portal, q, expected):
    assert titles(selectors.public_procurements(q=q)) == expected


def test_public_procurements_filters(portal):
    harbour = portal["potholes"].organisation
    assert titles(selectors.public_procurements(organisation=harbour.slug)) == [
        "Benefits chatbot",
        "Road maintenance planning",
    ]
    assert titles(selectors.public_procurements(phase="delivery")) == ["Road maintenance planning"]
    assert titles(selectors.public_procurements(stage="contract_monitoring")) == [
        "Benefits chatbot"
    ]
    assert titles(selectors.public_procurements(phase="purpose", organisation=harbour.slug)) == []
    assert titles(
        selectors.public_procurements(q="streets", phase="delivery", organisation=harbour.slug)
    ) == ["Road maintenance planning"]


@pytest.mark.parametrize(
    "filters",
    [{"organisation": "atlantis"}, {"phase": "someday"}, {"stage": "daydreaming"}],
)
def test_public_procurements_unknown_filter_values_match_nothing(portal, filters):
    assert titles(selectors.public_procurements(**filters)) == []


def test_public_procurements_free_text_ignores_case_of_accented_letters(
    make_procurement, make_org, make_member
):
    avila = make_org("Ayuntamiento de Ávila")
    make_procurement(
        avila,
        actor=make_member(avila, Role.PROCUREMENT_OFFICER),
        title="Clasificación de solicitudes",
        published=True,
    )
    assert titles(selectors.public_procurements(q="ávila")) == ["Clasificación de solicitudes"]
    assert titles(selectors.public_procurements(q="CLASIFICACIÓN")) == [
        "Clasificación de solicitudes"
    ]
    # And without the accents, as people type on a keyboard without them.
    assert titles(selectors.public_procurements(q="avila clasificacion")) == [
        "Clasificación de solicitudes"
    ]


def test_organisations_with_published(portal, org):
    harbour = portal["potholes"].organisation
    assert selectors.organisations_with_published() == [
        (harbour.slug, "Harbour City Council"),
        (org.slug, "Northbridge Test Council"),
    ]


# --------------------------------------------------------------------------
# workspace_procurements
# --------------------------------------------------------------------------


def test_workspace_procurements_are_the_users_organisations_drafts_included(
    make_procurement, other_org, other_officer, officer, resident, anonymous, org
):
    make_procurement(title="Own draft")
    make_procurement(title="Own published", published=True)
    make_procurement(other_org, actor=other_officer, title="Other draft")
    make_procurement(other_org, actor=other_officer, title="Other published", published=True)
    assert set(titles(selectors.workspace_procurements(officer))) == {
        "Own draft",
        "Own published",
    }
    assert set(titles(selectors.workspace_procurements(other_officer))) == {
        "Other draft",
        "Other published",
    }
    assert titles(selectors.workspace_procurements(resident)) == []
    assert titles(selectors.workspace_procurements(anonymous)) == []
    # Narrowed to one organisation, and never widened to one the user is not in.
    assert set(titles(selectors.workspace_procurements(officer, organisation_id=org.id))) == {
        "Own draft",
        "Own published",
    }
    assert titles(selectors.workspace_procurements(officer, organisation_id=other_org.id)) == []


# --------------------------------------------------------------------------
# gate_checklist
# --------------------------------------------------------------------------


def test_gate_checklist_evaluates_the_current_stages_checks(
    make_procurement, add_text_document, officer, settle_stakes
):
    procurement = make_procurement(affected_people="")
    checklist = selectors.gate_checklist(procurement)
    assert [(check.key, check.passed) for check in checklist] == [
        ("problem_statement_written", True),
        ("affected_people_named", False),
        ("alternatives_considered", True),
        ("obligations_met", True),
    ]
    assert all(check.label and check.detail for check in checklist)

    planning = make_procurement(stage="engagement_planning", title="At engagement planning")
    # Never assessed: the assessments owed at the previous gate are overdue.
    assert [(c.key, c.passed) for c in selectors.gate_checklist(planning)] == [
        ("stage_document_present", False),
        ("procurement_published", False),
        ("obligations_met", False),
    ]
    settle_stakes(planning)
    add_text_document(planning, document_type=DocumentType.ENGAGEMENT_PLAN)
    services.procurement_publish(actor=officer, procurement=planning)
    planning.refresh_from_db()
    assert all(check.passed for check in selectors.gate_checklist(planning))


def test_gate_checklist_counts_only_documents_of_the_current_stage(
    make_procurement, add_text_document, officer, settle_stakes
):
    procurement = make_procurement()
    add_text_document(procurement, title="Written at problem definition")
    services.gate_decide(
        actor=officer, procurement=procurement, outcome=GateOutcome.PROCEED, rationale=RATIONALE
    )
    procurement.refresh_from_db()
    assert procurement.stage == "impact_assessment"
    settle_stakes(procurement)
    check, _obligations = selectors.gate_checklist(procurement)
    assert (check.key, check.passed) == ("stage_document_present", False)
    add_text_document(procurement, title="The impact assessment")
    check, _obligations = selectors.gate_checklist(procurement)
    assert check.passed


def test_gate_checklist_follows_each_stages_declaration(make_procurement):
    for key in lifecycle.STAGE_KEYS:
        procurement = make_procurement(stage=key, title=f"At {key}")
        keys = [check.key for check in selectors.gate_checklist(procurement)]
        assert keys == list(lifecycle.stage(key).gate_checks), key


# --------------------------------------------------------------------------
# procurement_timeline
# --------------------------------------------------------------------------


def _states(timeline) -> dict[str, str]:
    return {entry.stage.key: entry.state for phase in timeline for entry in phase.stages}


def _entry(timeline, key):
    return next(entry for phase in timeline for entry in phase.stages if entry.stage.key == key)


def test_timeline_groups_stages_by_phase(procurement):
    timeline = selectors.procurement_timeline(procurement, public=False)
    assert [phase.phase for phase in timeline] == ["purpose", "delivery", "impact"]
    assert [[entry.stage.key for entry in phase.stages] for phase in timeline] == [
        list(lifecycle.STAGE_KEYS[:4]),
        list(lifecycle.STAGE_KEYS[4:8]),
        list(lifecycle.STAGE_KEYS[8:]),
    ]


def test_timeline_states_of_an_active_procurement(make_procurement):
    procurement = make_procurement(stage="vendor_evaluation")
    states = _states(selectors.procurement_timeline(procurement, public=True))
    assert states == {
        "problem_definition": "done",
        "impact_assessment": "done",
        "engagement_planning": "done",
        "market_engagement": "done",
        "solicitation_preparation": "done",
        "vendor_evaluation": "current",
        "solution_evaluation": "upcoming",
        "contract_negotiation": "upcoming",
        "contract_monitoring": "upcoming",
        "review": "upcoming",
    }


@pytest.mark.parametrize(("status", "state"), [("stopped", "closed"), ("no_ai", "closed")])
def test_timeline_marks_the_stage_where_it_closed(make_procurement, close, status, state):
    procurement = close(make_procurement(stage="impact_assessment"), status)
    states = _states(selectors.procurement_timeline(procurement, public=True))
    assert states["problem_definition"] == "done"
    assert states["impact_assessment"] == state
    assert states["engagement_planning"] == "upcoming"


def test_timeline_of_a_completed_procurement_is_all_done(make_procurement, close):
    procurement = close(make_procurement(stage="review"), "completed")
    states = _states(selectors.procurement_timeline(procurement, public=True))
    assert set(states.values()) == {"done"}


def test_timeline_puts_decisions_and_documents_under_their_stage(
    make_procurement, add_text_document, officer
):
    procurement = make_procurement()
    definition_doc = add_text_document(procurement, title="Problem, in the residents' words")
    revise = services.gate_decide(
        actor=officer, procurement=procurement, outcome=GateOutcome.REVISE, rationale=RATIONALE
    )
    proceed = services.gate_decide(
        actor=officer, procurement=procurement, outcome=GateOutcome.PROCEED, rationale=RATIONALE
    )
    procurement.refresh_from_db()
    public_doc = add_text_document(procurement, title="Impact questionnaire answers")
    internal_doc = add_text_document(procurement, title="Legal memo", is_public=False)

    staff = selectors.procurement_timeline(procurement, public=False)
    assert _entry(staff, "problem_definition").decisions == [revise, proceed]
    assert _entry(staff, "problem_definition").documents == [definition_doc]
    assert _entry(staff, "impact_assessment").decisions == []
    assert _entry(staff, "impact_assessment").documents == [public_doc, internal_doc]
    assert _entry(staff, "impact_assessment").state == "current"

    public = selectors.procurement_timeline(procurement, public=True)
    assert _entry(public, "impact_assessment").documents == [public_doc]
    assert _entry(public, "problem_definition").decisions == [revise, proceed]


def test_timeline_decisions_carry_their_deciders(make_procurement, officer, org, make_member):
    procurement = make_procurement()
    lead = make_member(org, Role.PROJECT_LEAD)
    services.gate_decide(
        actor=officer,
        procurement=procurement,
        outcome=GateOutcome.REVISE,
        rationale=RATIONALE,
        deciders=[officer, lead],
    )
    timeline = selectors.procurement_timeline(procurement, public=True)
    (decision,) = _entry(timeline, "problem_definition").decisions
    assert set(decision.deciders.all()) == {officer, lead}
    assert decision.recorded_by == officer


# --------------------------------------------------------------------------
# dashboard
# --------------------------------------------------------------------------


def test_dashboard_groups_active_procurements_by_stage(
    make_procurement, add_text_document, close, officer, settle_stakes
):
    ready = make_procurement(title="Ready at definition")
    waiting = make_procurement(title="Waiting at definition", affected_people="")
    impact = make_procurement(stage="impact_assessment", title="At impact")
    planning = settle_stakes(make_procurement(stage="engagement_planning", title="At planning"))
    add_text_document(planning)
    stopped = close(make_procurement(stage="market_engagement", title="Stopped"), "stopped")
    done = close(make_procurement(stage="review", title="Done"), "completed")

    board = selectors.dashboard(Procurement.objects.order_by("title"))

    assert [column.stage.key for column in board.columns] == [
        "problem_definition",
        "impact_assessment",
        "engagement_planning",
    ]
    assert board.active_count == 4
    by_title = {item.procurement.title: item for column in board.columns for item in column.items}
    assert set(by_title) == {ready.title, waiting.title, impact.title, planning.title}
    assert [item.procurement for item in board.columns[0].items] == [ready, waiting]

    assert by_title[ready.title].ready_for_gate
    assert by_title[ready.title].waiting_for == []
    assert not by_title[waiting.title].ready_for_gate
    assert [check.key for check in by_title[waiting.title].waiting_for] == [
        "affected_people_named"
    ]
    # Not assessed yet: the obligations to assess are due at this gate.
    assert [check.key for check in by_title[impact.title].waiting_for] == [
        "stage_document_present",
        "obligations_met",
    ]
    # The planning procurement has its document but is not yet published.
    assert [check.key for check in by_title[planning.title].waiting_for] == [
        "procurement_published"
    ]
    assert {p.pk for p in board.closed} == {stopped.pk, done.pk}


def test_dashboard_counts_only_documents_of_the_current_stage(
    make_procurement, add_text_document, officer, settle_stakes
):
    procurement = settle_stakes(make_procurement(stage="impact_assessment"))
    add_text_document(procurement)
    services.gate_decide(
        actor=officer, procurement=procurement, outcome=GateOutcome.PROCEED, rationale=RATIONALE
    )
    board = selectors.dashboard([Procurement.objects.get(pk=procurement.pk)])
    (column,) = board.columns
    assert column.stage.key == "engagement_planning"
    (item,) = column.items
    assert "stage_document_present" in [check.key for check in item.waiting_for]


def test_dashboard_of_nothing(db):
    board = selectors.dashboard([])
    assert board.columns == [] and board.closed == [] and board.active_count == 0


# --------------------------------------------------------------------------
# Query counts do not grow with the rows
# --------------------------------------------------------------------------


def _fill(make_procurement, add_text_document, count: int) -> None:
    stages = lifecycle.STAGE_KEYS
    for n in range(count):
        procurement = make_procurement(stage=stages[n % len(stages)], title=f"Procurement {n}")
        add_text_document(procurement, title=f"Document {n}")
        add_text_document(procurement, title=f"Internal {n}", is_public=False)


@pytest.mark.parametrize("count", [2, 12])
def test_dashboard_runs_a_fixed_number_of_queries_whatever_the_count(
    make_procurement, add_text_document, django_assert_max_num_queries, count
):
    _fill(make_procurement, add_text_document, count)
    # The procurements, their documents (also what a check declaring
    # "documents" reads), then at most one query per other relation the checks
    # read (a nested relation costs nothing when the one above it is empty).
    relations = {
        "__".join(lookup.split("__")[: depth + 1])
        for lookup in PREFETCH
        for depth in range(len(lookup.split("__")))
    } - {"documents"}
    with django_assert_max_num_queries(2 + len(relations)) as captured:
        board = selectors.dashboard(Procurement.objects.all())
        for column in board.columns:
            for item in column.items:
                assert item.procurement.organisation_id
                item.waiting_for  # noqa: B018 - evaluated inside the block on purpose
    assert board.active_count == count
    # The documents are read once, and without their text.
    (documents_query,) = [
        q["sql"] for q in captured.captured_queries if 'FROM "procurements_document"' in q["sql"]
    ]
    assert '"procurements_document"."body"' not in documents_query


@pytest.mark.parametrize("count", [2, 12])
def test_timeline_runs_three_queries_whatever_the_count(
    make_procurement,
    add_text_document,
    officer,
    org,
    make_member,
    django_assert_num_queries,
    count,
):
    procurement = make_procurement()
    lead = make_member(org, Role.PROJECT_LEAD)
    for n in range(count):
        add_text_document(procurement, title=f"Document {n}", is_public=bool(n % 2))
        services.gate_decide(
            actor=officer,
            procurement=procurement,
            outcome=GateOutcome.REVISE,
            rationale=f"{RATIONALE} ({n})",
            deciders=[officer, lead],
        )
    procurement.refresh_from_db()
    with django_assert_num_queries(3):  # decisions (with recorder), deciders, documents
        timeline = selectors.procurement_timeline(procurement, public=True)
        entry = _entry(timeline, "problem_definition")
        names = {str(user) for decision in entry.decisions for user in decision.deciders.all()}
        recorders = {decision.recorded_by.username for decision in entry.decisions}
    assert len(entry.decisions) == count
    assert len(entry.documents) == count // 2
    assert names == {str(officer), str(lead)}
    assert recorders == {"officer"}
