"""A participant's own data in a real browser: a guest joins, answers the
optional "About you" questions with the keyboard, sees who took part
against the population, downloads their data, and deletes it after the
confirmation step; an account holder deletes theirs and keeps the account.
axe-core checks every page on the way."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from participai.participation.services import demographics as demographic_services
from participai.participation.services import participants as participant_services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible
from .test_participation_public_a11y import open_process

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def scene(make_procurement, officer):
    """An open process with a comments module and an age-band question with
    population shares; 40 people have answered it, few of them older."""
    procurement = make_procurement(published=True, title="Triage of social-care referrals")
    process, comments, _statements = open_process(officer, procurement)
    question = demographic_services.question_add(
        actor=officer,
        process=process,
        kind="age_band",
        label="How old are you?",
        options=["16–29", "30–64", "65 or older"],
        benchmarks=[18, 60, 22],
        benchmark_source="Census 2021, city council area",
    )
    for n, option in enumerate([0] * 10 + [1] * 28 + [2] * 2):
        demographic_services.profile_save(
            participant=participant_services.guest_join(pseudonym=f"Neighbour {n}"),
            process=process,
            answers={question.pk: option},
            consent=True,
        )
    return process, comments


def test_a_guest_answers_about_themselves_downloads_and_deletes_their_data(
    axe_page: Page, live_server, scene
):
    process, comments = scene
    page = axe_page
    base = f"{live_server.url}/p/{process.procurement.slug}/{process.slug}/"
    page.goto(base)
    panel = page.locator(
        "section", has=page.get_by_role("heading", name="Who has taken part so far")
    )
    expect(panel.get_by_text("40 people answered the optional questions")).to_be_visible()
    expect(panel.get_by_text("Under-represented so far:")).to_be_visible()
    assert_accessible(page)

    page.goto(base + "join/")
    page.get_by_label("Pseudonym").fill("Ana R.")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You take part as “Ana R.” now.")).to_be_visible()
    page.get_by_role("link", name="About you (optional)").click()
    expect(page.get_by_role("heading", name="About you", level=1)).to_be_visible()
    assert_accessible(page)

    # With the keyboard: choose an age band, agree, send.
    page.get_by_role("group", name="How old are you?").get_by_label("65 or older").focus()
    page.keyboard.press("Space")
    page.get_by_label("I agree that these answers are kept").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Agree and send").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you. Your answers are kept apart")).to_be_visible()

    page.goto(f"{base}m/{comments.pk}/")
    page.get_by_label("Your text").fill("Call people back before any automated triage.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Thank you: your contribution is published.")).to_be_visible()

    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    expect(page.get_by_text("You take part as the guest “Ana R.”")).to_be_visible()
    expect(page.get_by_text(process.title, exact=True)).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your data").click()
    data = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert data["participant"]["pseudonym"] == "Ana R."
    assert data["demographic_profiles"][0]["answers"][0]["answer"] == "65 or older"
    assert [c["text"] for c in data["contributions"]] == [
        "Call people back before any automated triage."
    ]

    page.get_by_role("link", name="Delete your data…").click()
    expect(page.get_by_role("heading", name="Delete your data", level=1)).to_be_visible()
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete my data for good").click()
    expect(page.get_by_text("Your data are deleted.")).to_be_visible()
    expect(page.get_by_text("You have not taken part from this browser")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}m/{comments.pk}/")
    expect(page.get_by_text("Removed by its author")).to_be_visible()
    expect(page.get_by_text("Call people back before any automated triage.")).to_have_count(0)
    expect(page.get_by_text("You have not joined yet.")).to_be_visible()


def test_an_account_holder_deletes_their_data_and_keeps_the_account(
    axe_page: Page, live_server, scene, resident
):
    process, comments = scene
    page = axe_page
    login(page, live_server, "resident", PASSWORD)
    base = f"{live_server.url}/p/{process.procurement.slug}/{process.slug}/"
    page.goto(f"{base}m/{comments.pk}/")
    page.get_by_label("Your text").fill("Written with my account.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Thank you: your contribution is published.")).to_be_visible()

    page.goto(f"{live_server.url}/participate/you/delete/")
    choice = page.get_by_role("group", name="Your account")
    expect(choice.get_by_label("Keep my account")).to_be_checked()
    expect(choice.get_by_label("Close my account as well")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete my data for good").click()
    expect(page.get_by_text("Your data are deleted.")).to_be_visible()
    expect(page.get_by_role("button", name="Log out (resident)")).to_be_visible()
    expect(page.get_by_text("Your account has not taken part in any process yet")).to_be_visible()
    assert_accessible(page)
