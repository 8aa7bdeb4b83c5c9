""" "You said, we did" in a real browser: staff answer two contributions with
one answer (picking them, then writing it), the public process page, its
answers page, the thread and the procurement's page show it, the author is
mailed; a resident follows the process and chooses a daily digest. axe-core
checks the answering pages and the public pages on the way."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participai.accounts.models import Participant
from participai.participation.models import Response
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from participai.procurements import services as procurement_services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible
from .test_participation_public_a11y import open_process

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FIRST = "Call urgent cases back the same day."
SECOND = "Nobody should wait a week for a first call."
THIRD = "Open the office on Saturdays."


@pytest.fixture
def scene(officer, published):
    """An open process with three comments (the first by a guest with a
    confirmed email) and a gate decision they can feed."""
    process, comments, _statements = open_process(officer, published)
    author = participant_services.guest_join(pseudonym="Marta")
    Participant.objects.filter(pk=author.pk).update(
        email="marta@example.org", confirmed_at=timezone.now()
    )
    for name, body in (("Marta", FIRST), ("Lluís", SECOND), ("Pat", THIRD)):
        person = author if name == "Marta" else participant_services.guest_join(pseudonym=name)
        contribution_services.contribution_add(participant=person, module=comments, body=body)
    decision = procurement_services.gate_decide(
        actor=officer,
        procurement=published,
        outcome="revise",
        rationale="Write the problem down again with the same-day call in it.",
        notify=False,
    )
    return process, comments, decision


def test_staff_answer_two_contributions_with_one_answer(
    axe_page: Page, live_server, officer, published, scene, mailoutbox
):
    process, comments, _decision = scene
    page = axe_page
    login(page, live_server, "officer", PASSWORD)
    page.goto(
        f"{live_server.url}/workspace/procurements/{published.slug}/participation/{process.slug}/"
    )
    page.get_by_role("link", name="Answer: you said, we did").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("You said, we did")
    assert_accessible(page)

    page.get_by_role("link", name="Answer contributions").click()
    expect(page.get_by_role("heading", name="Answer contributions", level=1)).to_be_visible()
    assert_accessible(page)
    # Narrow to what is not answered yet, then tick two (USWDS hides the box: click the label).
    page.get_by_text("Only those not answered yet").click()
    page.get_by_role("button", name="Apply").click()
    page.locator("label", has_text=FIRST).click()
    page.locator("label", has_text=SECOND).click()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="New answer", level=1)).to_be_visible()
    expect(page.get_by_label(FIRST, exact=False)).to_be_checked()
    expect(page.get_by_label(SECOND, exact=False)).to_be_checked()
    assert_accessible(page)
    page.get_by_text("Adopted", exact=True).click()
    page.get_by_text("A requirement", exact=True).click()
    page.get_by_label("What we did").fill("Urgent referrals reach a person the same day.")
    page.get_by_label("Why").fill("Many of you asked for it, and the service **can** do it.")
    page.get_by_label("The gate decision it fed").select_option(index=1)
    page.get_by_label("Requirement, criterion, indicator or clause").fill("R-7 Same-day call back")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_text("Answer published")).to_be_visible()
    expect(page.locator(".staff-response")).to_have_count(1)
    assert_accessible(page)

    answer = Response.objects.get()
    assert sorted(c.body for c in answer.contributions.all()) == sorted([FIRST, SECOND])
    # Marta confirmed her email: she is told at once.
    assert [m.to for m in mailoutbox] == [["marta@example.org"]]

    # The public side, as anyone sees it.
    page.goto(f"{live_server.url}/p/{published.slug}/{process.slug}/")
    expect(
        page.get_by_text("The team has answered what people said 1 time so far.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See what became of what people said").click()
    expect(page.get_by_role("heading", name="You said, we did", level=1)).to_be_visible()
    item = page.locator("article.response")
    expect(item).to_contain_text("R-7 Same-day call back")
    expect(item).to_contain_text(FIRST)
    expect(item).to_contain_text(SECOND)
    expect(item).not_to_contain_text(THIRD)
    assert_accessible(page)

    page.goto(f"{live_server.url}/p/{published.slug}/{process.slug}/m/{comments.pk}/")
    expect(page.locator(".became")).to_have_count(2)
    thread = page.locator(".thread", has_text=FIRST)
    expect(thread.get_by_text("What became of it")).to_be_visible()
    assert_accessible(page)
    thread.get_by_role("link", name="Read the answer to the contribution by Marta").click()
    expect(page.get_by_role("heading", name="An answer to what people said")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/p/{published.slug}/")
    section = page.locator("section.said-did")
    expect(section).to_contain_text("R-7 Same-day call back")
    expect(section).to_contain_text("In answer to 2 contributions")
    assert_accessible(page)


def test_a_resident_follows_and_chooses_a_daily_digest(
    axe_page: Page, live_server, resident, published, scene
):
    process, _comments, _decision = scene
    page = axe_page
    login(page, live_server, "resident", PASSWORD)
    page.goto(f"{live_server.url}/p/{published.slug}/{process.slug}/")
    page.get_by_role("button", name="Follow this process").click()
    expect(page.get_by_text("You follow this process: we will write")).to_be_visible()
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="How often we write to you").click()
    expect(page.get_by_role("heading", name="How often we write to you")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Once a day, in a digest").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: we will write to you as you chose.")).to_be_visible()
    assert Participant.objects.get(user=resident).email_frequency == "daily"
