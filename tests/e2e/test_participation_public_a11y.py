"""A resident takes part in a public process in a real browser: joins under a
pseudonym, comments, replies and votes on a statement with the keyboard and
ordinary clicks; an account holder does the same signed in, without a
pseudonym; axe-core checks the process, comments and statements pages as
they fill up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participai.accounts.models import Participant
from participai.participation.models import (
    Contribution,
    Module,
    ModuleKind,
    Process,
    StatementVote,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from participai.participation.services import processes as process_services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@dataclass
class Scene:
    process: Process
    comments: Module
    statements: Module


def open_process(officer, procurement, **extra) -> tuple[Process, Module, Module]:
    """A published process of ``procurement`` about where the line is drawn,
    open since yesterday for a week, with its comments and statements
    modules. The staff pages' tests share it."""
    now = timezone.now()
    process = process_services.process_create(
        actor=officer,
        procurement=procurement,
        title="Where the line is drawn",
        slug="where-the-line-is",
        question="What should the triage system never decide on its own?",
        negotiable="Which decisions stay with a social worker.",
        not_negotiable="That referrals are triaged at all.",
        decision_stage="diagnosis",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        **extra,
    )
    comments = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.COMMENTS, title="Comments and ideas"
    )
    statements = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.STATEMENTS, title="Statements to vote on"
    )
    process = process_services.process_publish(actor=officer, process=process)
    return process, comments, statements


@pytest.fixture
def scene(make_procurement, officer) -> Scene:
    """A published process, open now, with a comments module holding one
    thread and a statements module holding one statement by someone else."""
    procurement = make_procurement(published=True, title="Triage of social-care referrals")
    process, comments, statements = open_process(
        officer,
        procurement,
        description="We are writing the problem down **before** anyone talks to suppliers.",
    )
    jordi = participant_services.guest_join(pseudonym="Jordi")
    contribution_services.contribution_add(
        participant=jordi, module=comments, body="Urgent cases must reach a person the same day."
    )
    contribution_services.contribution_add(
        participant=jordi, module=statements, body="A person reads every urgent referral."
    )
    return Scene(process=process, comments=comments, statements=statements)


