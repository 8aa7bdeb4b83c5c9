"""A draft under review and a meeting's record in a real browser: a guest
reads the draft, comments on one paragraph with the keyboard only, and
compares two versions; a signed-in account holder comments on a paragraph
and removes the comment again; a resident reads the record of a meeting and
the points raised there. axe-core checks every page on the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participai.participation.models import (
    Contribution,
    DocumentParagraph,
    Module,
    ModuleKind,
    Process,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import documents as document_services
from participai.participation.services import events as event_services
from participai.participation.services import participants as participant_services
from participai.participation.services import processes as process_services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

V1 = (
    "# The problem\n\n"
    "Referrals wait nineteen days for a first contact.\n\n"
    "Urgent referrals wait in the same queue as routine ones.\n\n"
    "- Nobody is refused by the system alone.\n"
    "- Every decision has a named person behind it."
)
V2 = (
    "# The problem\n\n"
    "Referrals wait nineteen days on average for a first contact.\n\n"
    "We will answer every call within a minute.\n\n"
    "- Nobody is refused by the system alone.\n"
    "- Every decision has a named person behind it."
)


@dataclass
class Scene:
    process: Process
    draft: Module
    meeting: Module


@pytest.fixture
def scene(make_procurement, officer, make_member, org) -> Scene:
    """A published process, open now, with a draft in two versions (one
    comment on version 1, on a paragraph kept in version 2) and the record
    of a workshop with a point raised there."""
    from participai.accounts.roles import Role

    procurement = make_procurement(published=True, title="Triage of social-care referrals")
    now = timezone.now()
    process = process_services.process_create(
        actor=officer,
        procurement=procurement,
        title="The problem, in our words",
        slug="the-problem",
        question="Have we described the problem right?",
        negotiable="How the problem is described.",
        decision_stage="diagnosis",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    draft = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.DOCUMENT_REVIEW, title="The draft"
    )
    meeting = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.EVENT, title="Workshop at the library"
    )
    process = process_services.process_publish(actor=officer, process=process)
    v1 = document_services.version_publish(
        actor=officer, module=draft, title="Problem statement", body=V1
    )
    contribution_services.contribution_add(
        participant=participant_services.guest_join(pseudonym="Jordi"),
        module=draft,
        body="Say who is refused, and why.",
        paragraph=v1.paragraphs.get(position=4),
    )
    document_services.version_publish(
        actor=officer,
        module=draft,
        title="Problem statement",
        body=V2,
        change_note="The urgent queue is gone; calls answered within a minute.",
    )
    starts = datetime(2030, 3, 12, 18, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    event_services.event_record_save(
        actor=officer,
        module=meeting,
        kind="workshop",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Central Library, room 2",
        accessibility="Step-free access; hearing loop.",
        attendance=23,
        attendance_note="Mostly carers; few young people.",
        minutes="We **presented** the problem and listened.",
        outputs="1. Call back within a day\n2. Explain every refusal",
    )
    facilitator = make_member(org, Role.FACILITATOR, username="facilitator")
    contribution_services.contribution_add(
        participant=participant_services.guest_join(pseudonym="Pilar"),
        module=meeting,
        body="Older people do not use the phone menu.",
        channel="in_person",
        entered_by=facilitator,
    )
    return Scene(process=process, draft=draft, meeting=meeting)


def test_a_guest_comments_on_a_paragraph_by_keyboard(axe_page: Page, live_server, scene: Scene):
    page = axe_page
    base = f"{live_server.url}/p/{scene.process.procurement.slug}/{scene.process.slug}/"
    page.goto(base)
    page.get_by_role("link", name="The draft").click()
    expect(page.get_by_role("heading", name="Problem statement", level=2)).to_be_visible()
    expect(page.get_by_text("Version 2 of 2")).to_be_visible()
    assert_accessible(page)

    # Join from the way forward, then come back to the draft.
    page.get_by_role("link", name="Choose a pseudonym").first.click()
    page.get_by_label("Pseudonym").focus()
    page.keyboard.type("Ana R.")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You take part as “Ana R.” now.")).to_be_visible()

    # Paragraph 4 kept its comment from version 1.
    fourth = page.locator("#paragraph-4")
    expect(fourth.get_by_text("1 comment")).to_be_visible()
    expect(fourth.get_by_text("(1 on an earlier version)")).to_be_visible()

    # Keyboard only: tab to paragraph 2's link, open it, write, submit.
    link = page.locator("#paragraph-2").get_by_role("link")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Paragraph 2 of “Problem statement”")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your comment").focus()
    page.keyboard.type("Nineteen days on average hides the longest waits.")
    page.keyboard.press("Tab")  # past the hint to the button
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Publish the comment"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your comment is published.")).to_be_visible()
    expect(page.get_by_text("Nineteen days on average hides the longest waits.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 comment on this paragraph")).to_be_visible()
    assert (
        DocumentParagraph.objects.get(
            version__module=scene.draft, version__number=2, position=2
        ).comment_count
        == 1
    )
    assert_accessible(page)

    # The older comment shows on the kept paragraph, with its version.
    page.get_by_role("link", name="Back to the whole draft").click()
    page.locator("#paragraph-4").get_by_role("link").click()
    expect(page.get_by_text("Say who is refused, and why.")).to_be_visible()
    expect(
        page.get_by_text("Made on version 1; the paragraph has not changed since.")
    ).to_be_visible()
    assert_accessible(page)


def test_an_account_holder_comments_on_a_paragraph(
    axe_page: Page, live_server, scene: Scene, resident
):
    page = axe_page
    login(page, live_server, "resident", PASSWORD)
    page.goto(
        f"{live_server.url}/p/{scene.process.procurement.slug}/{scene.process.slug}/"
        f"m/{scene.draft.pk}/"
    )
    # Signed in: no pseudonym to choose, each paragraph invites a comment.
    expect(page.get_by_role("link", name="Choose a pseudonym")).to_have_count(0)
    page.locator("#paragraph-3").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Paragraph 3 of “Problem statement”")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your comment").fill("Within a minute, or *at* a person within a minute?")
    page.get_by_role("button", name="Publish the comment").click()
    expect(page.get_by_text("Thank you: your comment is published.")).to_be_visible()
    thread = page.locator(".thread").filter(has_text="Within a minute, or")
    expect(thread.locator("em")).to_have_text("at")
    expect(thread.get_by_text("resident", exact=True)).to_be_visible()
    saved = Contribution.objects.get(participant__user=resident)
    assert (saved.paragraph.version.number, saved.paragraph.position) == (2, 3)
    assert_accessible(page)

    # The author removes it and comes back to the paragraph, not the whole draft.
    thread.get_by_role("link", name="Remove your contribution").click()
    page.get_by_role("button", name="Remove it").click()
    expect(page.get_by_text("Your contribution is removed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Paragraph 3 of “Problem statement”")).to_be_visible()
    expect(page.get_by_text("Removed by its author")).to_be_visible()
    assert_accessible(page)


def test_the_diff_page(axe_page: Page, live_server, scene: Scene):
    page = axe_page
    page.goto(
        f"{live_server.url}/p/{scene.process.procurement.slug}/{scene.process.slug}/"
        f"m/{scene.draft.pk}/"
    )
    page.get_by_role("link", name="What changed since version 1").click()
    expect(
        page.get_by_role("heading", name="Changes from version 1 to version 2", level=1)
    ).to_be_visible()
    changed = page.locator(".diff-paragraph--changed")
    expect(changed.locator("ins")).to_contain_text("on average")
    removed = page.locator(".diff-paragraph--removed")
    expect(removed.locator("del")).to_contain_text("Urgent referrals wait in the same queue")
    # Screen readers hear what was inserted and deleted, not only a colour.
    expect(changed.locator("ins .usa-sr-only").first).to_have_text("[inserted: ")
    assert_accessible(page)
    # Choose the versions the other way round with the keyboard.
    page.get_by_label("From version").select_option("2")
    page.get_by_label("To version").select_option("1")
    page.get_by_role("button", name="Compare").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Changes from version 2 to version 1", level=1)
    ).to_be_visible()
    assert_accessible(page)


def test_the_record_of_a_meeting(axe_page: Page, live_server, scene: Scene):
    page = axe_page
    page.goto(f"{live_server.url}/p/{scene.process.procurement.slug}/{scene.process.slug}/")
    page.get_by_role("link", name="Workshop at the library").click()
    expect(page.get_by_text("23 people took part")).to_be_visible()
    expect(page.get_by_text("Central Library, room 2")).to_be_visible()
    expect(page.get_by_role("heading", name="1 point raised at the meeting")).to_be_visible()
    expect(page.get_by_text("Older people do not use the phone menu.")).to_be_visible()
    expect(page.get_by_text("entered by a facilitator, in person")).to_be_visible()
    assert_accessible(page)
