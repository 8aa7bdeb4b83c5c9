"""Staff in the workspace: open a procurement, document it, publish it and take
its first gate decision; and who may reach the workspace at all."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participai.accounts.roles import Role
from participai.procurements.models import Procurement
from tests.conftest import PASSWORD, PROBLEM

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Routing of pothole reports"
RATIONALE = "All three checks pass and the residents' panel agreed the problem is real."


def test_officer_opens_documents_publishes_and_decides(page: Page, live_server, officer):
    login(page, live_server, "officer", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/workspace/")
    expect(page.get_by_text("0 active procurements, by stage")).to_be_visible()

    page.get_by_role("link", name="Open a procurement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a procurement")
    form = page.locator("main form")
    expect(form.get_by_label("Public body")).to_have_value(
        str(officer.memberships.get().organisation_id)
    )

    # Without a title nothing is created and what was typed is kept.
    form.get_by_label("Mission").fill("Every pothole reported is fixed within a week.")
    form.get_by_label("Problem statement").fill(PROBLEM)
    form.get_by_role("button", name="Open as a draft").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    title_group = page.locator(".usa-form-group--error")
    expect(title_group).to_have_count(1)
    expect(title_group).to_contain_text("Title")
    expect(title_group).to_contain_text("This field is required.")
    expect(form.get_by_label("Mission")).to_have_value(
        "Every pothole reported is fixed within a week."
    )
    assert not Procurement.objects.exists()

    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("People likely to be affected").fill("Cyclists and people on foot.")
    form.get_by_label("Non-AI alternatives").fill("A second inspection crew.")
    form.get_by_role("button", name="Open as a draft").click()

    item = Procurement.objects.get()
    expect(page).to_have_url(f"{live_server.url}/workspace/procurements/{item.slug}/")
    expect(page.get_by_text("Procurement opened as a draft.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main .usa-tag", has_text="Draft")).to_be_visible()
    gate = page.locator("section[aria-labelledby=gate-heading]")
    # The problem, the people, the alternatives, and what the stakes demand
    # (nothing yet: the impact level is not known before the next stage).
    expect(gate.locator("li.check--pass")).to_have_count(4)
    expect(gate.locator("li.check--fail")).to_have_count(0)

    page.get_by_role("link", name="Add a document").click()
    form = page.locator("main form")
    form.get_by_label("Title").fill("Map of reports in 2024")
    form.get_by_label("Type").select_option(label="Needs assessment")
    form.get_by_label("Or write the text").fill("Most reports come from **three** streets.")
    form.get_by_role("button", name="Add the document").click()
    expect(page.get_by_text("Document added.")).to_be_visible()
    expect(page.get_by_role("link", name="Map of reports in 2024")).to_be_visible()

    page.get_by_role("button", name="Publish on the portal").click()
    expect(
        page.get_by_text("Published: the procurement is now on the public portal.")
    ).to_be_visible()
    expect(page.locator("main .usa-tag", has_text="Published")).to_be_visible()
    expect(page.get_by_role("button", name="Publish on the portal")).to_have_count(0)

    page.get_by_role("link", name="Record the gate decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gate of “Problem definition”")
    form = page.locator("main form")
    # USWDS hides the native radio and checkbox and draws their labels: click
    # the label, as a person does.
    form.locator("label.usa-radio__label", has_text=re.compile(r"^Proceed$")).click()
    expect(form.get_by_label("Proceed", exact=True)).to_be_checked()
    form.get_by_label("Rationale").fill(RATIONALE)
    form.locator("label.usa-checkbox__label", has_text=re.compile(r"^officer$")).click()
    expect(form.get_by_label("officer", exact=True)).to_be_checked()
    form.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(page.locator("main .usa-tag.bg-primary-dark")).to_have_text("Impact assessment")
    expect(page.get_by_role("heading", name="Gate of “Impact assessment”")).to_be_visible()

    page.get_by_role("link", name="Public page").click()
    expect(page).to_have_url(f"{live_server.url}/p/{item.slug}/")
    expect(page.get_by_text("Draft preview")).to_have_count(0)
    first_stage = page.locator("li.stage").first
    expect(first_stage).to_contain_text("Gate decision: Proceed")
    expect(first_stage).to_contain_text(RATIONALE)
    expect(first_stage.get_by_role("link", name="Map of reports in 2024")).to_be_visible()
    expect(page.locator("li.stage--current")).to_contain_text("Impact assessment")

    # And the public sees it too, without logging in.
    anonymous = page.context.browser.new_context()
    try:
        public = anonymous.new_page()
        public.goto(f"{live_server.url}/p/{item.slug}/")
        expect(public.get_by_text(RATIONALE)).to_be_visible()
    finally:
        anonymous.close()


def test_project_lead_may_decide_but_not_publish(
    page: Page, live_server, org, make_member, make_procurement
):
    make_member(org, Role.PROJECT_LEAD, username="lead")
    item = make_procurement(title="Translation of council letters")
    login(page, live_server, "lead", PASSWORD)

    expect(page.get_by_role("link", name="Open a procurement")).to_be_visible()
    page.get_by_role("link", name=item.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(item.title)
    expect(page.get_by_role("link", name="Record the gate decision")).to_be_visible()
    expect(page.get_by_role("link", name="Add a document")).to_be_visible()
    expect(page.get_by_role("button", name="Publish on the portal")).to_have_count(0)


def test_a_resident_without_membership_has_no_workspace(page: Page, live_server, resident):
    login(page, live_server, "resident", PASSWORD)
    page.goto(f"{live_server.url}/workspace/")
    expect(page.get_by_text("You are not a member of any public body")).to_be_visible()
    expect(page.get_by_role("link", name="Open a procurement")).to_have_count(0)


def test_anonymous_is_sent_to_log_in(page: Page, live_server):
    page.goto(f"{live_server.url}/workspace/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/workspace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def test_gate_form_prefills_the_date_in_spanish(
    page: Page, live_server, officer, make_procurement
):
    item = make_procurement()
    login(page, live_server, "officer", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
    page.goto(f"{live_server.url}/workspace/procurements/{item.slug}/gate/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.locator("#id_decided_on").input_value() == timezone.localdate().isoformat()