def test_a_guest_joins_comments_replies_and_votes(axe_page: Page, live_server, scene: Scene):
    page = axe_page
    procurement = scene.process.procurement
    page.goto(f"{live_server.url}/p/{procurement.slug}/")
    page.get_by_role("link", name="Where the line is drawn").click()
    expect(page.get_by_role("heading", name="Where the line is drawn", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Open to your influence")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Comments and ideas").click()
    expect(page.get_by_text("Choose a pseudonym to take part.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Choose a pseudonym").first.click()
    expect(page.get_by_role("heading", name="Take part under a pseudonym")).to_be_visible()
    assert_accessible(page)

    # Join with the keyboard only: type the pseudonym, press Enter.
    page.get_by_label("Pseudonym").focus()
    page.keyboard.type("Ana R.")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You take part as “Ana R.” now.")).to_be_visible()
    expect(page.get_by_role("heading", name="Comments and ideas", level=1)).to_be_visible()

    # Write an idea with the keyboard: choose the kind, type, submit.
    page.get_by_label("An idea").focus()
    page.keyboard.press("Space")
    page.get_by_label("Your text").focus()
    page.keyboard.type("Call people back before any automated triage.")
    page.get_by_role("button", name="Publish", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your contribution is published.")).to_be_visible()
    thread = page.locator(".thread", has_text="Call people back before any automated triage.")
    expect(thread.get_by_text("Idea", exact=False).first).to_be_visible()

    # Reply to Jordi with ordinary clicks, and support the thread.
    jordi = page.locator(".thread", has_text="Urgent cases must reach a person the same day.")
    jordi.get_by_text("Reply").first.click()
    jordi.get_by_label("Your reply").fill("And in Catalan too.")
    jordi.get_by_role("button", name="Publish the reply").click()
    expect(page.get_by_text("Thank you: your reply is published.")).to_be_visible()
    jordi = page.locator(".thread", has_text="Urgent cases must reach a person the same day.")
    expect(jordi.get_by_text("And in Catalan too.")).to_be_visible()
    jordi.get_by_role("button", name="Support the contribution by Jordi").click()
    expect(page.get_by_text("You support this contribution.")).to_be_visible()
    assert_accessible(page)

    # Vote on a statement.
    page.get_by_role("link", name="Where the line is drawn").click()
    page.get_by_role("link", name="Statements to vote on").click()
    card = page.locator("#next-statement")
    expect(card.get_by_text("A person reads every urgent referral.")).to_be_visible()
    assert_accessible(page)
    card.get_by_role("button", name="Agree", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your vote is saved: Agree.")).to_be_visible()
    listing = page.locator("#all-statements")
    expect(listing.get_by_text("Agree: 1 · Disagree: 0 · Pass: 0")).to_be_visible()
    expect(listing.get_by_text("Your vote: Agree.")).to_be_visible()
    assert_accessible(page)


def test_an_account_holder_comments_and_votes_signed_in(
    axe_page: Page, live_server, scene: Scene, resident
):
    """Signed in, a resident writes and votes at once, under their account's
    name: no pseudonym to choose, and both count for one participant."""
    page = axe_page
    login(page, live_server, "resident", PASSWORD)
    base = f"{live_server.url}/p/{scene.process.procurement.slug}/{scene.process.slug}"
    page.goto(f"{base}/m/{scene.comments.pk}/")
    expect(page.get_by_text("You take part with your account (resident).")).to_be_visible()
    expect(page.get_by_role("link", name="Choose a pseudonym")).to_have_count(0)
    page.get_by_label("Your text").fill("Tell people whether a person or the system decided.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Thank you: your contribution is published.")).to_be_visible()
    thread = page.locator(
        ".thread", has_text="Tell people whether a person or the system decided."
    )
    expect(thread.locator(".contribution__meta strong").first).to_have_text("resident")
    expect(thread.get_by_role("link", name="Remove your contribution")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}/m/{scene.statements.pk}/")
    card = page.locator("#next-statement")
    expect(card.get_by_text("A person reads every urgent referral.")).to_be_visible()
    card.get_by_role("button", name="Disagree", exact=True).click()
    expect(page.get_by_text("Your vote is saved: Disagree.")).to_be_visible()
    listing = page.locator("#all-statements")
    expect(listing.get_by_text("Agree: 0 · Disagree: 1 · Pass: 0")).to_be_visible()
    expect(listing.get_by_text("Your vote: Disagree.")).to_be_visible()
    assert_accessible(page)

    participant = Participant.objects.get(user=resident)
    comment = Contribution.objects.get(body__startswith="Tell people whether")
    assert (comment.participant, comment.channel) == (participant, "online")
    vote = StatementVote.objects.get()
    assert (vote.participant, vote.choice) == (participant, "disagree")


def test_the_opinion_groups_read_with_a_keyboard_and_pass_axe(
    axe_page: Page, live_server, scene: Scene
):
    """Two camps of voters; the task has run; a resident follows the link
    from the statements page to the groups, whose map has a text alternative."""
    from participai.participation.services import insights as opinion_groups

    statements = [
        contribution_services.contribution_add(
            participant=participant_services.guest_join(pseudonym=f"Author {n}"),
            module=scene.statements,
            body=text,
        )
        for n, text in enumerate(
            [
                "Visits are planned by a person.",
                "The schedule is published a week ahead.",
                "The software may cancel a visit.",
                "Families are not told why.",
            ]
        )
    ]
    for camp in (0, 1):
        for n in range(6):
            voter = participant_services.guest_join(pseudonym=f"Camp {camp} voter {n}")
            for index, statement in enumerate(statements):
                choice = "agree" if (index < 2) == (camp == 0) else "disagree"
                contribution_services.statement_vote(
                    participant=voter, statement=statement, choice=choice
                )
    opinion_groups.opinion_groups_compute(module_id=scene.statements.pk)
    page = axe_page
    page.goto(f"{live_server.url}/p/{scene.process.procurement.slug}/{scene.process.slug}/")
    page.get_by_role("link", name="Statements to vote on").click()
    link = page.get_by_role("link", name="See the opinion groups", exact=False)
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Opinion groups", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Opinion map", exact=False)).to_be_visible()
    expect(page.get_by_role("table", name="Opinion groups and their size")).to_be_visible()
    expect(page.get_by_role("heading", name="Where groups differ")).to_be_visible()
    assert_accessible(page)
