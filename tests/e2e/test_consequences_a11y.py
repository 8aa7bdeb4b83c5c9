"""The consequence-scanning workshop page, checked by axe-core in a real browser.

The page carries every part at once: the questions, the summary with the
unowned-harm warning, the board, the tables by response, the prompts and the
add form with a prompt pre-selected.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participai.assessment.services import consequences as services
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_workshop_page_with_consequences(axe_page: Page, live_server, officer, procurement):
    common = {"actor": officer, "procurement": procurement}
    services.consequence_add(
        **common,
        description="Urgent cases are seen the same day.",
        intention="intended",
        effect="positive",
        affected_group="People referred as urgent",
        response="act",
        owner="Duty team lead",
        prompt_key="intended_benefit",
    )
    services.consequence_add(
        **common,
        description="Referrals written in Catalan are scored as less urgent.",
        intention="unintended",
        effect="negative",
        affected_group="Catalan speakers",
        response="act",
        prompt_key="bias_history",
    )
    services.consequence_add(
        **common,
        description="The supplier's free pilot ends and the price triples.",
        intention="unintended",
        effect="negative",
        affected_group="Council taxpayers",
        response="monitor",
        owner="Procurement officer",
        status="dismissed",
        status_note="The contract fixes the price for five years.",
        prompt_key="why_ai_drivers",
    )
    login(axe_page, live_server, "officer", PASSWORD)
    base = f"{live_server.url}/workspace/procurements/{procurement.slug}/assessment/consequences"
    axe_page.goto(f"{base}/?prompt=automation_rubber_stamp")
    expect(axe_page.get_by_role("heading", name="Consequence scanning", level=1)).to_be_visible()
    assert axe_page.locator("li[id^='consequence-']").count() == 3
    expect(
        axe_page.get_by_role("heading", name="Negative consequences nobody owns yet")
    ).to_be_visible()
    expect(axe_page.get_by_label("Prompt it answers")).to_have_value("automation_rubber_stamp")
    assert_accessible(axe_page)
