"""The engagement plan page in a real browser: proposals with their reasons,
the timeline and its data table, activities by stage; WCAG 2.1 A and AA by
axe-core, and the buttons work by keyboard."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from participai.engagement.models import ActivityStatus, Actor, EngagementActivity
from participai.engagement.services import plan as services
from participai.procurements.models import Procurement
from tests.conftest import PASSWORD

from .conftest import login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def plan_scene(make_procurement, officer) -> Procurement:
    """A level III procurement with an actor map, a recommended plan, two
    accepted activities (one dated and done, one dated and running), one added
    by the team without dates, and the rest still proposed."""
    procurement = make_procurement(title="Triage of social-care referrals <beta>")
    Procurement.objects.filter(pk=procurement.pk).update(impact_level=3)
    procurement.refresh_from_db()
    Actor.objects.create(
        procurement=procurement,
        name="Residents referred to social care",
        kind="affected_community",
        sector="general_public",
        is_affected=True,
        influence=2,
        interest=5,
        created_by=officer,
    )
    proposed = services.plan_recommend(actor=officer, procurement=procurement)
    first, second = proposed[0], proposed[1]
    services.activity_accept(actor=officer, activity=first)
    services.activity_update(
        actor=officer,
        activity=first,
        starts_on=datetime.date(2025, 1, 13),
        ends_on=datetime.date(2025, 2, 21),
        owner=officer,
        status=ActivityStatus.DONE,
        outputs="Report of four focus groups; the problem statement was rewritten.",
    )
    services.activity_accept(actor=officer, activity=second)
    services.activity_update(
        actor=officer,
        activity=second,
        starts_on=datetime.date(2025, 3, 3),
        ends_on=datetime.date(2025, 3, 28),
        status=ActivityStatus.RUNNING,
    )
    services.activity_add(
        actor=officer,
        procurement=procurement,
        mechanism_key="open_office_hours",
        stage="market_engagement",
        title="Office hours at the central library",
    )
    return procurement


def test_plan_page_is_accessible(axe_page: Page, live_server, plan_scene):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/procurements/{plan_scene.slug}/engagement/plan/")
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Engagement plan")
    assert axe_page.locator("[id^=proposal-]").count() >= 3
    timeline = axe_page.get_by_role("img", name="Timeline of the engagement plan")
    expect(timeline).to_be_visible()
    expect(axe_page.locator("svg[role=img] desc")).to_contain_text("The plan has 3 activities.")
    expect(axe_page.get_by_role("table").first).to_contain_text(
        "Office hours at the central library"
    )
    assert_accessible(axe_page)


def test_accepting_a_proposal_by_keyboard(page: Page, live_server, plan_scene):
    login(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/workspace/procurements/{plan_scene.slug}/engagement/plan/")
    waiting = EngagementActivity.objects.filter(
        procurement=plan_scene, status=ActivityStatus.PROPOSED
    ).order_by("id")
    target = waiting.first()
    button = page.locator(f"#proposal-{target.id}").get_by_role("button", name="Accept")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("is now in the plan")
    target.refresh_from_db()
    assert target.status == ActivityStatus.PLANNED


def test_activity_forms_are_accessible_with_errors(axe_page: Page, live_server, plan_scene):
    login(axe_page, live_server, "officer", PASSWORD)
    base = f"{live_server.url}/workspace/procurements/{plan_scene.slug}/engagement/plan/"
    axe_page.goto(f"{base}activities/add/")
    assert_accessible(axe_page)
    form = axe_page.locator("main form").first
    form.get_by_label("Mechanism").select_option("site_visit")
    form.get_by_label("Starts on").fill("2025-05-10")
    form.get_by_label("Ends on").fill("2025-05-01")
    form.get_by_role("button", name="Add to the plan").click()
    expect(axe_page.get_by_text("The end date cannot be before the start date.")).to_be_visible()
    assert_accessible(axe_page)
    activity = EngagementActivity.objects.filter(procurement=plan_scene).order_by("id").first()
    axe_page.goto(f"{base}activities/{activity.id}/")
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Edit the activity")
    assert_accessible(axe_page)
