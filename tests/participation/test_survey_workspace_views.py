"""The staff pages of a survey, through real HTTP requests, role by role:
setting questions up, the results with free text and the CSV download,
assisted entry of a paper response, and the printable questionnaire."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import Module, ModuleKind, SurveyQuestion, SurveyResponse
from participai.participation.services import processes as process_services
from participai.participation.services import surveys as survey_services
from participai.participation.views import surveys_workspace

QUESTION = {
    "kind": "single",
    "text": "How should we contact you?",
    "help_text": "",
    "required": "on",
    "options": "By phone\nBy letter\nBy email",
    "max_choices": "",
    "scale_min": "",
    "scale_max": "",
    "scale_min_label": "",
    "scale_max_label": "",
}


def survey_url(module: Module, tail: str = "") -> str:
    process = module.process
    return (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{module.pk}/survey/{tail}"
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def answer(module, participant, answers, **kwargs):
    return survey_services.survey_answer(
        participant=participant, module=module, answers=answers, **kwargs
    )


# --------------------------------------------------------------------------- set-up


def test_the_process_page_links_to_set_up_and_print_the_survey(client, officer, survey_module):
    process = survey_module.process
    client.force_login(officer)
    html = client.get(
        f"/workspace/procurements/{process.procurement.slug}/participation/{process.slug}/"
    ).content.decode()
    assert f'href="{survey_url(survey_module)}"' in html
    assert f"/m/{survey_module.pk}/print/" in html


def test_an_officer_adds_a_question(client, officer, survey_module, audit_events):
    client.force_login(officer)
    page = client.get(survey_url(survey_module))
    assert page.status_code == 200
    assert "No question yet. Add the first one below." in page.content.decode()
    response = client.post(survey_url(survey_module), QUESTION)
    question = SurveyQuestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{survey_url(survey_module)}#question-{question.pk}"
    assert (question.kind, question.required, question.options) == (
        "single",
        True,
        ["By phone", "By letter", "By email"],
    )
    assert (question.max_choices, question.scale_min, question.scale_max) == (0, 1, 5)
    assert len(audit_events("survey.question_added")) == 1
    html = client.get(response["Location"]).content.decode()
    assert "Question 1 added." in html
    assert "1. How should we contact you?" in html


def test_questions_of_each_kind_are_added_through_the_form(client, facilitator, survey_module):
    client.force_login(facilitator)
    for values in (
        {"kind": "multiple", "max_choices": "2"},
        {
            "kind": "scale",
            "options": "",
            "scale_min": "0",
            "scale_max": "10",
            "scale_min_label": "Never",
            "scale_max_label": "Always",
        },
        {"kind": "ranking"},
        {"kind": "text", "options": ""},
    ):
        assert client.post(survey_url(survey_module), QUESTION | values).status_code == 302
    multiple, scale, ranking, text = SurveyQuestion.objects.order_by("position")
    assert multiple.max_choices == 2
    assert (scale.scale_min, scale.scale_max, scale.scale_max_label) == (0, 10, "Always")
    assert ranking.options == ["By phone", "By letter", "By email"]
    assert text.options == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": ""}, "text"),
        ({"options": "Only one"}, "options"),
        ({"kind": "scale", "scale_min": "3", "scale_max": "2"}, "scale_max"),
        ({"kind": "multiple", "max_choices": "9"}, "max_choices"),
        ({"kind": "poll"}, "kind"),
        ({"max_choices": "many"}, "max_choices"),
    ],
)
def test_a_bad_question_re_renders_with_errors_and_adds_nothing(
    client, officer, survey_module, changes, field
):
    client.force_login(officer)
    response = client.post(survey_url(survey_module), QUESTION | changes)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Please correct the errors below." in response.content.decode()
    assert not SurveyQuestion.objects.exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR])
def test_members_without_the_right_cannot_set_questions_up(client, org, make_member, survey, role):
    module = survey["single"].module
    question = survey["single"]
    client.force_login(make_member(org, role, username="someone"))
    # They read the questions, without a button or form to change them.
    page = client.get(survey_url(module))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1. How should we contact you?" in html
    assert "<form" not in html.split("<main")[1] and "Add a question" not in html
    response = client.get(survey_url(module, f"q/{question.pk}/"))
    assert response.status_code == 403
    assert "set up participation processes" in response.content.decode()
    assert client.post(survey_url(module), QUESTION).status_code == 403
    assert client.post(survey_url(module, f"q/{question.pk}/"), QUESTION).status_code == 403
    assert client.post(survey_url(module, f"q/{question.pk}/remove/")).status_code == 403
    assert (
        client.post(survey_url(module, f"q/{question.pk}/move/"), {"direction": "down"})
    ).status_code == 403
    assert SurveyQuestion.objects.count() == 5
    question.refresh_from_db()
    assert (question.text, question.position) == ("How should we contact you?", 1)


def test_another_organisation_and_strangers_get_404_or_the_login(
    client, other_org, make_member, survey
):
    module = survey["single"].module
    response = client.get(survey_url(module))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER, username="elsewhere"))
    for tail in ("", "results/", "responses.csv", "assist/", f"q/{survey['text'].pk}/"):
        assert client.get(survey_url(module, tail)).status_code == 404, tail
    assert client.post(survey_url(module), QUESTION).status_code == 404


def test_a_module_that_is_not_a_survey_has_no_survey_pages(client, officer, comments_module):
    client.force_login(officer)
    assert client.get(survey_url(comments_module)).status_code == 404
    assert client.get(survey_url(comments_module, "results/")).status_code == 404


def test_a_question_is_edited(client, officer, survey):
    module = survey["single"].module
    question = survey["multiple"]
    client.force_login(officer)
    url = survey_url(module, f"q/{question.pk}/")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["options"].value() == "Speed\nFairness\nPrivacy\nCost"
    assert str(form["max_choices"].value()) == "2"
    response = client.post(
        url, QUESTION | {"kind": "multiple", "text": "What matters?", "options": "Speed\nCost"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.options, question.required) == (
        "What matters?",
        ["Speed", "Cost"],
        True,
    )
    bad = client.post(url, QUESTION | {"kind": "multiple", "options": "Speed"})
    assert bad.status_code == 400 and "options" in bad.context["form"].errors
    question.refresh_from_db()
    assert question.options == ["Speed", "Cost"]


def test_once_answered_only_the_help_text_can_change(client, officer, survey, guest):
    module = survey["single"].module
    answer(module, guest, {survey["single"].pk: 0})
    client.force_login(officer)
    setup = client.get(survey_url(module)).content.decode()
    assert "1 person has answered, so the questions are fixed" in setup
    assert "Add a question" not in setup and ">Remove<" not in setup
    assert "Edit the help" in setup
    url = survey_url(module, f"q/{survey['single'].pk}/")
    page = client.get(url).content.decode()
    assert 'name="help_text"' in page and 'name="text"' not in page
    # Other fields posted anyway are ignored; the help text is saved.
    response = client.post(
        url, QUESTION | {"text": "Something else?", "options": "A\nB", "help_text": "Pick one."}
    )
    assert response.status_code == 302
    single = SurveyQuestion.objects.get(pk=survey["single"].pk)
    assert (single.text, single.help_text, len(single.options)) == (
        "How should we contact you?",
        "Pick one.",
        3,
    )
    # Adding and removing are refused, with the reason.
    refused = client.post(survey_url(module), QUESTION)
    assert refused.status_code == 400
    assert "People have answered this survey" in refused.content.decode()
    removed = client.post(survey_url(module, f"q/{survey['text'].pk}/remove/"), follow=True)
    assert any("People have answered this survey" in m for m in messages_of(removed))
    assert SurveyQuestion.objects.count() == 5


def test_questions_are_moved_and_removed(client, officer, survey, audit_events):
    module = survey["single"].module
    client.force_login(officer)
    text = survey["text"]
    response = client.post(survey_url(module, f"q/{text.pk}/move/"), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{text.pk}")
    text.refresh_from_db()
    assert text.position == 4
    bad = client.post(
        survey_url(module, f"q/{text.pk}/move/"), {"direction": "sideways"}, follow=True
    )
    assert any("Move a question up or down." in m for m in messages_of(bad))
    response = client.post(survey_url(module, f"q/{survey['scale'].pk}/remove/"), follow=True)
    assert any("Question removed" in m for m in messages_of(response))
    assert [q.kind for q in SurveyQuestion.objects.order_by("position")] == [
        "single",
        "multiple",
        "text",
        "ranking",
    ]
    assert client.get(survey_url(module, f"q/{survey['scale'].pk}/")).status_code == 404
    assert client.get(survey_url(module, f"q/{survey['scale'].pk}/remove/")).status_code == 405


# --------------------------------------------------------------------------- results


@pytest.fixture
def answered(survey, make_guest, facilitator):
    """Three responses: two online guests and one on paper."""
    module = survey["single"].module
    answer(
        module,
        make_guest("Ana R."),
        {
            survey["single"].pk: 1,
            survey["multiple"].pk: [0, 1],
            survey["scale"].pk: 5,
            survey["ranking"].pk: [2, 0, 1],
            survey["text"].pk: '=HYPERLINK("http://evil.example")',
        },
    )
    answer(module, make_guest("Jordi"), {survey["single"].pk: 1, survey["scale"].pk: 2})
    answer(
        module,
        make_guest("Maria from the library"),
        {survey["single"].pk: 0, survey["text"].pk: "Please <b>phone</b> me."},
        channel="paper",
        entered_by=facilitator,
    )
    return survey


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.MODERATOR])
def test_staff_read_every_result_with_the_free_text(client, org, make_member, answered, role):
    module = answered["single"].module
    client.force_login(make_member(org, role, username="reader"))
    response = client.get(survey_url(module, "results/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 responses so far." in html
    assert 'By letter</th><td class="text-right">2</td><td class="text-right">67%' in html
    assert "Average: <strong>3.5</strong>" in html
    assert "Please &lt;b&gt;phone&lt;/b&gt; me." in html and "<b>phone</b>" not in html
    assert "Maria from the library · On paper" in html
    assert "2 answers · free text, for the team only" in html
    assert f'href="{survey_url(module, "responses.csv")}"' in html


def test_results_cost_the_same_queries_with_more_responses(client, officer, survey, make_guest):
    module = survey["single"].module
    client.force_login(officer)
    for n in range(3):
        answer(module, make_guest(), {survey["single"].pk: 0, survey["text"].pk: f"Text {n}"})
    with CaptureQueriesContext(connection) as few:
        client.get(survey_url(module, "results/"))
    for n in range(15):
        answer(module, make_guest(), {survey["single"].pk: 1, survey["text"].pk: f"More {n}"})
    with CaptureQueriesContext(connection) as many:
        html = client.get(survey_url(module, "results/")).content.decode()
    assert "18 responses so far." in html
    assert len(many.captured_queries) == len(few.captured_queries)
    # Only the latest five texts are shown, with a link to them all.
    assert "More 14" in html and "More 9" not in html
    assert "Read all 18 answers" in html


def test_results_cost_the_same_queries_with_more_free_text_questions(
    client, officer, open_process, make_question, make_guest
):
    def survey_with(texts: int) -> tuple[Module, str]:
        module = process_services.module_add(
            actor=officer, process=open_process, kind=ModuleKind.SURVEY, title=f"{texts} texts"
        )
        single = make_question(module, "single")
        questions = [make_question(module, "text", f"Why {n}?") for n in range(texts)]
        for n in range(3):
            answer(
                module,
                make_guest(),
                {single.pk: 0} | {q.pk: f"Because {q.text} {n}" for q in questions},
            )
        return module, survey_url(module, "results/")

    _one, one_url = survey_with(1)
    _three, three_url = survey_with(3)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as one:
        assert client.get(one_url).status_code == 200
    with CaptureQueriesContext(connection) as three:
        html = client.get(three_url).content.decode()
    # Each question still shows its own latest answers.
    for n in range(3):
        assert f"Because Why {n}? 2" in html
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_free_text_answers_page_by_page(client, officer, survey, make_guest, monkeypatch):
    monkeypatch.setattr(surveys_workspace, "TEXT_PER_PAGE", 2)
    module = survey["single"].module
    for n in range(5):
        answer(module, make_guest(), {survey["single"].pk: 0, survey["text"].pk: f"Text {n}"})
    client.force_login(officer)
    url = survey_url(module, f"results/q/{survey['text'].pk}/")
    first = client.get(url).content.decode()
    assert "5 answers, most recent first." in first
    assert "Text 4" in first and "Text 3" in first and "Text 2" not in first
    assert "Page 1 of 3" in first
    last = client.get(url + "?page=3").content.decode()
    assert "Text 0" in last and "Text 1" not in last
    assert client.get(survey_url(module, f"results/q/{survey['scale'].pk}/")).status_code == 404


def test_the_csv_holds_every_response_and_no_email(client, officer, answered, make_guest):
    module = answered["single"].module
    client.force_login(officer)
    response = client.get(survey_url(module, "responses.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Response",
        "Pseudonym",
        "Channel",
        "Entered by a facilitator",
        "Answered at",
        "Last changed at",
        "1. How should we contact you?",
        "2. What matters most?",
        "3. How much do you trust the system?",
        "4. Put these in order",
        "5. Anything else?",
    ]
    ana, jordi, maria = rows[1:]
    assert ana[1:4] == ["Ana R.", "online", "no"]
    assert ana[6:] == [
        "By letter",
        "Speed; Fairness",
        "5",
        "It can be appealed > A person reads it > It is explained",
        # A spreadsheet would run it as a formula: quoted to stay text.
        '\'=HYPERLINK("http://evil.example")',
    ]
    assert jordi[6:] == ["By letter", "", "2", "", ""]
    assert maria[1:4] == ["Maria from the library", "paper", "yes"]
    assert maria[10] == "Please <b>phone</b> me."
    assert "@" not in text


def test_a_negative_point_of_a_scale_stays_a_number_in_the_csv(
    client, officer, survey_module, make_question, make_guest
):
    scale = make_question(survey_module, "scale", "How fair?", scale_min=-3, scale_max=3)
    text = make_question(survey_module, "text", "Why?")
    answer(survey_module, make_guest(), {scale.pk: -2, text.pk: "-1+1"})
    client.force_login(officer)
    text = client.get(survey_url(survey_module, "responses.csv")).content.decode("utf-8-sig")
    [_header, row] = list(csv.reader(io.StringIO(text)))
    # A number is no formula; text that a spreadsheet would compute still is.
    assert row[6:] == ["-2", "'-1+1"]


def test_a_removed_participant_has_no_pseudonym_in_the_csv(client, officer, answered):
    Participant.objects.filter(pseudonym="Jordi").update(removed_at=timezone.now())
    client.force_login(officer)
    text = client.get(survey_url(answered["single"].module, "responses.csv")).content.decode()
    assert "Jordi" not in text


# --------------------------------------------------------------------------- assisted entry


def assist_data(survey: dict, **extra) -> dict:
    ranking = survey["ranking"].pk
    return {
        "channel": "paper",
        "pseudonym": "Maria from the library",
        f"question_{survey['single'].pk}": "2",
        f"question_{survey['multiple'].pk}": ["1"],
        f"question_{ranking}_0": "1",
        f"question_{ranking}_1": "2",
        f"question_{ranking}_2": "3",
        f"question_{survey['text'].pk}": "She wants a letter, not a text message.",
    } | extra


def test_a_facilitator_enters_a_paper_response(client, facilitator, survey, audit_events):
    module = survey["single"].module
    client.force_login(facilitator)
    page = client.get(survey_url(module, "assist/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="paper" checked' in html and "autofocus" not in html
    assert "How should we contact you?" in html
    response = client.post(survey_url(module, "assist/"), assist_data(survey))
    assert response.status_code == 302
    assert response["Location"] == survey_url(module, "assist/?channel=paper")
    saved = SurveyResponse.objects.get()
    assert (saved.channel, saved.entered_by) == ("paper", facilitator)
    assert saved.participant.pseudonym == "Maria from the library" and saved.participant.is_guest
    assert dict(saved.answers.values_list("question_id", "value"))[survey["ranking"].pk] == [
        0,
        1,
        2,
    ]
    assert Module.objects.get(pk=module.pk).contribution_count == 1
    [event] = audit_events("survey.answered")
    assert event.actor == facilitator and event.data["assisted"] is True
    following = client.get(response["Location"])
    assert "Saved the answers of “Maria from the library”" in " ".join(messages_of(following))
    assert "autofocus" in following.content.decode()
    assert not following.context["form"]["pseudonym"].value()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pseudonym": "M"}, "pseudonym"),
        ({"channel": "online"}, "channel"),
        ({"question_SINGLE": ""}, "question_SINGLE"),
        ({"question_TEXT": "x" * 2001}, "question_TEXT"),
    ],
)
def test_bad_assisted_entry_saves_nothing_and_leaves_no_guest(
    client, facilitator, survey, changes, field
):
    module = survey["single"].module
    names = {"SINGLE": survey["single"].pk, "TEXT": survey["text"].pk}
    changes = {
        key.replace("SINGLE", str(names["SINGLE"])).replace("TEXT", str(names["TEXT"])): value
        for key, value in changes.items()
    }
    field = field.replace("SINGLE", str(names["SINGLE"])).replace("TEXT", str(names["TEXT"]))
    client.force_login(facilitator)
    response = client.post(survey_url(module, "assist/"), assist_data(survey, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    # What was typed comes back to be corrected.
    assert 'value="paper" checked' in response.content.decode() or "channel" in changes
    assert not SurveyResponse.objects.exists()
    assert not Participant.objects.exists()


def test_assisted_entry_into_a_closed_survey_is_refused_and_leaves_no_guest(
    client, facilitator, survey, set_window
):
    module = survey["single"].module
    set_window(module.process, "closed")
    client.force_login(facilitator)
    response = client.post(survey_url(module, "assist/"), assist_data(survey))
    assert response.status_code == 400
    assert "This part is closed" in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR])
def test_assisted_entry_needs_the_right(client, org, make_member, survey, role):
    module = survey["single"].module
    client.force_login(make_member(org, role, username="someone"))
    assert client.get(survey_url(module, "assist/")).status_code == 403
    assert client.post(survey_url(module, "assist/"), assist_data(survey)).status_code == 403
    assert not Participant.objects.exists()


# --------------------------------------------------------------------------- paper


def test_the_paper_questionnaire(client, officer, survey):
    module = survey["single"].module
    process = module.process
    client.force_login(officer)
    url = (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{module.pk}/print/?where=Central+Library"
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Paper questionnaire: A few questions" in html
    assert process.question in html
    assert "How should we contact you? (required)" in html.replace("</strong>", "")
    assert "Tick one box." in html and "Tick at most 2 boxes." in html
    assert "Circle one number from 1 to 5." in html and "Not at all" in html
    assert "Write a number from 1 (first) to 3 in each box" in html
    assert html.count('class="write-line"') == 5
    assert "Hand this form in here: Central Library." in html
    assert f"/p/{process.procurement.slug}/{process.slug}/m/{module.pk}/" in html


def test_the_paper_questionnaire_is_for_members_only(client, other_org, make_member, survey):
    module = survey["single"].module
    process = module.process
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER, username="elsewhere"))
    url = (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{module.pk}/print/"
    )
    assert client.get(url).status_code == 404
