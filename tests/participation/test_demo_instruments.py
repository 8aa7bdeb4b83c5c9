"""The demo's home-care consultation holds every participation instrument,
written through the services: a survey, a dot vote, a draft under review in
two versions, the record of a past hearing, "you said, we did" answers and
the questions about who takes part, and the public pages show them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from participai.core.audit import audit_verify
from participai.participation import representativeness, surveying
from participai.participation.models import (
    ChangeKind,
    Channel,
    Contribution,
    DemographicProfile,
    EventRecord,
    ModuleKind,
    PriorityAllocation,
    PriorityBallot,
    Process,
    Response,
    ResponseStatus,
    SurveyResponse,
)
from participai.participation.selectors import demographics as demographic_selectors
from participai.participation.selectors import documents as document_selectors
from participai.participation.services.contributions import EVENT_CHANNELS
from participai.procurements import lifecycle

PROCESS_URL = "/p/shorter-waits-for-home-care-assessments/what-matters-while-waiting/"
ASSISTED = {Channel.PAPER, Channel.PHONE, Channel.IN_PERSON}


@pytest.fixture
def consultation(db, capsys) -> Process:
    call_command("demo")
    capsys.readouterr()
    return Process.objects.select_related("procurement").get(slug="what-matters-while-waiting")


def modules_by_kind(process: Process) -> dict:
    return {module.kind: module for module in process.modules.all()}


def test_the_consultation_holds_every_kind_of_module_its_stage_takes(consultation):
    modules = modules_by_kind(consultation)
    assert set(modules) == set(ModuleKind.values)
    assert consultation.modules.count() == len(ModuleKind.values)
    stage = lifecycle.stage(consultation.stage)
    assert all(stage.enables_module(kind) for kind in modules)
    now = timezone.now()
    assert modules["survey"].state(now) == "open"
    assert modules["prioritisation"].state(now) == "open"
    # The whole demo, instruments included, went through audited services.
    assert audit_verify().ok


def test_the_survey_has_questions_of_several_kinds_and_answers_from_every_channel(consultation):
    survey = modules_by_kind(consultation)[ModuleKind.SURVEY]
    questions = list(survey.questions.all())
    assert 4 <= len(questions) <= 6
    assert {q.kind for q in questions} == set(surveying.KINDS)
    assert any(q.required for q in questions)
    responses = SurveyResponse.objects.filter(module=survey)
    assert 15 <= responses.count() <= 25
    assert survey.contribution_count == responses.count()
    assisted = responses.filter(entered_by__isnull=False)
    assert set(assisted.values_list("channel", flat=True)) == {Channel.PAPER, Channel.PHONE}
    assert not responses.filter(entered_by__isnull=True).exclude(channel=Channel.ONLINE).exists()
    online = responses.filter(entered_by__isnull=True)
    assert online.filter(participant__user__isnull=True).exists()  # guests
    assert online.filter(participant__user__username="resident-ruth").exists()
    # Every answer fits its question, and every required question is answered.
    for response in responses.prefetch_related("answers__question"):
        given = {answer.question_id: answer for answer in response.answers.all()}
        for answer in given.values():
            assert surveying.clean_answer(answer.question, answer.value) == answer.value
        assert all(q.pk in given for q in questions if q.required)


def test_the_dot_vote_has_ballots_within_the_budget_and_totals_that_match(consultation):
    vote = modules_by_kind(consultation)[ModuleKind.PRIORITISATION]
    assert vote.config["method"] == "dots"
    budget = vote.config["budget"]
    items = list(vote.priority_items.all())
    assert 5 <= len(items) <= 7
    ballots = PriorityBallot.objects.filter(module=vote)
    assert 13 <= ballots.count() <= 17
    assert vote.contribution_count == ballots.count()
    spent = ballots.annotate(spent=Sum("allocations__points")).values_list("spent", flat=True)
    assert all(0 < points <= budget for points in spent)
    assert ballots.filter(channel=Channel.PAPER, entered_by__isnull=False).exists()
    for item in items:
        given = PriorityAllocation.objects.filter(item=item)
        assert item.points == (given.aggregate(total=Sum("points"))["total"] or 0)
        assert item.ballot_count == given.count()
    # The ballots say something: not every item got the same points.
    assert len({item.points for item in items}) > 1


def test_the_draft_has_two_versions_that_differ_and_comments_on_both(consultation):
    review = modules_by_kind(consultation)[ModuleKind.DOCUMENT_REVIEW]
    first, second = document_selectors.versions_of(review)
    assert (first.number, second.number) == (1, 2)
    assert second.change_note
    statuses = {change.status for change in document_selectors.version_diff(first, second)}
    assert {"changed", "added"} <= statuses
    for version in (first, second):
        commented = version.paragraphs.filter(comments__isnull=False).distinct()
        assert commented.exists()
        for paragraph in version.paragraphs.annotate(n=Count("comments")):
            assert paragraph.comment_count == paragraph.n
    assert review.contribution_count == review.contributions.count()


def test_the_hearing_is_recorded_in_the_past_with_points_a_facilitator_entered(consultation):
    event = modules_by_kind(consultation)[ModuleKind.EVENT]
    record = EventRecord.objects.get(module=event)
    now = timezone.now()
    assert record.kind == "hearing"
    assert record.starts_at < record.ends_at < now
    assert record.place and record.attendance and record.minutes_html and record.outputs_html
    points = event.contributions.all()
    assert points.count() >= 3
    assert not points.filter(entered_by__isnull=True).exists()
    assert set(points.values_list("channel", flat=True)) <= set(EVENT_CHANNELS)


def test_you_said_we_did_answers_contributions_from_several_instruments(consultation):
    responses = Response.objects.filter(process=consultation)
    assert responses.count() >= 3
    statuses = set(responses.values_list("status", flat=True))
    assert {ResponseStatus.ADOPTED, ResponseStatus.PARTLY, ResponseStatus.NOT_ADOPTED} <= statuses
    assert responses.filter(change_kind=ChangeKind.NO_CHANGE).exists()
    requirement = responses.filter(change_kind=ChangeKind.REQUIREMENT)
    assert requirement.exists() and all(r.target_label and r.change for r in requirement)
    assert all(r.reason_html for r in responses)
    answered = Contribution.objects.filter(responses__process=consultation).distinct()
    kinds = set(answered.values_list("module__kind", flat=True))
    assert {"comments", "statements", "document_review", "event"} <= kinds
    for contribution in answered.annotate(n=Count("responses")):
        assert contribution.response_count == contribution.n


def test_who_takes_part_flags_a_group_and_hides_small_ones(consultation):
    assert DemographicProfile.objects.filter(process=consultation).count() >= 25
    panel = demographic_selectors.representativeness(consultation)
    assert panel.is_open and panel.has_benchmarks
    under = [row.label for item in panel.panels for row in item.summary.under_represented]
    assert under == ["Villages of the interior"]
    rows = [row for item in panel.panels for row in item.summary.rows]
    assert all(row.count >= representativeness.MIN_GROUP for row in rows if not row.hidden)
    assert any(row.hidden for row in rows)


def test_the_public_pages_show_the_instruments_and_the_panel(consultation, client):
    page = client.get(PROCESS_URL)
    assert page.status_code == 200
    html = page.content.decode()
    panel = html.split('id="representativeness-heading"')[1]
    assert "Under-represented so far:" in panel
    assert "Villages of the interior" in panel.split("Under-represented so far:")[1]
    expected = {
        ModuleKind.SURVEY: "A short survey about waiting",
        ModuleKind.PRIORITISATION: "Group visits by district",
        ModuleKind.DOCUMENT_REVIEW: "villages of the interior wait longest",
        ModuleKind.EVENT: "Casa de la Cultura",
    }
    for kind, module in modules_by_kind(consultation).items():
        page = client.get(f"{PROCESS_URL}m/{module.pk}/")
        assert page.status_code == 200, kind
        if kind in expected:
            assert expected[kind] in page.content.decode(), kind
    review = modules_by_kind(consultation)[ModuleKind.DOCUMENT_REVIEW]
    diff = client.get(f"{PROCESS_URL}m/{review.pk}/diff/")
    assert diff.status_code == 200
    assert "one in five waits more than six months" in diff.content.decode()
    answers = client.get(f"{PROCESS_URL}responses/")
    assert answers.status_code == 200
    assert "No tool ranks who is assessed first" in answers.content.decode()
