"""Prioritisation in a real browser: a guest spreads dots and ranks items
with the keyboard only, the live "points left" and the ranking's swaps
are announced, an account holder casts a dot ballot and changes it, the
ballot works without JavaScript, a facilitator types in a paper ballot;
axe-core checks each page on the way."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from participai.accounts.models import Participant
from participai.participation.models import Module, ModuleKind, PriorityBallot, Process
from participai.participation.selectors import prioritisation as selectors
from participai.participation.services import participants as participant_services
from participai.participation.services import prioritisation as prioritisation_services
from participai.participation.services import processes as process_services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible
from .test_participation_public_a11y import open_process

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ITEMS = (
    ("Urgent cases reach a person the same day", "Within office hours, **by phone**."),
    ("Everyone contacted within seven days", ""),
    ("Reasons written down for each priority", "In words the person can read."),
)


@dataclass
class Scene:
    process: Process
    dots: Module
    ranking: Module


@pytest.fixture
def scene(officer, published) -> Scene:
    """A published process, open now, with a dot vote (5 points) and a
    ranking of the same three items; someone else already cast a dot ballot."""
    process, _comments, _statements = open_process(officer, published)
    modules = {}
    for method, title, config in (
        ("dots", "Spread your points", {"method": "dots", "budget": 5}),
        ("ranking", "Rank the needs", {"method": "ranking"}),
    ):
        module = process_services.module_add(
            actor=officer,
            process=process,
            kind=ModuleKind.PRIORITISATION,
            title=title,
            config=config,
        )
        for item_title, description in ITEMS:
            prioritisation_services.item_add(
                actor=officer, module=module, title=item_title, description=description
            )
        modules[method] = module
    first = selectors.items_of(modules["dots"])[1]
    prioritisation_services.ballot_cast(
        participant=participant_services.guest_join(pseudonym="Jordi"),
        module=modules["dots"],
        allocation={first.pk: 5},
    )
    return Scene(process=process, dots=modules["dots"], ranking=modules["ranking"])


def module_url(live_server, module: Module) -> str:
    process = module.process
    return f"{live_server.url}/p/{process.procurement.slug}/{process.slug}/m/{module.pk}/"


def join(page: Page) -> None:
    page.get_by_role("link", name="Choose a pseudonym").first.click()
    page.get_by_label("Pseudonym").focus()
    page.keyboard.type("Ana R.")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You take part as “Ana R.” now.")).to_be_visible()


def test_a_guest_spreads_dots_with_the_keyboard(axe_page: Page, live_server, scene: Scene):
    page = axe_page
    page.goto(f"{live_server.url}/p/{scene.process.procurement.slug}/{scene.process.slug}/")
    page.get_by_role("link", name="Spread your points").click()
    expect(page.get_by_role("heading", name="Spread your points", level=1)).to_be_visible()
    expect(page.get_by_text("Choose a pseudonym to take part.")).to_be_visible()
    assert_accessible(page)
    join(page)
    expect(page.get_by_role("heading", name="Spread your points", level=1)).to_be_visible()
    assert_accessible(page)

    left = page.locator("#points-left")
    expect(left).to_have_text("Points left: 5 of 5.")
    expect(left).to_have_attribute("aria-live", "polite")
    # The first item's label is its title; its description describes the field.
    urgent = page.get_by_label("Urgent cases reach a person the same day")
    expect(urgent).to_have_accessible_description("Within office hours, by phone.")
    urgent.focus()
    page.keyboard.type("4")
    expect(left).to_have_text("Points left: 1 of 5.")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    expect(left).to_have_text("2 points more than your 5: take some away.")
    # Sending it anyway: the page says why, keeps what was typed, saves nothing.
    page.keyboard.press("Enter")
    expect(page.get_by_text("You gave 7 points but have 5; take 2 away.")).to_be_visible()
    expect(page.get_by_label("Urgent cases reach a person the same day")).to_have_value("4")
    assert PriorityBallot.objects.filter(module=scene.dots).count() == 1
    assert_accessible(page)

    seven_days = page.get_by_label("Everyone contacted within seven days")
    seven_days.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    expect(page.locator("#points-left")).to_have_text("Points left: 0 of 5.")
    page.get_by_role("button", name="Cast my ballot").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your ballot is cast.")).to_be_visible()
    results = page.locator("#results")
    expect(results.get_by_text("2 ballots cast.")).to_be_visible()
    first_row = results.locator("tbody tr").first
    expect(first_row).to_contain_text("Everyone contacted within seven days")
    expect(first_row).to_contain_text("60 %")
    expect(page.get_by_role("button", name="Change my ballot")).to_be_visible()
    assert_accessible(page)


def test_an_account_holder_casts_a_dot_ballot_and_changes_it(
    axe_page: Page, live_server, resident, scene: Scene
):
    # Only accounts may vote here: the ballot is the account's, no pseudonym asked.
    Process.objects.filter(pk=scene.process.pk).update(vote_requires="account")
    page = axe_page
    login(page, live_server, "resident", PASSWORD)
    page.goto(module_url(live_server, scene.dots))
    expect(page.get_by_role("heading", name="Spread your points", level=1)).to_be_visible()
    expect(page.get_by_text("Choose a pseudonym to take part.")).to_have_count(0)
    left = page.locator("#points-left")
    expect(left).to_have_text("Points left: 5 of 5.")
    urgent = page.get_by_label("Urgent cases reach a person the same day")
    reasons = page.get_by_label("Reasons written down for each priority")
    urgent.focus()
    page.keyboard.type("4")
    reasons.focus()
    page.keyboard.type("1")
    expect(left).to_have_text("Points left: 0 of 5.")
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_text("Thank you: your ballot is cast.")).to_be_visible()
    rows = page.locator("#results tbody tr")
    expect(rows.nth(1)).to_contain_text("Urgent cases reach a person the same day")
    expect(rows.nth(1)).to_contain_text("40 %")
    assert_accessible(page)

    # Back on the ballot, it holds what was cast; the account changes it.
    expect(urgent).to_have_value("4")
    expect(reasons).to_have_value("1")
    urgent.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    reasons.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    expect(left).to_have_text("Points left: 0 of 5.")
    page.get_by_role("button", name="Change my ballot").click()
    expect(page.get_by_text("Your ballot is changed.")).to_be_visible()
    results = page.locator("#results")
    expect(results.get_by_text("2 ballots cast.")).to_be_visible()  # changed, not added
    expect(rows.nth(1)).to_contain_text("Reasons written down for each priority")
    expect(rows.nth(1)).to_contain_text("40 %")
    expect(rows.nth(2)).to_contain_text("Urgent cases reach a person the same day")
    expect(urgent).to_have_value("1")
    assert_accessible(page)

    participant = Participant.objects.get(user=resident)
    [ballot] = PriorityBallot.objects.filter(module=scene.dots, participant=participant)
    assert (ballot.channel, ballot.entered_by_id) == ("online", None)
    by_title = {item.title: item for item in selectors.items_of(scene.dots)}
    assert selectors.ballot_of(scene.dots, participant) == {
        by_title["Urgent cases reach a person the same day"].pk: 1,
        by_title["Reasons written down for each priority"].pk: 4,
    }
    assert [item.points for item in by_title.values()] == [1, 5, 4]


def test_a_guest_ranks_with_the_keyboard(axe_page: Page, live_server, scene: Scene):
    page = axe_page
    page.goto(module_url(live_server, scene.ranking))
    join(page)
    status = page.locator("[data-ranking-status]")
    first = page.get_by_label("Urgent cases reach a person the same day")
    second = page.get_by_label("Everyone contacted within seven days")
    third = page.get_by_label("Reasons written down for each priority")
    for select, position in ((first, "2"), (second, "1"), (third, "3")):
        select.select_option(position)
    assert_accessible(page)
    # Giving the third item position 1 hands its old position to the item
    # that held 1, and says so.
    third.focus()
    third.select_option("1")
    expect(second).to_have_value("3")
    expect(status).to_have_text("“Everyone contacted within seven days” moved to position 3.")
    page.get_by_role("button", name="Cast my ballot").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your ballot is cast.")).to_be_visible()
    results = page.locator("#results")
    expect(results.locator("tbody tr").first).to_contain_text(
        "Reasons written down for each priority"
    )
    expect(page.get_by_label("Reasons written down for each priority")).to_have_value("1")
    assert_accessible(page)


def test_the_ballot_works_without_javascript(page_without_js: Page, live_server, scene: Scene):
    page = page_without_js
    page.goto(module_url(live_server, scene.ranking))
    join(page)
    page.get_by_label("Urgent cases reach a person the same day").select_option("1")
    page.get_by_label("Everyone contacted within seven days").select_option("1")
    page.get_by_label("Reasons written down for each priority").select_option("2")
    page.get_by_role("button", name="Cast my ballot").click()
    expect(
        page.get_by_text("2 items have position 1; give each item its own.").first
    ).to_be_visible()
    page.get_by_label("Everyone contacted within seven days").select_option("3")
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_text("Thank you: your ballot is cast.")).to_be_visible()
    assert PriorityBallot.objects.filter(module=scene.ranking).count() == 1


def test_a_facilitator_types_in_a_paper_ballot(axe_page: Page, live_server, officer, scene: Scene):
    page = axe_page
    login(page, live_server, "officer", PASSWORD)
    process = scene.process
    base = f"{live_server.url}/workspace/procurements/{process.procurement.slug}/participation"
    page.goto(f"{base}/{process.slug}/")
    page.locator(f'a[href$="/m/{scene.dots.pk}/priorities/"]').click()
    expect(page.get_by_role("heading", name="Spread your points", level=1)).to_be_visible()
    expect(page.get_by_text("the items are frozen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Enter a paper ballot").click()
    expect(page.get_by_role("heading", name="Enter a paper ballot", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name shown").fill("Marta P.")
    page.get_by_label("Reasons written down for each priority").fill("5")
    page.get_by_role("button", name="Save and enter the next").click()
    expect(page.get_by_text("Saved the ballot of “Marta P.”. Ready for the next.")).to_be_visible()
    expect(page.get_by_label("Name shown")).to_be_focused()
    assert_accessible(page)
    ballot = PriorityBallot.objects.get(participant__pseudonym="Marta P.")
    assert (ballot.channel, ballot.entered_by_id) == ("paper", officer.pk)
    page.goto(f"{base}/{process.slug}/m/{scene.ranking.pk}/print/")
    expect(page.get_by_text("Write a position in the box of every item")).to_be_visible()
    assert_accessible(page)
