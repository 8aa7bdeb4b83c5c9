"""A survey module's public page, through real HTTP requests: who sees the
form, answering and changing one's answers, refusals and bad answers that
keep what was entered, closed surveys, and results that show counts but
never free text."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import Module, SurveyAnswer, SurveyResponse
from participai.participation.services import surveys as survey_services

TEXT = "Call me back before anything is decided, please."


def module_url(module: Module, tail: str = "") -> str:
    process = module.process
    return f"/p/{process.procurement.slug}/{process.slug}/m/{module.pk}/{tail}"


def join(client, module: Module, pseudonym: str = "Ana R.") -> None:
    process = module.process
    response = client.post(
        f"/p/{process.procurement.slug}/{process.slug}/join/", {"pseudonym": pseudonym}
    )
    assert response.status_code == 302


def form_data(survey: dict, **overrides) -> dict:
    """A complete, valid POST: letter; speed and cost; 4; ranking
    appealed > reads > explained; and a free text."""
    ranking = survey["ranking"].pk
    data = {
        f"question_{survey['single'].pk}": "1",
        f"question_{survey['multiple'].pk}": ["0", "3"],
        f"question_{survey['scale'].pk}": "4",
        f"question_{ranking}_0": "2",
        f"question_{ranking}_1": "3",
        f"question_{ranking}_2": "1",
        f"question_{survey['text'].pk}": TEXT,
    }
    for kind, value in overrides.items():
        key = kind if kind.startswith("question_") else f"question_{survey[kind].pk}"
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def survey_html(html: str) -> str:
    return html.split('id="survey"')[1].split("</section>")[0]


def results_html(html: str) -> str:
    if 'id="results-heading"' not in html:
        return ""
    return html.split('id="results-heading"')[1].split("</section>")[0]


def checked_ids(html: str) -> set[str]:
    return set(re.findall(r'id="(id_question_[0-9_]+)"[^>]*\schecked', html))


# --------------------------------------------------------------------------- reading


def test_someone_who_has_not_joined_reads_the_questions_and_the_way_forward(client, survey):
    module = survey["single"].module
    response = client.get(module_url(module))
    assert response.status_code == 200
    html = survey_html(response.content.decode())
    assert "Choose a pseudonym to take part." in html
    assert "<form" not in html
    for question in survey.values():
        assert question.text in html
    assert "By letter" in html
    assert results_html(response.content.decode()) == ""
    assert "once you have answered, and to everyone once the survey closes" in (
        response.content.decode()
    )


def test_a_guest_sees_every_kind_of_question_as_a_form(client, survey):
    module = survey["single"].module
    join(client, module)
    html = survey_html(client.get(module_url(module)).content.decode())
    single, multiple, scale, ranking, text = (
        survey[k].pk for k in ("single", "multiple", "scale", "ranking", "text")
    )
    assert f'action="{module_url(module, "survey/")}"' in html
    # Radio groups and check boxes in fieldsets with the question as legend.
    assert html.count("<fieldset") == 4
    assert re.search(
        r"<legend[^>]*>1\. How should we contact you\? <abbr title=\"required\"", html
    )
    assert f'type="radio" id="id_question_{single}_1" name="question_{single}" value="1"' in html
    assert f'type="checkbox" id="id_question_{multiple}_3" name="question_{multiple}"' in html
    assert "Choose at most 2 options." in html
    assert (
        f'<label class="usa-radio__label" for="id_question_{scale}_0">1 – Not at all</label>'
        in html
    )
    assert f'for="id_question_{scale}_4">5 – Completely</label>' in html
    assert f'name="question_{ranking}_2"' in html
    assert (
        f'<label class="usa-label margin-top-0" for="id_question_{ranking}_2">It can be appealed'
        in html
    )
    assert f'<textarea class="usa-textarea" id="id_question_{text}" name="question_{text}"' in html
    assert "Send my answers" in html
    # How to answer is tied to its group, so a screen reader says it on entering.
    for pk in (multiple, ranking):
        assert f'<fieldset class="usa-fieldset" aria-describedby="id_question_{pk}_hint">' in html
        assert f'<div class="usa-hint" id="id_question_{pk}_hint">' in html


def test_a_guest_answers_sees_the_results_and_changes_the_answers(client, survey, audit_events):
    module = survey["single"].module
    join(client, module)
    response = client.post(module_url(module, "survey/"), form_data(survey))
    assert response.status_code == 302
    assert response["Location"] == module_url(module) + "#survey"
    guest = Participant.objects.get(pseudonym="Ana R.")
    stored = SurveyResponse.objects.get(participant=guest)
    assert dict(stored.answers.values_list("question_id", "value")) == {
        survey["single"].pk: 1,
        survey["multiple"].pk: [0, 3],
        survey["scale"].pk: 4,
        survey["ranking"].pk: [2, 0, 1],
        survey["text"].pk: TEXT,
    }
    assert Module.objects.get(pk=module.pk).contribution_count == 1
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Thank you: your answers are saved." in html
    assert "You answered on" in html and "You can change your answers below" in html
    # The form comes back with the answers given.
    survey_part = survey_html(html)
    single, multiple, scale = survey["single"].pk, survey["multiple"].pk, survey["scale"].pk
    assert checked_ids(survey_part) == {
        f"id_question_{single}_1",
        f"id_question_{multiple}_0",
        f"id_question_{multiple}_3",
        f"id_question_{scale}_3",
    }
    ranking = survey["ranking"].pk
    assert re.search(
        rf'id="id_question_{ranking}_2".*?<option value="1" selected>', survey_part, re.S
    )
    assert TEXT in survey_part
    assert "Change my answers" in survey_part
    # Having answered, the guest sees the results, but no free text.
    results = results_html(html)
    assert "1 person has answered." in results
    assert "By letter" in results and "Average: <strong>4.0</strong>" in results
    assert "It can be appealed" in results
    assert TEXT not in results and "Anything else?" not in results

    # Changing the answers replaces them.
    response = client.post(
        module_url(module, "survey/"), form_data(survey, single="0", multiple=None, text="")
    )
    assert response.status_code == 302
    assert "Your answers are changed" in client.get(response["Location"]).content.decode()
    assert dict(stored.answers.values_list("question_id", "value")) == {
        survey["single"].pk: 0,
        survey["scale"].pk: 4,
        survey["ranking"].pk: [2, 0, 1],
    }
    assert Module.objects.get(pk=module.pk).contribution_count == 1
    assert [e.data["replaced"] for e in audit_events("survey.answered")] == [False, True]


def test_bad_answers_re_render_with_every_reason_and_what_was_entered(client, survey):
    module = survey["single"].module
    join(client, module)
    ranking = survey["ranking"].pk
    data = form_data(
        survey,
        single=None,
        multiple=["0", "1", "2"],
        scale="9",
        **{f"question_{ranking}_1": "2"},
    )
    response = client.post(module_url(module, "survey/"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors[f"question_{survey['single'].pk}"] == ["Answer this question; it is required."]
    assert errors[f"question_{survey['multiple'].pk}"] == ["Choose at most 2 of the options."]
    assert f"question_{survey['scale'].pk}" in errors
    assert errors[f"question_{ranking}"] == ["Give each item a different place."]
    html = survey_html(response.content.decode())
    assert "Please correct the errors below. Nothing was saved." in html
    assert f'id="id_question_{survey["single"].pk}_error"' in html
    assert f'aria-describedby="id_question_{survey["single"].pk}_error"' in html
    # What was entered is kept.
    multiple = survey["multiple"].pk
    assert {f"id_question_{multiple}_{i}" for i in range(3)} <= checked_ids(html)
    assert TEXT in html
    assert not SurveyResponse.objects.exists()
    assert Module.objects.get(pk=module.pk).contribution_count == 0


def test_a_guest_s_free_text_is_checked_for_spam(client, survey):
    module = survey["single"].module
    join(client, module)
    spam = "Visit http://a.example http://b.example http://c.example"
    response = client.post(module_url(module, "survey/"), form_data(survey, text=spam))
    assert response.status_code == 400
    assert response.context["form"].errors[f"question_{survey['text'].pk}"] == [
        "Guest contributions may hold at most two links."
    ]
    assert not SurveyResponse.objects.exists()


def test_someone_who_has_not_joined_is_refused_with_the_way_forward(client, survey):
    module = survey["single"].module
    response = client.post(module_url(module, "survey/"), form_data(survey))
    assert response.status_code == 400
    assert "Choose a pseudonym to take part." in response.content.decode()
    assert not SurveyResponse.objects.exists() and not Participant.objects.exists()


def test_an_account_holder_answers_without_joining(client, survey, resident):
    module = survey["single"].module
    client.force_login(resident)
    response = client.post(module_url(module, "survey/"), form_data(survey))
    assert response.status_code == 302
    assert SurveyResponse.objects.get().participant.user == resident


def test_a_refused_first_answer_leaves_no_participant(client, survey, resident, set_window):
    module = survey["single"].module
    set_window(module.process, "closed")
    client.force_login(resident)
    response = client.post(module_url(module, "survey/"), form_data(survey))
    assert response.status_code == 400
    assert not Participant.objects.filter(user=resident).exists()
    assert not SurveyResponse.objects.exists()


def test_a_confirmed_email_is_asked_when_the_process_says_so(
    client, published, make_process, make_question
):
    process = make_process(
        published, modules=("survey",), contribute_requires="confirmed", publish=True
    )
    module = process.modules.get()
    question = make_question(module, "scale")
    join(client, module)
    html = client.get(module_url(module)).content.decode()
    assert "Confirm your email address with the code we sent to take part." in html
    assert "Send my answers" not in html
    response = client.post(module_url(module, "survey/"), {f"question_{question.pk}": "3"})
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_shows_its_results_to_everyone_and_no_form(
    client, survey, make_guest, set_window
):
    module = survey["single"].module
    for letter in ("1", "1", "0"):
        survey_services.survey_answer(
            participant=make_guest(),
            module=module,
            answers={survey["single"].pk: letter, survey["text"].pk: TEXT},
        )
    set_window(module.process, "closed")
    response = client.get(module_url(module))
    html = response.content.decode()
    assert "Closed on" in html
    assert "<form" not in survey_html(html)
    assert "Choose a pseudonym" not in survey_html(html)
    results = results_html(html)
    assert "3 people have answered." in results
    assert re.search(r"By letter</th><td[^>]*>2</td><td[^>]*>67%", results)
    assert TEXT not in html
    # A post is refused, nothing changes.
    join(client, module)
    response = client.post(module_url(module, "survey/"), form_data(survey))
    assert response.status_code == 400
    assert "This part is closed" in response.content.decode()
    assert SurveyResponse.objects.count() == 3


def test_after_closing_a_participant_reads_their_own_answers(client, survey, set_window):
    module = survey["single"].module
    join(client, module)
    client.post(module_url(module, "survey/"), form_data(survey))
    set_window(module.process, "closed")
    html = survey_html(client.get(module_url(module)).content.decode())
    assert "You answered on" in html and "change your answers" not in html
    assert "Your answers" in html
    assert "Speed; Cost" in html and "It can be appealed &gt; A person reads it" in html
    assert TEXT in html  # their own words, to themselves


def test_an_upcoming_survey_takes_no_answers_yet(client, survey, set_window):
    module = survey["single"].module
    set_window(module.process, "upcoming")
    join(client, module)
    html = client.get(module_url(module)).content.decode()
    assert "This part opens later." in html
    assert "Send my answers" not in html


def test_a_survey_without_questions_says_so(client, survey_module):
    html = client.get(module_url(survey_module)).content.decode()
    assert "This survey has no questions yet." in html


def test_only_a_survey_module_takes_answers(client, comments_module):
    response = client.post(module_url(comments_module, "survey/"), {})
    assert response.status_code == 404


def test_answering_needs_a_post(client, survey):
    module = survey["single"].module
    assert client.get(module_url(module, "survey/")).status_code == 405


def test_an_unpublished_survey_is_a_preview_for_members_only(
    client, org, make_member, published, make_process, make_question
):
    process = make_process(published, modules=("survey",))
    module = process.modules.get()
    make_question(module, "text", "Draft question?")
    assert client.get(module_url(module)).status_code == 404
    assert client.post(module_url(module, "survey/"), {}).status_code == 404
    client.force_login(make_member(org, Role.MODERATOR, username="moderator2"))
    response = client.get(module_url(module))
    assert response.status_code == 200
    assert "Draft question?" in response.content.decode()
    assert "Send my answers" not in response.content.decode()


def test_question_text_never_becomes_html(client, survey_module, make_question):
    make_question(
        survey_module,
        "single",
        "Which <script>alert(1)</script> one?",
        options=["<b>bold</b>", "plain"],
        help_text="<img src=x onerror=alert(1)>",
    )
    join(client, survey_module)
    html = client.get(module_url(survey_module)).content.decode()
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
    assert "<img src=x" not in html
    assert "Which &lt;script&gt;alert(1)&lt;/script&gt; one?" in html


def test_the_page_costs_the_same_queries_with_more_responses(
    client, survey, make_guest, set_window
):
    module = survey["single"].module

    def add(count: int) -> None:
        # Answers are written while open; the page is read once closed.
        set_window(module.process, "open")
        for n in range(count):
            survey_services.survey_answer(
                participant=make_guest(),
                module=module,
                answers={
                    survey["single"].pk: n % 3,
                    survey["multiple"].pk: [n % 4],
                    survey["scale"].pk: 1 + n % 5,
                    survey["ranking"].pk: [0, 1, 2],
                    survey["text"].pk: f"Answer {n}",
                },
            )

    add(2)
    set_window(module.process, "closed")
    with CaptureQueriesContext(connection) as few:
        assert client.get(module_url(module)).status_code == 200
    add(20)
    set_window(module.process, "closed")
    with CaptureQueriesContext(connection) as many:
        html = client.get(module_url(module)).content.decode()
    assert "22 people have answered." in html
    assert len(many.captured_queries) == len(few.captured_queries)
    assert SurveyAnswer.objects.count() == 22 * 5
