"""The actor map in a real browser: axe-core finds no serious or critical
violation on the map page, its forms (with errors too), and the involvement
editor saves every row changed at once, without JavaScript help."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participai.engagement.models import Involvement
from participai.engagement.services import actors as services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def mapped(officer, procurement):
    """A map with actors in every quadrant, involvements and some gaps."""
    rows = [
        ("Procurement officer", "procurement_officer", "public_administration", False, 5, 5,
         {"problem_definition": "empower", "vendor_evaluation": "empower"}),
        ("Residents referred to social care", "affected_community", "general_public", True, 1, 5,
         {"problem_definition": "consult", "vendor_evaluation": "involve"}),
        ("Duty social workers' union", "frontline_worker", "civil_society", True, 2, 4,
         {"solution_evaluation": "collaborate"}),
        ("Data protection officer", "oversight_body", "public_administration", False, 4, 2,
         {"contract_monitoring": "inform"}),
        ("Local press <b>watch</b>", "civil_society", "civil_society", False, 1, 1, {}),
    ]  # fmt: skip
    for name, kind, sector, affected, influence, interest, depths in rows:
        stakeholder = services.actor_add(
            actor=officer,
            procurement=procurement,
            name=name,
            kind=kind,
            sector=sector,
            is_affected=affected,
            influence=influence,
            interest=interest,
        )
        services.involvements_set(actor=officer, stakeholder=stakeholder, depths=depths)
    return procurement


def test_actor_map_page_is_accessible(axe_page: Page, live_server, mapped):
    login(axe_page, live_server, "officer", PASSWORD)
    base = f"{live_server.url}/workspace/procurements/{mapped.slug}/engagement/actors"
    axe_page.goto(f"{base}/")
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Actor map")
    expect(axe_page.get_by_role("img", name="Power-interest grid")).to_be_visible()
    expect(axe_page.get_by_role("img", name="Who takes part at each stage")).to_be_visible()
    assert axe_page.locator(".usa-alert--warning").count() >= 1
    assert_accessible(axe_page)

    axe_page.goto(f"{base}/add/")
    assert_accessible(axe_page)
    axe_page.get_by_role("button", name="Add to the map").click()
    assert axe_page.locator(".usa-form-group--error").count() >= 1
    assert_accessible(axe_page)


def test_the_involvement_editor_saves_every_row_changed(page: Page, live_server, officer, mapped):
    login(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/workspace/procurements/{mapped.slug}/engagement/actors/")
    # Changes in two rows, then one save: neither row's change is lost.
    page.get_by_label("Local press <b>watch</b>: Review").select_option("consult")
    page.get_by_label("Data protection officer: Review").select_option("involve")
    page.get_by_role("button", name="Save involvement").click()
    expect(page.get_by_text("Involvement saved for 2 actors.")).to_be_visible()
    depths = dict(Involvement.objects.filter(stage="review").values_list("actor__name", "depth"))
    assert depths == {"Local press <b>watch</b>": "consult", "Data protection officer": "involve"}
