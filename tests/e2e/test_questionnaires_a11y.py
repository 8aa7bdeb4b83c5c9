"""An organisation's own questionnaires in a real browser: the admin uploads
the Canadian AIA definition with the file input, and the list, the detail
page and the assessment overview offering the choice pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participai.accounts.roles import Role
from participai.assessment.models import OrganisationQuestionnaire
from tests.assessment.aia_tool import SURVEY
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_upload_then_choose_the_questionnaire(
    axe_page: Page, live_server, org, make_member, officer, procurement
):
    assert SURVEY.exists(), f"{SURVEY} is missing; set PARTICIPAI_STANDARDS_DIR"
    make_member(org, Role.ORG_ADMIN, username="admin")
    login(axe_page, live_server, "admin", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/questionnaires/{org.slug}/")
    assert_accessible(axe_page)
    axe_page.locator("input[type=file]").set_input_files(str(SURVEY))
    axe_page.get_by_role("button", name="Upload").click()
    expect(axe_page.get_by_role("heading", level=1)).to_contain_text("1.0.1")
    expect(axe_page.get_by_role("table", name="Sections")).to_be_visible()
    assert_accessible(axe_page)
    row = OrganisationQuestionnaire.objects.get()

    axe_page.context.clear_cookies()
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/procurements/{procurement.slug}/assessment/")
    # USWDS draws its own radio and moves the input off screen: click the label.
    axe_page.get_by_text(f"{row.title} 1.0.1", exact=True).click()
    expect(axe_page.get_by_label(f"{row.title} 1.0.1")).to_be_checked()
    assert_accessible(axe_page)
    axe_page.get_by_role("button", name="Start the assessment").click()
    expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
    assert row.assessments.count() == 1
