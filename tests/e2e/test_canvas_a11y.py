"""The governance canvas page in a real browser: axe-core finds no serious or
critical WCAG 2.1 A/AA violation in either edition, and every block's table
region can be reached by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.engagement.canvas_scene import ACTOR_NAME, build_scene

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def scene(make_procurement, officer):
    return build_scene(make_procurement(stage="engagement_planning", published=True), officer)


def canvas_url(live_server, scene) -> str:
    return f"{live_server.url}/workspace/procurements/{scene.procurement.slug}/engagement/canvas/"


def test_canvas_page_is_accessible(axe_page: Page, live_server, scene):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(canvas_url(live_server, scene))
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Governance canvas")
    expect(axe_page.get_by_role("heading", name="Impact level and AI Act class")).to_be_visible()
    expect(axe_page.get_by_role("row", name=ACTOR_NAME).first).to_be_visible()
    assert_accessible(axe_page)


def test_public_edition_of_the_canvas_page_is_accessible(axe_page: Page, live_server, scene):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(canvas_url(live_server, scene) + "?edition=public")
    expect(axe_page.get_by_text("You are looking at the public edition")).to_be_visible()
    assert_accessible(axe_page)


def test_empty_canvas_page_is_accessible(axe_page: Page, live_server, procurement):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(
        f"{live_server.url}/workspace/procurements/{procurement.slug}/engagement/canvas/"
    )
    expect(axe_page.get_by_text("Not defined yet").first).to_be_visible()
    assert_accessible(axe_page)


def test_table_regions_are_reachable_by_keyboard(page: Page, live_server, scene):
    login(page, live_server, "officer", PASSWORD)
    page.goto(canvas_url(live_server, scene))
    region = page.get_by_role("region", name="Actor map")
    region.focus()
    expect(region).to_be_focused()
