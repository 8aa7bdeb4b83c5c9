"""The review at the review stage, its decision, and the exit checklist:
services (rights, checks, audit events, the checklist drawn from the exit
plan once) and the workspace page through real HTTP per role and stage."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.roles import Role
from participai.contracts.models import ExitStep, ExitStepKind, Review
from participai.contracts.selectors_review import contract_exit_progress
from participai.contracts.services import review as services
from participai.contracts.services.review import exit_plan_steps
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from . import events
from .test_public_dashboard import answer, deploy

pytestmark = pytest.mark.django_db

# A date in the past, whenever the tests run.
TODAY = datetime.date(2026, 1, 2)


@pytest.fixture
def at_review(make_procurement, officer) -> Procurement:
    procurement = make_procurement(published=True)
    deploy(procurement, officer, stage="review")
    return procurement


def review_values(**overrides) -> dict:
    values = {
        "outcomes": "Urgent referrals are now seen the same day.",
        "kpi_assessment": "The same-day KPI was met ten months of twelve.",
        "sessions": [],
        "decision": "exit",
        "rationale": "The service is brought back in-house.",
        "decided_on": TODAY,
    }
    values.update(overrides)
    return values


def base(procurement: Procurement) -> str:
    return f"/workspace/procurements/{procurement.slug}/contract/review/"


def review_form(**overrides) -> dict:
    data = {k: str(v) for k, v in review_values(**overrides).items() if k != "sessions"}
    return data


# --- Services ----------------------------------------------------------------------------


def test_an_exit_decision_opens_the_checklist_from_the_exit_plan(at_review, officer):
    session = answer(at_review, officer, change="Kept the phone line.").process

    review = services.review_record(
        actor=officer, procurement=at_review, **review_values(sessions=[session])
    )

    assert review.decision == "exit"
    assert list(review.sessions.all()) == [session]
    steps = {s.kind: s for s in ExitStep.objects.filter(contract=at_review.contract)}
    assert set(steps) == {
        ExitStepKind.DATA_RETURNED,
        ExitStepKind.DATA_DESTROYED,
        ExitStepKind.HANDOVER,
        ExitStepKind.NOTICES,
    }
    assert "Data returned within 30 days" in steps[ExitStepKind.DATA_RETURNED].description
    assert "handover to the in-house team" in steps[ExitStepKind.HANDOVER].description
    # The plan says nothing of destruction: the step says what it is.
    assert steps[ExitStepKind.DATA_DESTROYED].description == str(ExitStepKind.DATA_DESTROYED.label)
    assert steps[ExitStepKind.DATA_RETURNED].owner == "Acme Analytics"
    assert events("contracts.review_record").count() == 1
    assert events("contracts.exit_checklist_open").count() == 1

    # A second ending decision keeps the steps there are.
    services.review_record(
        actor=officer, procurement=at_review, **review_values(decision="reprocure")
    )
    assert ExitStep.objects.filter(contract=at_review.contract).count() == 4


def test_continuing_opens_no_checklist(at_review, officer):
    services.review_record(
        actor=officer, procurement=at_review, **review_values(decision="continue")
    )
    assert not ExitStep.objects.exists()


def test_exit_plan_steps_match_sentences_to_kinds():
    steps = dict(
        exit_plan_steps(
            "The supplier returns all data in CSV.\nIt destroys its copies and certifies it.\n"
            "Residents get a notice a month before."
        )
    )
    assert steps["data_returned"] == "The supplier returns all data in CSV."
    assert steps["data_destroyed"] == "It destroys its copies and certifies it."
    assert steps["notices"] == "Residents get a notice a month before."
    assert steps["handover"] == str(ExitStepKind.HANDOVER.label)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"outcomes": "  "}, "outcomes"),
        ({"kpi_assessment": ""}, "kpi_assessment"),
        ({"rationale": ""}, "rationale"),
        ({"decision": "maybe"}, "decision"),
        ({"decided_on": timezone.localdate() + datetime.timedelta(days=1)}, "decided_on"),
        ({"decided_on": None}, "decided_on"),
    ],
)
def test_bad_input_is_refused_by_field_and_changes_nothing(at_review, officer, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.review_record(actor=officer, procurement=at_review, **review_values(**overrides))
    assert field in error.value.message_dict
    assert not Review.objects.exists() and not ExitStep.objects.exists()
    assert not events("contracts.review_record").exists()


def test_sessions_must_be_processes_of_this_procurement(at_review, officer, make_procurement):
    other = make_procurement(title="Another")
    foreign = answer(other, officer, change="Elsewhere.").process
    with pytest.raises(ValidationError) as error:
        services.review_record(
            actor=officer, procurement=at_review, **review_values(sessions=[foreign.pk])
        )
    assert "sessions" in error.value.message_dict
    assert not Review.objects.exists()


def test_exit_needs_a_signed_contract(make_procurement, officer):
    bare = make_procurement(stage="review")
    with pytest.raises(ValidationError) as error:
        services.review_record(actor=officer, procurement=bare, **review_values())
    assert "decision" in error.value.message_dict
    # Continuing needs no contract.
    services.review_record(actor=officer, procurement=bare, **review_values(decision="continue"))


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LEGAL_OFFICER, Role.DATA_EXPERT])
def test_only_leads_record_the_review(at_review, org, make_member, role):
    with pytest.raises(PermissionDenied):
        services.review_record(
            actor=make_member(org, role), procurement=at_review, **review_values()
        )
    assert not Review.objects.exists()


def test_the_review_is_refused_before_the_review_stage(at_review, officer):
    Procurement.objects.filter(pk=at_review.pk).update(
        stage="contract_monitoring", phase=lifecycle.stage("contract_monitoring").phase
    )
    at_review.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.review_record(actor=officer, procurement=at_review, **review_values())


def test_exit_steps_are_added_updated_and_done_with_evidence(at_review, officer):
    contract = at_review.contract
    step = services.exit_step_add(
        actor=officer,
        contract=contract,
        kind="other",
        description="Switch off the API keys.",
        owner="IT",
        due_on=TODAY,
    )
    step = services.exit_step_update(
        actor=officer, step=step, description="Revoke every API key.", owner="IT", due_on=None
    )
    assert step.description == "Revoke every API key." and step.due_on is None
    assert contract_exit_progress(contract).done == 0

    with pytest.raises(ValidationError) as error:
        services.exit_step_done(actor=officer, step=step, done_on=TODAY, evidence="  ")
    assert "evidence" in error.value.message_dict
    step.refresh_from_db()
    assert step.done_on is None

    today = timezone.localdate()
    step = services.exit_step_done(
        actor=officer, step=step, done_on=today, evidence="Key list shows none active."
    )
    assert step.done_on == today
    progress = contract_exit_progress(contract)
    assert (progress.done, progress.total, progress.complete) == (1, 1, True)
    with pytest.raises(ValidationError):
        services.exit_step_done(actor=officer, step=step, done_on=today, evidence="Again.")
    assert [e.action for e in events().filter(action__startswith="contracts.exit_step")] == [
        "contracts.exit_step_add",
        "contracts.exit_step_update",
        "contracts.exit_step_done",
    ]


def test_an_auditor_cannot_keep_the_checklist(at_review, officer, org, make_member):
    step = services.exit_step_add(
        actor=officer, contract=at_review.contract, kind="notices", description="Tell.", owner="X"
    )
    with pytest.raises(PermissionDenied):
        services.exit_step_done(
            actor=make_member(org, Role.AUDITOR), step=step, done_on=TODAY, evidence="Done."
        )


# --- Views -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.PROCUREMENT_OFFICER])
def test_leads_and_officers_record_the_review_through_the_page(
    client, at_review, org, make_member, role
):
    client.force_login(make_member(org, role))
    page = client.get(base(at_review))
    assert page.status_code == 200
    assert "Record the review" in page.content.decode()

    response = client.post(base(at_review), review_form())

    assert response.status_code == 302
    assert Review.objects.get().decision == "exit"
    html = client.get(base(at_review)).content.decode()
    assert "Exit checklist" in html and "Data returned within 30 days" in html


def test_bad_review_form_rerenders_with_errors(client, at_review, officer):
    client.force_login(officer)
    response = client.post(base(at_review), review_form(rationale=""))
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not Review.objects.exists()


def test_an_auditor_reads_but_cannot_record(client, at_review, org, make_member):
    client.force_login(make_member(org, Role.AUDITOR))
    page = client.get(base(at_review))
    assert page.status_code == 200
    assert "Record the review" not in page.content.decode()
    assert client.post(base(at_review), review_form()).status_code == 403
    assert not Review.objects.exists()


def test_non_members_get_404(client, at_review, resident, other_org, make_member):
    for user in (resident, make_member(other_org, Role.PROCUREMENT_OFFICER)):
        client.force_login(user)
        assert client.get(base(at_review)).status_code == 404
        assert client.post(base(at_review), review_form()).status_code == 404


def test_the_wrong_stage_is_403(client, make_procurement, officer):
    early = make_procurement(published=True)
    deploy(early, officer, stage="contract_monitoring")
    client.force_login(officer)
    assert client.get(base(early)).status_code == 200
    assert client.post(base(early), review_form()).status_code == 403
    assert not Review.objects.exists()


def test_a_step_is_marked_done_through_the_page(client, at_review, officer, org, make_member):
    services.review_record(actor=officer, procurement=at_review, **review_values())
    step = ExitStep.objects.get(kind="handover")
    url = f"{base(at_review)}exit/{step.pk}/done/"
    today = timezone.localdate().isoformat()

    client.force_login(make_member(org, Role.AUDITOR))
    assert client.post(url, {"done_on": today, "evidence": "Minutes."}).status_code == 403

    client.force_login(officer)
    missing = client.post(url, {"done_on": today, "evidence": ""})
    assert missing.status_code == 400
    step.refresh_from_db()
    assert step.done_on is None

    assert client.post(url, {"done_on": today, "evidence": "Handover minutes"}).status_code == 302
    step.refresh_from_db()
    assert step.evidence == "Handover minutes"
    assert "1 of 4 steps done." in client.get(base(at_review)).content.decode()
    other = f"{base(at_review)}exit/999999/done/"
    assert client.post(other, {"done_on": today, "evidence": "x"}).status_code == 404


def test_the_page_queries_do_not_grow(client, at_review, officer):
    client.force_login(officer)
    services.review_record(actor=officer, procurement=at_review, **review_values())
    services.lesson_write(
        actor=officer,
        procurement=at_review,
        what_worked="a",
        what_failed="b",
        do_differently="c",
    )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base(at_review)).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        services.review_record(
            actor=officer, procurement=at_review, **review_values(decision="change")
        )
        services.exit_step_add(
            actor=officer, contract=at_review.contract, kind="other", description="x", owner="y"
        )
        services.lesson_write(
            actor=officer,
            procurement=at_review,
            what_worked=f"a{n}",
            what_failed="b",
            do_differently="c",
        )
    assert count() == few
