"""A survey in a real browser: a guest joins and answers every kind of
question with the keyboard alone (after a refused first try that keeps
nothing and says why), then sees the results; an account holder, signed in
through the login page, answers and then changes the answers; staff set a
question up through the form. axe-core checks each page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participai.participation.models import Module, ModuleKind, SurveyResponse
from participai.participation.services import processes as process_services
from participai.participation.services import surveys as survey_services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def survey(make_procurement, officer) -> Module:
    """A published process, open now, with a survey of one question of each kind."""
    procurement = make_procurement(published=True, title="Triage of social-care referrals")
    now = timezone.now()
    process = process_services.process_create(
        actor=officer,
        procurement=procurement,
        title="Where the line is drawn",
        slug="where-the-line-is",
        question="What should the triage system never decide on its own?",
        negotiable="Which decisions stay with a social worker.",
        decision_stage="diagnosis",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    module = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.SURVEY, title="A few questions"
    )
    add = survey_services.question_add
    add(
        actor=officer,
        module=module,
        kind="single",
        text="How should we contact you?",
        options=["By phone", "By letter", "By email"],
        required=True,
        help_text="We only use it to tell you what your answers changed.",
    )
    add(
        actor=officer,
        module=module,
        kind="multiple",
        text="What matters most?",
        options=["Speed", "Fairness", "Privacy", "Cost"],
        max_choices=2,
    )
    add(
        actor=officer,
        module=module,
        kind="scale",
        text="How much do you trust the system?",
        scale_min_label="Not at all",
        scale_max_label="Completely",
    )
    add(
        actor=officer,
        module=module,
        kind="ranking",
        text="Put these in order",
        options=["A person reads it", "It is explained", "It can be appealed"],
    )
    add(actor=officer, module=module, kind="text", text="Anything else?")
    process_services.process_publish(actor=officer, process=process)
    module.refresh_from_db()
    return module


def press(page: Page, locator, key: str) -> None:
    locator.focus()
    page.keyboard.press(key)


def test_a_guest_answers_a_survey_with_the_keyboard(axe_page: Page, live_server, survey: Module):
    page = axe_page
    process = survey.process
    page.goto(f"{live_server.url}/p/{process.procurement.slug}/{process.slug}/m/{survey.pk}/")
    expect(page.get_by_role("heading", name="A few questions", level=1)).to_be_visible()
    expect(page.get_by_text("Choose a pseudonym to take part.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Choose a pseudonym").first.click()
    page.get_by_label("Pseudonym").focus()
    page.keyboard.type("Ana R.")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You take part as “Ana R.” now.")).to_be_visible()
    expect(page.get_by_role("group", name="1. How should we contact you?")).to_be_visible()
    assert_accessible(page)

    # Sending without the required answer is refused, with the reason at the question.
    page.get_by_label("Anything else?").focus()
    page.keyboard.type("Please write to me.")
    press(page, page.get_by_role("button", name="Send my answers"), "Enter")
    expect(page.get_by_text("Please correct the errors below. Nothing was saved.")).to_be_visible()
    expect(page.get_by_text("Answer this question; it is required.")).to_be_visible()
    expect(page.get_by_label("Anything else?")).to_have_value("Please write to me.")
    assert_accessible(page)

    # Every kind of question, with the keyboard only.
    press(page, page.get_by_label("By letter"), "Space")
    press(page, page.get_by_label("Speed"), "Space")
    press(page, page.get_by_label("Cost"), "Space")
    press(page, page.get_by_label("4", exact=True), "Space")
    for item, place in (
        ("It can be appealed", "1"),
        ("A person reads it", "2"),
        ("It is explained", "3"),
    ):
        select = page.get_by_label(item)
        select.focus()
        page.keyboard.type(place)
        expect(select).to_have_value(place)
    press(page, page.get_by_role("button", name="Send my answers"), "Enter")

    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    expect(page.get_by_text("You answered on")).to_be_visible()
    results = page.locator("#results")
    expect(results.get_by_role("heading", name="Results so far")).to_be_visible()
    expect(results.get_by_text("1 person has answered.")).to_be_visible()
    expect(results.get_by_text("Please write to me.")).to_have_count(0)
    assert_accessible(page)

    [response] = SurveyResponse.objects.all()
    assert dict(response.answers.values_list("question__kind", "value")) == {
        "single": 1,
        "multiple": [0, 3],
        "scale": 4,
        "ranking": [2, 0, 1],
        "text": "Please write to me.",
    }


def test_staff_set_a_question_up(axe_page: Page, live_server, officer, survey: Module):
    page = axe_page
    process = survey.process
    login(page, live_server, "officer", PASSWORD)
    page.goto(
        f"{live_server.url}/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{survey.pk}/survey/"
    )
    expect(page.get_by_role("heading", name="5 questions")).to_be_visible()
    assert_accessible(page)

    form = page.locator("#add-question")
    press(page, form.get_by_label("Several choices"), "Space")
    form.locator("#id_text").fill("Which channels do you use?")
    form.get_by_label("Options or items to rank").fill("Library\nPhone\nWebsite")
    form.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Question 6 added.")).to_be_visible()
    expect(page.get_by_role("heading", name="6. Which channels do you use?")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Results").click()
    expect(page.get_by_role("heading", name="Results of “A few questions”")).to_be_visible()
    assert_accessible(page)


def test_an_account_holder_answers_then_changes_the_answers(
    axe_page: Page, live_server, resident, survey: Module
):
    page = axe_page
    process = survey.process
    login(page, live_server, "resident", PASSWORD)
    page.goto(f"{live_server.url}/p/{process.procurement.slug}/{process.slug}/m/{survey.pk}/")
    # Signed in, the form is there at once: no pseudonym to choose.
    expect(page.get_by_role("group", name="1. How should we contact you?")).to_be_visible()
    expect(page.get_by_text("Choose a pseudonym to take part.")).to_have_count(0)
    assert_accessible(page)

    press(page, page.get_by_label("By phone"), "Space")
    press(page, page.get_by_label("Speed"), "Space")
    press(page, page.get_by_label("2", exact=True), "Space")
    for item, place in (
        ("A person reads it", "1"),
        ("It is explained", "2"),
        ("It can be appealed", "3"),
    ):
        page.get_by_label(item).select_option(place)
    page.get_by_label("Anything else?").fill("Call me in the morning.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    expect(page.get_by_text("You can change your answers below")).to_be_visible()
    assert_accessible(page)

    # The form comes back with the answers given; change some, clear others
    # (USWDS draws its own boxes over the inputs: the keyboard ticks them).
    expect(page.get_by_label("By phone")).to_be_checked()
    expect(page.get_by_label("Anything else?")).to_have_value("Call me in the morning.")
    press(page, page.get_by_label("By email"), "Space")
    press(page, page.get_by_label("Speed"), "Space")
    press(page, page.get_by_label("Privacy"), "Space")
    press(page, page.get_by_label("Fairness"), "Space")
    press(page, page.get_by_label("5 – Completely"), "Space")
    page.get_by_label("It can be appealed").select_option("1")
    page.get_by_label("A person reads it").select_option("3")
    page.get_by_label("Anything else?").fill("")
    page.get_by_role("button", name="Change my answers").click()
    expect(
        page.get_by_text("Your answers are changed; the earlier ones are replaced.")
    ).to_be_visible()
    expect(page.get_by_label("By email")).to_be_checked()
    expect(page.get_by_label("By phone")).not_to_be_checked()
    expect(page.get_by_label("Speed")).not_to_be_checked()
    expect(page.get_by_label("Anything else?")).to_have_value("")
    expect(page.locator("#results").get_by_text("1 person has answered.")).to_be_visible()
    assert_accessible(page)

    # One response, the resident's, with only the new answers.
    [response] = SurveyResponse.objects.all()
    assert response.participant.user == resident
    assert dict(response.answers.values_list("question__kind", "value")) == {
        "single": 2,
        "multiple": [1, 2],
        "scale": 5,
        "ranking": [2, 1, 0],
    }
    survey.refresh_from_db()
    assert survey.contribution_count == 1
