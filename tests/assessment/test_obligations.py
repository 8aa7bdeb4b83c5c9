"""Obligations on a real procurement: stakes, evidence, the gate check, exemptions,
the staff page and the public API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.roles import Role
from participai.assessment.evidence import (
    REGISTRY,
    Evidence,
    EvidenceContext,
    evidence_for,
    obligation_evidence,
)
from participai.assessment.models import ObligationExemption
from participai.assessment.proportionality import Obligation
from participai.assessment.selectors.obligations import (
    obligation_statuses,
    obligations_due,
    stakes_of,
)
from participai.assessment.services.obligations import obligation_exempt
from participai.core.models import AuditEvent
from participai.procurements import selectors as procurement_selectors
from participai.procurements import services as procurement_services
from participai.procurements.models import DocumentType, GateDecision, GateOutcome

JUSTIFICATION = (
    "The equity analysis of the regional benefits system, done in 2025, covers this use."
)


def _states(procurement) -> dict[str, str]:
    return {s.obligation.key: s.state for s in obligation_statuses(procurement)}


def _check(procurement, key="obligations_met"):
    return next(c for c in procurement_selectors.gate_checklist(procurement) if c.key == key)


def _document(officer, procurement, document_type, *, is_public=True):
    return procurement_services.document_add(
        actor=officer,
        procurement=procurement,
        title=f"The {document_type}",
        document_type=document_type,
        body="Written for the test.",
        is_public=is_public,
    )


# --------------------------------------------------------------------------
# Stakes and states
# --------------------------------------------------------------------------


def test_an_unassessed_procurement_owes_its_assessments_first(make_procurement):
    procurement = make_procurement(stage="impact_assessment")
    assert stakes_of(procurement).impact_level is None
    states = _states(procurement)
    assert states["complete_impact_assessment"] == "unmet"
    assert states["complete_ai_act_screening"] == "unmet"
    check = _check(procurement)
    assert not check.passed
    assert "2 of 2 obligations are not met" in check.detail


def test_settled_stakes_meet_the_assessment_obligations(make_procurement, settle_stakes):
    procurement = settle_stakes(make_procurement(stage="impact_assessment"), level=1)
    stakes = stakes_of(procurement)
    assert (stakes.impact_level, stakes.ai_act_class) == (1, "minimal")
    states = _states(procurement)
    assert "complete_impact_assessment" not in states  # applies only while unknown
    assert _check(procurement).passed


def test_level_two_owes_an_equity_analysis_met_by_a_document(
    make_procurement, settle_stakes, officer
):
    procurement = settle_stakes(make_procurement(stage="impact_assessment"), level=2)
    (status,) = obligations_due(procurement)
    assert (status.obligation.key, status.state) == ("equity_analysis", "unmet")
    assert "Equity analysis" in status.evidence.detail
    assert not _check(procurement).passed
    _document(officer, procurement, DocumentType.EQUITY_ANALYSIS, is_public=False)
    (status,) = obligations_due(procurement)
    assert status.state == "met"
    assert _check(procurement).passed


def test_a_public_notice_must_be_public(make_procurement, settle_stakes, officer):
    procurement = settle_stakes(make_procurement(stage="market_engagement"))
    _document(officer, procurement, DocumentType.PUBLIC_NOTICE, is_public=False)
    status = next(
        s for s in obligation_statuses(procurement) if s.obligation.key == "public_notice"
    )
    assert status.state == "unmet"
    assert "not public" in status.evidence.detail
    _document(officer, procurement, DocumentType.PUBLIC_NOTICE, is_public=True)
    assert _states(procurement)["public_notice"] == "met"


def test_a_high_risk_use_owes_a_rights_assessment(make_procurement, settle_stakes, officer):
    from participai.assessment.services import screening as screening_services

    procurement = settle_stakes(
        make_procurement(stage="impact_assessment"),
        level=3,
        ai_act_class="high_risk",
        fria_required=True,
        eu_registration_required=True,
    )
    assert _states(procurement)["fundamental_rights_impact_assessment"] == "unmet"
    assessment = screening_services.rights_assessment_start(actor=officer, procurement=procurement)
    screening_services.rights_assessment_save(
        actor=officer,
        assessment=assessment,
        texts={point: "Answered." for point in assessment.POINTS},
    )
    screening_services.rights_assessment_complete(actor=officer, assessment=assessment)
    assert _states(procurement)["fundamental_rights_impact_assessment"] == "met"


def test_a_banned_practice_blocks_the_current_gate_and_cannot_proceed(
    make_procurement, settle_stakes, officer
):
    procurement = settle_stakes(make_procurement(), ai_act_class="prohibited")
    assert _states(procurement)["do_not_proceed"] == "blocking"
    check = _check(procurement)
    assert not check.passed and "must not go ahead" in check.detail
    with pytest.raises(ValidationError):
        procurement_services.gate_decide(
            actor=officer,
            procurement=procurement,
            outcome=GateOutcome.PROCEED,
            rationale="We would like to go ahead anyway, for the record.",
        )
    # Stopping is always possible.
    procurement_services.gate_decide(
        actor=officer,
        procurement=procurement,
        outcome=GateOutcome.STOP,
        rationale="A banned practice: the procurement stops here.",
    )
    assert GateDecision.objects.get().outcome == GateOutcome.STOP


def test_statuses_run_a_fixed_number_of_queries(
    make_procurement, settle_stakes, officer, django_assert_max_num_queries
):
    procurement = settle_stakes(make_procurement(stage="contract_negotiation"), level=4)
    for document_type in (DocumentType.PUBLIC_NOTICE, DocumentType.EQUITY_ANALYSIS):
        _document(officer, procurement, document_type)
    with django_assert_max_num_queries(12):
        statuses = obligation_statuses(procurement)
    assert len(statuses) > 8


# --------------------------------------------------------------------------
# The evidence registry
# --------------------------------------------------------------------------


def _obligation(kind="review", **requirement) -> Obligation:
    return Obligation(
        key="made_up",
        stage="impact_assessment",
        kind=kind,
        text={"en": "Made up", "es": "Inventada", "ca": "Inventada"},
        reason={"en": "Because", "es": "Porque", "ca": "Perquè"},
        requirement=requirement,
        gate="impact_assessment",
    )


def test_the_most_specific_evidence_wins_and_unknown_subjects_are_unmet(procurement):
    context = EvidenceContext.of(procurement)
    key = ("review", "made_up_subject")
    try:

        @obligation_evidence(*key)
        def _always(context, obligation):
            return Evidence(True, "Shown by the test.")

        assert evidence_for(context, _obligation(subject="made_up_subject")).met
        unknown = evidence_for(context, _obligation(subject="something_else"))
        assert not unknown.met and "Nothing on the platform" in unknown.detail
        with pytest.raises(ValueError, match="registered twice"):
            obligation_evidence(*key)(_always)
    finally:
        REGISTRY.pop(key, None)


# --------------------------------------------------------------------------
# Exemptions
# --------------------------------------------------------------------------


@pytest.fixture
def legal(org, make_member):
    return make_member(org, Role.LEGAL_OFFICER)


@pytest.fixture
def level_two(make_procurement, settle_stakes):
    return settle_stakes(make_procurement(stage="impact_assessment", published=True), level=2)


def test_a_justified_exemption_lets_the_gate_pass_and_is_audited(level_two, legal, officer):
    exemption = obligation_exempt(
        actor=legal,
        procurement=level_two,
        obligation_key="equity_analysis",
        justification=JUSTIFICATION,
    )
    assert (exemption.gate, exemption.recorded_by) == ("impact_assessment", legal)
    assert _states(level_two)["equity_analysis"] == "exempt"
    check = _check(level_two)
    assert check.passed and "exemption" in check.detail
    event = AuditEvent.objects.get(action="obligation.exempted")
    assert event.data["justification"] == JUSTIFICATION
    with pytest.raises(ObligationExemption.Immutable):
        exemption.delete()
    with pytest.raises(ObligationExemption.Immutable):
        exemption.save()


@pytest.mark.parametrize(
    ("key", "justification", "field"),
    [
        ("equity_analysis", "Because.", "justification"),
        ("no_such_obligation", JUSTIFICATION, "obligation_key"),
        ("second_expert_review", JUSTIFICATION, "obligation_key"),  # level IV only
    ],
)
def test_bad_exemptions_are_refused_and_nothing_is_recorded(
    level_two, legal, key, justification, field
):
    with pytest.raises(ValidationError) as caught:
        obligation_exempt(
            actor=legal, procurement=level_two, obligation_key=key, justification=justification
        )
    assert set(caught.value.message_dict) == {field}
    assert not ObligationExemption.objects.exists()
    assert not AuditEvent.objects.filter(action="obligation.exempted").exists()


def test_a_met_or_already_exempted_obligation_is_refused(level_two, legal, officer):
    obligation_exempt(
        actor=legal,
        procurement=level_two,
        obligation_key="equity_analysis",
        justification=JUSTIFICATION,
    )
    with pytest.raises(ValidationError, match="already recorded"):
        obligation_exempt(
            actor=legal,
            procurement=level_two,
            obligation_key="equity_analysis",
            justification=JUSTIFICATION,
        )
    _document(officer, level_two, DocumentType.PUBLIC_NOTICE)
    with pytest.raises(ValidationError, match="already met"):
        obligation_exempt(
            actor=legal,
            procurement=level_two,
            obligation_key="public_notice",
            justification=JUSTIFICATION,
        )


def test_a_banned_practice_cannot_be_exempted(make_procurement, settle_stakes, legal):
    procurement = settle_stakes(make_procurement(), ai_act_class="prohibited")
    with pytest.raises(ValidationError, match="cannot be exempted"):
        obligation_exempt(
            actor=legal,
            procurement=procurement,
            obligation_key="do_not_proceed",
            justification=JUSTIFICATION,
        )


def test_stakes_found_after_a_gate_make_its_obligations_due_at_the_next(
    make_procurement, settle_stakes, legal
):
    # A reassessment at engagement planning finds level II: the equity
    # analysis of the impact-assessment gate, already passed, is now overdue.
    procurement = settle_stakes(make_procurement(stage="engagement_planning"), level=2)
    (status,) = [s for s in obligations_due(procurement) if s.obligation.key == "equity_analysis"]
    assert status.state == "unmet" and status.overdue_at("engagement_planning")
    check = _check(procurement)
    assert not check.passed and "affect different groups unequally" in check.detail
    # It can still be exempted, publicly, and then the current gate may pass.
    obligation_exempt(
        actor=legal,
        procurement=procurement,
        obligation_key="equity_analysis",
        justification=JUSTIFICATION,
    )
    assert _check(procurement).passed


def test_obligations_of_later_gates_are_not_due_yet(make_procurement, settle_stakes):
    procurement = settle_stakes(make_procurement(stage="impact_assessment"), level=4)
    due = {s.obligation.key for s in obligations_due(procurement)}
    later = {s.obligation.key for s in obligation_statuses(procurement)} - due
    # The deliberation owed before the problem was fixed is overdue now that
    # the level is known.
    assert due == {"equity_analysis", "deliberation_with_affected_people"}
    assert {"second_expert_review", "highest_level_approval"} <= later


@pytest.mark.parametrize(
    "role", [Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD, Role.DATA_EXPERT, Role.AUDITOR]
)
def test_only_the_admin_or_legal_officer_may_exempt(level_two, org, make_member, role):
    with pytest.raises(PermissionDenied):
        obligation_exempt(
            actor=make_member(org, role),
            procurement=level_two,
            obligation_key="equity_analysis",
            justification=JUSTIFICATION,
        )
    assert not ObligationExemption.objects.exists()


def test_an_admin_may_exempt(level_two, org, make_member):
    obligation_exempt(
        actor=make_member(org, Role.ORG_ADMIN),
        procurement=level_two,
        obligation_key="equity_analysis",
        justification=JUSTIFICATION,
    )
    assert ObligationExemption.objects.count() == 1


# --------------------------------------------------------------------------
# The staff page
# --------------------------------------------------------------------------


def _page_url(procurement) -> str:
    return f"/workspace/procurements/{procurement.slug}/assessment/obligations/"


def test_the_page_lists_obligations_by_gate_with_reasons(client, officer, level_two):
    client.force_login(officer)
    html = client.get(_page_url(level_two)).content.decode()
    assert "Gate 2: Impact assessment" in html
    assert "AI Act class: <strong>Minimal risk</strong>" in html
    assert "equity analysis" in html.lower()
    assert "not met" in html
    # An officer may not exempt: no form.
    assert "Record an exemption" not in html


def _screening_reads(queries) -> int:
    return sum('FROM "assessment_aiactscreening"' in q["sql"] for q in queries.captured_queries)


def test_the_page_and_the_api_read_the_screening_once(client, officer, level_two):
    # The stakes shown and the stakes the obligations come from are one read.
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(_page_url(level_two))
    assert "AI Act class: <strong>Minimal risk</strong>" in page.content.decode()
    assert _screening_reads(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        api = client.get(f"/api/procurements/{level_two.slug}/obligations")
    assert api.json()["stakes"]["ai_act_class"] == "minimal"
    assert _screening_reads(queries) == 1


def test_the_legal_officer_exempts_from_the_page(client, legal, level_two):
    client.force_login(legal)
    page = client.get(_page_url(level_two)).content.decode()
    assert "Record an exemption" in page
    assert page.count('id="exempt-equity_analysis-justification"') == 1
    response = client.post(
        f"{_page_url(level_two)}equity_analysis/exempt/", {"justification": JUSTIFICATION}
    )
    assert response.status_code == 302
    html = client.get(_page_url(level_two)).content.decode()
    assert JUSTIFICATION in html and "exempted" in html


def test_a_short_justification_re_renders_the_page_with_the_error(client, legal, level_two):
    client.force_login(legal)
    response = client.post(
        f"{_page_url(level_two)}equity_analysis/exempt/", {"justification": "Because."}
    )
    assert response.status_code == 400
    assert b"usa-error-message" in response.content
    assert b"Because." in response.content  # what was typed is kept
    assert not ObligationExemption.objects.exists()


def test_an_exemption_recorded_twice_says_why_the_second_is_refused(client, legal, level_two):
    client.force_login(legal)
    url = f"{_page_url(level_two)}equity_analysis/exempt/"
    client.post(url, {"justification": JUSTIFICATION})
    response = client.post(url, {"justification": JUSTIFICATION}, follow=True)
    assert "An exemption is already recorded." in response.content.decode()
    assert ObligationExemption.objects.count() == 1


def test_exempting_is_refused_to_an_officer_and_hidden_from_others(
    client, officer, other_org, make_member, level_two
):
    client.force_login(officer)
    url = f"{_page_url(level_two)}equity_analysis/exempt/"
    assert client.post(url, {"justification": JUSTIFICATION}).status_code == 403
    client.force_login(make_member(other_org, Role.LEGAL_OFFICER))
    assert client.get(_page_url(level_two)).status_code == 404
    assert client.post(url, {"justification": JUSTIFICATION}).status_code == 404
    client.logout()
    assert client.get(_page_url(level_two)).status_code == 302
    assert not ObligationExemption.objects.exists()


# --------------------------------------------------------------------------
# The public API
# --------------------------------------------------------------------------


def test_the_api_lists_obligations_with_state_and_exemptions(client, level_two, legal):
    obligation_exempt(
        actor=legal,
        procurement=level_two,
        obligation_key="equity_analysis",
        justification=JUSTIFICATION,
    )
    response = client.get(f"/api/procurements/{level_two.slug}/obligations")
    assert response.status_code == 200
    data = response.json()
    assert data["stakes"] == {
        "impact_level": 2,
        "ai_act_class": "minimal",
        "fria_required": False,
        "eu_registration_required": False,
    }
    by_key = {o["key"]: o for o in data["obligations"]}
    equity = by_key["equity_analysis"]
    assert (equity["state"], equity["met"]) == ("exempt", True)
    assert equity["gate"] == "impact_assessment"
    assert equity["exemption"]["justification"] == JUSTIFICATION
    assert set(equity["reason"]) == {"en", "es", "ca"}
    assert by_key["public_notice"]["state"] == "unmet" and not by_key["public_notice"]["met"]
    assert "evidence" not in equity  # may name staff or internal documents


def test_the_api_hides_drafts_even_from_their_staff(client, officer, procurement):
    client.force_login(officer)
    response = client.get(f"/api/procurements/{procurement.slug}/obligations")
    assert response.status_code == 404
    assert client.get("/api/procurements/no-such/obligations").status_code == 404


def test_the_dashboard_checks_engaged_procurements_in_a_fixed_number_of_queries(
    make_procurement, settle_stakes, officer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participai.engagement.models import Actor, EngagementActivity, Involvement
    from participai.procurements.models import Procurement

    def add_engaged(n: int) -> None:
        for i in range(n):
            procurement = settle_stakes(
                make_procurement(stage="engagement_planning", title=f"Engaged {n}-{i}"), level=3
            )
            expert = Actor.objects.create(
                procurement=procurement,
                name="Independent reviewer",
                kind="independent_expert",
                sector="academia",
                influence=2,
                interest=3,
                created_by=officer,
            )
            Involvement.objects.create(actor=expert, stage="engagement_planning", depth="involve")
            activity = EngagementActivity.objects.create(
                procurement=procurement,
                mechanism_key="focus_groups",
                stage="problem_definition",
                title="Focus groups",
                status="done",
                outputs="Heard 20 people.",
                created_by=officer,
            )
            activity.target_actors.add(expert)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            board = procurement_selectors.dashboard(Procurement.objects.all())
            for column in board.columns:
                for item in column.items:
                    item.waiting_for  # noqa: B018 - evaluated inside the block on purpose
        return len(captured)

    add_engaged(2)
    few = queries()
    add_engaged(5)
    assert queries() == few


def test_an_unscreened_procurement_reads_its_screenings_once(make_procurement):
    # The stakes and the evidence that the screening is done share one read.
    procurement = make_procurement(stage="impact_assessment")
    with CaptureQueriesContext(connection) as queries:
        states = _states(procurement)
    assert states["complete_ai_act_screening"] == "unmet"
    assert _screening_reads(queries) == 1
