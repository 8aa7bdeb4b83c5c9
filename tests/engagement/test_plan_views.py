"""The engagement plan pages, through real HTTP requests: who may see and change
the plan, bad input, audit events, and a page whose queries do not grow."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.roles import Role
from participai.engagement.models import ActivityOrigin, ActivityStatus, EngagementActivity
from participai.engagement.services import plan as services

from .plan_helpers import add_actor, events, set_level, set_status

D = datetime.date
WRITERS = (Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD, Role.LEGAL_OFFICER, Role.FACILITATOR)
READERS_ONLY = (Role.EVALUATOR, Role.AUDITOR, Role.MODERATOR)


@pytest.fixture
def level_three(procurement, officer):
    set_level(procurement, 3)
    add_actor(procurement, officer, "affected_community", name="Residents referred")
    return procurement


@pytest.fixture
def base(level_three) -> str:
    return f"/workspace/procurements/{level_three.slug}/engagement/plan/"


@pytest.fixture
def proposals(level_three, officer):
    return services.plan_recommend(actor=officer, procurement=level_three)


@pytest.fixture
def planned(level_three, officer) -> EngagementActivity:
    return services.activity_add(
        actor=officer,
        procurement=level_three,
        mechanism_key="survey",
        stage="problem_definition",
        title="Survey of people on the waiting list",
        starts_on=D(2025, 3, 1),
        ends_on=D(2025, 3, 31),
    )


def add_form(**overrides) -> dict:
    data = {
        "mechanism_key": "site_visit",
        "stage": "market_engagement",
        "title": "Visit to the day centre",
        "starts_on": "2025-04-02",
        "ends_on": "2025-04-03",
        "owner": "",
        "status": "planned",
        "outputs": "",
    }
    data.update(overrides)
    return data


def edit_form(activity: EngagementActivity, **overrides) -> dict:
    data = {
        "title": activity.title,
        "starts_on": activity.starts_on.isoformat() if activity.starts_on else "",
        "ends_on": activity.ends_on.isoformat() if activity.ends_on else "",
        "owner": activity.owner_id or "",
        "status": activity.status,
        "outputs": activity.outputs,
        "target_actors": [a.pk for a in activity.target_actors.all()],
    }
    data.update(overrides)
    return data


# --- The plan page -----------------------------------------------------------------------


def test_the_plan_page_shows_proposals_timeline_and_activities(
    client, officer, base, proposals, planned
):
    services.activity_update(actor=officer, activity=planned, status=ActivityStatus.RUNNING)
    client.force_login(officer)
    response = client.get(base)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recommend a plan" in html
    # Proposals with their reasons and buttons.
    focus = proposals[0]
    assert f'id="proposal-{focus.id}"' in html
    assert "Deliberate with the people the system will affect" in html
    assert f"{base}activities/{focus.id}/accept/" in html
    assert f"{base}activities/{focus.id}/cancel/" in html
    # The timeline, then its data table, then the activities by stage with edit links.
    svg_at = html.index('<svg xmlns="http://www.w3.org/2000/svg" role="img"')
    table_at = html.index("The timeline as a table")
    stages_at = html.index('id="stages-heading"')
    assert svg_at < table_at < stages_at
    assert "Survey of people on the waiting list (Running)" in html
    assert f'href="{base}activities/{planned.id}/"' in html
    # The obligation the plan answers, and whether it is met.
    assert "What the stakes demand of the plan" in html
    assert "answers this but is proposed, not done yet" in html


def test_the_page_warns_when_no_one_affected_is_on_the_map(client, officer, procurement):
    client.force_login(officer)
    html = client.get(f"/workspace/procurements/{procurement.slug}/engagement/plan/").content
    assert b"No one on the actor map is marked as affected" in html
    assert b"The plan has no activity yet" in html


def test_titles_are_escaped(client, officer, level_three, base):
    services.activity_add(
        actor=officer,
        procurement=level_three,
        mechanism_key="survey",
        stage="review",
        title="<script>alert(1)</script>",
    )
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("role", READERS_ONLY)
def test_readers_see_the_plan_without_buttons(client, make_member, org, base, proposals, role):
    client.force_login(make_member(org, role))
    response = client.get(base)
    assert response.status_code == 200
    html = response.content.decode()
    assert proposals[0].title in html
    assert "Recommend a plan" not in html
    assert "/accept/" not in html


def test_other_bodies_and_residents_get_404(client, make_member, other_org, resident, base):
    for user in (make_member(other_org, Role.ORG_ADMIN), resident):
        client.force_login(user)
        assert client.get(base).status_code == 404
        assert client.post(f"{base}recommend/").status_code == 404
    assert not EngagementActivity.objects.exists()


def test_anonymous_is_sent_to_log_in(client, base, planned):
    for url in (base, f"{base}activities/add/", f"{base}activities/{planned.id}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.post(f"{base}recommend/").status_code == 302
    assert EngagementActivity.objects.count() == 1


def reads_of(queries, table: str) -> int:
    """How many of the captured queries read ``table`` as their main table."""
    return sum(f'FROM "{table}" ' in q["sql"] for q in queries.captured_queries)


def test_the_page_loads_the_plan_once(client, officer, base, proposals, planned):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(base).content.decode()
    # The obligations block reads the plan the page loaded, and still sees it.
    assert "answers this but is proposed, not done yet" in html
    assert reads_of(queries, "engagement_engagementactivity") == 1


def test_the_page_runs_the_same_queries_for_more_activities(client, officer, level_three, base):
    client.force_login(officer)

    def count() -> int:
        client.get(base)  # warm caches (sessions, roles)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base).status_code == 200
        return len(queries)

    for _n in range(3):
        services.activity_add(
            actor=officer, procurement=level_three, mechanism_key="survey", stage="review"
        )
    few = count()
    for n in range(9):
        services.activity_add(
            actor=officer,
            procurement=level_three,
            mechanism_key="site_visit",
            stage="problem_definition",
            starts_on=D(2025, 1, n + 1),
        )
    assert count() == few


# --- Recommend ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_team_roles_and_facilitators_may_recommend(client, make_member, org, base, role):
    member = make_member(org, role)
    client.force_login(member)
    response = client.post(f"{base}recommend/")
    assert response.status_code == 302
    assert response["Location"] == base
    assert EngagementActivity.objects.filter(status=ActivityStatus.PROPOSED).count() == 8
    assert events("engagement.plan_recommended").get().actor_id == member.pk
    page = client.get(base).content.decode()
    assert "8 activities proposed" in page
    # A second press adds nothing and says so.
    client.post(f"{base}recommend/")
    assert EngagementActivity.objects.count() == 8
    assert "Nothing new to propose" in client.get(base).content.decode()


@pytest.mark.parametrize("role", READERS_ONLY)
def test_other_roles_may_not_change_the_plan(client, make_member, org, base, proposals, role):
    client.force_login(make_member(org, role))
    focus = proposals[0]
    assert client.post(f"{base}recommend/").status_code == 403
    assert client.post(f"{base}activities/{focus.id}/accept/").status_code == 403
    assert client.post(f"{base}activities/{focus.id}/cancel/").status_code == 403
    assert client.get(f"{base}activities/add/").status_code == 403
    assert client.post(f"{base}activities/add/", add_form()).status_code == 403
    assert client.get(f"{base}activities/{focus.id}/").status_code == 403
    assert client.post(f"{base}activities/{focus.id}/", edit_form(focus)).status_code == 403
    assert EngagementActivity.objects.count() == len(proposals)
    assert set(EngagementActivity.objects.values_list("status", flat=True)) == {"proposed"}
    assert events().filter(action__startswith="engagement.activity").count() == 0


def test_a_closed_procurement_refuses_changes(client, officer, level_three, base, planned):
    set_status(level_three, "stopped")
    client.force_login(officer)
    assert client.get(base).status_code == 200
    assert b"Recommend a plan" not in client.get(base).content
    assert client.post(f"{base}recommend/").status_code == 403
    assert client.post(f"{base}activities/add/", add_form()).status_code == 403
    edit = edit_form(planned, title="Changed")
    assert client.post(f"{base}activities/{planned.id}/", edit).status_code == 403
    assert client.post(f"{base}activities/{planned.id}/cancel/").status_code == 403
    planned.refresh_from_db()
    assert (planned.title, planned.status) == (
        "Survey of people on the waiting list",
        ActivityStatus.PLANNED,
    )
    assert EngagementActivity.objects.count() == 1


def test_actions_need_post(client, officer, base, proposals):
    client.force_login(officer)
    assert client.get(f"{base}recommend/").status_code == 405
    assert client.get(f"{base}activities/{proposals[0].id}/accept/").status_code == 405
    assert client.get(f"{base}activities/{proposals[0].id}/cancel/").status_code == 405


# --- Accept and dismiss ------------------------------------------------------------------


def test_accept_and_dismiss(client, officer, base, proposals):
    client.force_login(officer)
    first, second = proposals[0], proposals[1]
    response = client.post(f"{base}activities/{first.id}/accept/", follow=True)
    assert "is now in the plan" in response.content.decode()
    response = client.post(f"{base}activities/{second.id}/cancel/", follow=True)
    assert "dismissed; it will not be proposed again" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ActivityStatus.PLANNED, ActivityStatus.CANCELLED)
    assert events("engagement.activity_accepted").get().object_id == str(first.id)
    assert events("engagement.activity_dismissed").get().object_id == str(second.id)
    # Accepting twice is refused with the reason, and nothing changes.
    response = client.post(f"{base}activities/{first.id}/accept/", follow=True)
    assert "Only a proposal can be accepted" in response.content.decode()
    assert events("engagement.activity_accepted").count() == 1


def test_an_activity_of_another_procurement_is_404(
    client, officer, base, make_procurement, proposals
):
    elsewhere = make_procurement(title="Another procurement")
    theirs = services.activity_add(
        actor=officer, procurement=elsewhere, mechanism_key="survey", stage="review"
    )
    client.force_login(officer)
    assert client.post(f"{base}activities/{theirs.id}/accept/").status_code == 404
    assert client.post(f"{base}activities/{theirs.id}/cancel/").status_code == 404
    assert client.get(f"{base}activities/{theirs.id}/").status_code == 404
    assert client.get(f"{base}activities/999999/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ActivityStatus.PLANNED


# --- Add ---------------------------------------------------------------------------------


def test_adding_an_activity(client, officer, level_three, base, make_member, org):
    facilitator = make_member(org, Role.FACILITATOR)
    residents = level_three.actors.get()
    client.force_login(facilitator)
    page = client.get(f"{base}activities/add/").content.decode()
    assert 'value="site_visit"' in page
    assert "Residents referred" in page
    response = client.post(
        f"{base}activities/add/",
        add_form(owner=officer.pk, target_actors=[residents.pk]),
    )
    assert response.status_code == 302
    activity = EngagementActivity.objects.get()
    assert (activity.mechanism_key, activity.stage, activity.origin) == (
        "site_visit",
        "market_engagement",
        ActivityOrigin.ADDED,
    )
    assert activity.owner == officer
    assert list(activity.target_actors.all()) == [residents]
    assert (activity.starts_on, activity.ends_on) == (D(2025, 4, 2), D(2025, 4, 3))
    assert events("engagement.activity_added").get().actor_id == facilitator.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_on": "2025-04-05", "ends_on": "2025-04-01"}, "cannot be before the start"),
        ({"status": "done"}, "before marking it done"),
        ({"mechanism_key": "karaoke_night"}, "Select a valid choice"),
        ({"ends_on": "not a date"}, "Enter a valid date"),
    ],
)
def test_bad_input_re_renders_with_400_and_saves_nothing(
    client, officer, base, overrides, message
):
    client.force_login(officer)
    response = client.post(f"{base}activities/add/", add_form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "usa-error-message" in html
    assert 'value="Visit to the day centre"' in html  # what was typed stays
    assert not EngagementActivity.objects.exists()
    assert not events("engagement.activity_added").exists()


def test_an_owner_from_another_body_is_refused(client, officer, base, make_member, other_org):
    client.force_login(officer)
    outsider = make_member(other_org, Role.PROCUREMENT_OFFICER)
    response = client.post(f"{base}activities/add/", add_form(owner=outsider.pk))
    assert response.status_code == 400
    assert not EngagementActivity.objects.exists()


# --- Edit --------------------------------------------------------------------------------


def test_editing_an_activity(client, officer, base, planned):
    client.force_login(officer)
    page = client.get(f"{base}activities/{planned.id}/").content.decode()
    assert 'value="Survey of people on the waiting list"' in page
    assert 'value="2025-03-01"' in page
    assert "Cancel this activity" in page
    response = client.post(
        f"{base}activities/{planned.id}/",
        edit_form(planned, status="done", outputs="412 answers; report published."),
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == ActivityStatus.DONE
    assert planned.outputs == "412 answers; report published."
    event = events("engagement.activity_updated").get()
    assert event.data["changed"] == ["outputs", "status"]


def test_marking_done_without_outputs_is_refused(client, officer, base, planned):
    client.force_login(officer)
    response = client.post(
        f"{base}activities/{planned.id}/", edit_form(planned, status="done", title="Renamed")
    )
    assert response.status_code == 400
    assert "before marking it done" in response.content.decode()
    planned.refresh_from_db()
    assert (planned.status, planned.title) == (
        ActivityStatus.PLANNED,
        "Survey of people on the waiting list",
    )
    assert not events("engagement.activity_updated").exists()


def test_the_edit_form_offers_only_reachable_statuses(client, officer, base, proposals):
    client.force_login(officer)
    focus = proposals[0]
    page = client.get(f"{base}activities/{focus.id}/").content.decode()
    assert 'value="planned"' in page and 'value="cancelled"' in page
    assert 'value="done"' not in page
    response = client.post(f"{base}activities/{focus.id}/", edit_form(focus, status="done"))
    assert response.status_code == 400
    focus.refresh_from_db()
    assert focus.status == ActivityStatus.PROPOSED


def test_cancelling_from_the_edit_page(client, officer, base, planned):
    client.force_login(officer)
    response = client.post(f"{base}activities/{planned.id}/cancel/", follow=True)
    assert "cancelled; it stays in the plan" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == ActivityStatus.CANCELLED
    assert events("engagement.activity_cancelled").count() == 1
    # Shown, marked cancelled, among the activities by stage.
    assert "Cancelled" in client.get(base).content.decode()
