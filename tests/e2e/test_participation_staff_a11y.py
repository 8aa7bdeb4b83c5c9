"""The staff pages of participation, checked by axe-core in a real browser:
a process with its modules, assisted entry (typed through, then ready for
the next form), the paper form, and the moderation queue with flags, from
which a moderator hides a comment that the public thread then shows hidden,
with the reason."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from participai.accounts.roles import Role
from participai.participation.models import Contribution, Process
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from tests.conftest import PASSWORD

from .conftest import TIMEOUT_MS, login
from .test_accessibility import assert_accessible
from .test_participation_public_a11y import open_process

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def scene(officer, published) -> Process:
    """A published process, open now, with a comments and a statements module,
    one comment flagged twice and one left alone."""
    process, comments, _statements = open_process(officer, published)
    rude = contribution_services.contribution_add(
        participant=participant_services.guest_join(pseudonym="Angry"),
        module=comments,
        body="Everyone in that office is useless.",
    )
    contribution_services.contribution_add(
        participant=participant_services.guest_join(pseudonym="Calm"),
        module=comments,
        body="Call urgent cases back the **same day**.",
    )
    for name in ("Flagger one", "Flagger two"):
        contribution_services.contribution_flag(
            participant=participant_services.guest_join(pseudonym=name),
            contribution=rude,
            reason="abuse",
            note="Insults the staff",
        )
    process.refresh_from_db()
    return process


def test_process_staff_page(axe_page: Page, live_server, officer, published, scene):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(
        f"{live_server.url}/workspace/procurements/{published.slug}/participation/{scene.slug}/"
    )
    expect(axe_page.get_by_role("heading", name=scene.title, level=1)).to_be_visible()
    expect(axe_page.get_by_role("heading", name="Add a module")).to_be_visible()
    assert axe_page.locator("#modules-heading ~ table tbody tr").count() == 2
    assert_accessible(axe_page)


def test_assisted_entry_typed_through(axe_page: Page, live_server, officer, published, scene):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(
        f"{live_server.url}/workspace/procurements/{published.slug}"
        f"/participation/{scene.slug}/assist/"
    )
    assert_accessible(axe_page)
    axe_page.get_by_label("Part of the process").select_option(label="Comments and ideas")
    axe_page.get_by_text("By phone", exact=True).click()  # the label: USWDS hides the input
    axe_page.get_by_label("Name shown").fill("Maria from the library")
    axe_page.get_by_label("What they said").fill("Always call back anyone marked urgent.")
    axe_page.get_by_role("button", name="Save and enter the next").click()
    expect(
        axe_page.get_by_text("Saved the contribution of “Maria from the library”")
    ).to_be_visible()
    # Ready for the next form: the name field has the focus, the channel is kept.
    expect(axe_page.get_by_label("Name shown")).to_be_focused()
    expect(axe_page.get_by_label("By phone")).to_be_checked()
    assert_accessible(axe_page)
    contribution = Contribution.objects.get(participant__pseudonym="Maria from the library")
    assert (contribution.channel, contribution.entered_by_id) == ("phone", officer.pk)


def test_paper_form(axe_page: Page, live_server, officer, published, scene):
    login(axe_page, live_server, "officer", PASSWORD)
    module = scene.modules.get(kind="comments")
    axe_page.goto(
        f"{live_server.url}/workspace/procurements/{published.slug}"
        f"/participation/{scene.slug}/m/{module.pk}/print/?where=the+library+desk"
    )
    expect(axe_page.get_by_role("heading", name=scene.title, level=1)).to_be_visible()
    axe_page.emulate_media(media="print")
    expect(axe_page.locator(".screen-only")).to_be_hidden()
    axe_page.emulate_media(media="screen")
    assert_accessible(axe_page)


def test_a_moderator_hides_a_comment_and_the_thread_says_why(
    axe_page: Page, browser: Browser, live_server, org, make_member, published, scene
):
    make_member(org, Role.MODERATOR, username="moderator")
    login(axe_page, live_server, "moderator", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/moderation/{org.slug}/")
    expect(axe_page.get_by_text("2 open flags")).to_be_visible()
    assert_accessible(axe_page)
    # Hide the flagged comment with a reason, by keyboard-reachable controls.
    first = axe_page.locator("li[id^='contribution-']").first
    first.locator("summary").click()
    first.get_by_label("Reason, shown publicly").fill("Insults people, not the system.")
    first.get_by_role("button", name="Hide", exact=True).click()
    expect(axe_page.get_by_text("hidden; its open flags are resolved")).to_be_visible()
    assert_accessible(axe_page)
    rude = Contribution.objects.get(participant__pseudonym="Angry")
    assert (rude.status, rude.moderation_reason, rude.flag_count) == (
        "hidden",
        "Insults people, not the system.",
        0,
    )

    # Anyone reading the public thread sees its place, hidden, and why; not its words.
    # bypass_csp: axe-core is injected as an inline script (see the axe_page fixture).
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        reader = context.new_page()
        comments = scene.modules.get(kind="comments")
        reader.goto(f"{live_server.url}/p/{published.slug}/{scene.slug}/m/{comments.pk}/")
        hidden = reader.locator(f"#contribution-{rude.pk}")
        expect(hidden).to_have_text(
            re.compile(r"Hidden by a moderator: Insults people, not the system\.")
        )
        expect(reader.get_by_text("Everyone in that office is useless.")).to_have_count(0)
        expect(hidden.get_by_role("button", name=re.compile("Support"))).to_have_count(0)
        expect(reader.get_by_text("Call urgent cases back the")).to_be_visible()
        assert_accessible(reader)
    finally:
        context.close()


def test_the_participation_report_is_read_and_attached(
    axe_page: Page, live_server, officer, published, scene
):
    """From the process page to its report, which passes axe, then attached
    to the stage's documents with one button."""
    from participai.participation.services import insights
    from participai.procurements.models import Document

    comments = scene.modules.get(kind="comments")
    insights.topics_compute(module_id=comments.pk)
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(
        f"{live_server.url}/workspace/procurements/{published.slug}/participation/{scene.slug}/"
    )
    axe_page.get_by_role("link", name="Participation report").click()
    expect(
        axe_page.get_by_role("heading", name=f"Participation report: {scene.title}", level=1)
    ).to_be_visible()
    expect(
        axe_page.get_by_role("table", name="Topics, with the texts closest to each")
    ).to_be_visible()
    assert_accessible(axe_page)
    axe_page.get_by_role("button", name="Attach to the documents of this stage").click()
    expect(axe_page.get_by_text("is now a document of the stage")).to_be_visible()
    assert Document.objects.filter(
        procurement=published, document_type="participation_report"
    ).exists()
