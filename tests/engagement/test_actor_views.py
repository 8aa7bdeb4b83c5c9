"""The actor map pages, through real HTTP requests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.core.vocabulary import STAGE_KEYS
from participai.engagement.models import Actor, EngagementActivity, Involvement
from participai.engagement.services import actors as services
from participai.procurements.models import Procurement, ProcurementStatus

VALID = {
    "name": "Tenants' union",
    "kind": "civil_society",
    "sector": "civil_society",
    "is_affected": "on",
    "influence": "2",
    "interest": "5",
    "notes": "Meets monthly.",
}
HOSTILE = "<script>alert('x')</script>"


@pytest.fixture
def base(procurement):
    return f"/workspace/procurements/{procurement.slug}/engagement/actors"


def add(officer, procurement, name: str, kind: str = "civil_society", **depths: str) -> Actor:
    stakeholder = services.actor_add(
        actor=officer,
        procurement=procurement,
        name=name,
        kind=kind,
        sector="civil_society",
        is_affected=kind == "affected_community",
        influence=2,
        interest=4,
    )
    if depths:
        services.involvements_set(actor=officer, stakeholder=stakeholder, depths=depths)
    return stakeholder


@pytest.fixture
def residents(officer, procurement) -> Actor:
    return add(
        officer, procurement, "Residents", "affected_community", problem_definition="consult"
    )


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, re.S)]


# -- reading -------------------------------------------------------------------------


def test_the_map_page_shows_tables_pictures_gaps_suggestions_and_editor(
    client, officer, procurement, base, residents
):
    add(officer, procurement, "Officer", "procurement_officer", vendor_evaluation="empower")
    client.force_login(officer)
    response = client.get(f"{base}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Actor map</h1>" in html
    # Both pictures are inline, accessible SVG, each followed by its data table.
    grid, coverage = svgs(html)
    for svg in (grid, coverage):
        assert svg.get("role") == "img"
        assert svg.find("{http://www.w3.org/2000/svg}title") is not None
        assert svg.find("{http://www.w3.org/2000/svg}desc") is not None
    assert html.index('class="actor-grid"') < html.index('id="grid-caption"')
    assert html.index('class="actor-coverage"') < html.index('id="coverage-caption"')
    # Gaps as warnings: the officer alone evaluates, nobody oversees after award.
    warnings = re.findall(r'usa-alert--warning[^"]*gap--([a-z_]+)', html)
    assert warnings == [
        "no_end_user_voice_in_evaluation",
        "no_end_user_voice_in_evaluation",
        "no_oversight_after_award",
    ]
    assert "No oversight body takes part in contract monitoring or review" in html
    # Suggestions with an add button each; the affected people line is one.
    assert "Residents referred to social care" in html
    assert html.count('name="key"') == len(re.findall(r"<button[^>]*>Add<span", html))
    assert 'value="role:independent_expert"' in html
    assert 'value="role:affected_community"' not in html  # on the map already
    # One editor form for every actor: a select per actor and stage, each with
    # the value shown (so that only what is changed is saved), one save button.
    editor = html[html.index('id="involvements-heading"') : html.index('id="suggestions"')]
    assert editor.count("<form ") == 1
    assert f'action="{base}/involvements/#involvements"' in editor
    assert editor.count('<select name="inv-') == 2 * 10
    assert editor.count('type="hidden" name="initial-inv-') == 2 * 10
    assert re.search(
        rf'<select name="inv-{residents.pk}-problem_definition"[^>]*>'
        r'.*?<option value="consult" selected>',
        editor,
        re.S,
    )
    assert editor.count(">Save involvement</button>") == 1


def test_an_empty_map_offers_suggestions(client, officer, procurement, base):
    client.force_login(officer)
    html = client.get(f"{base}/").content.decode()
    assert "No actor on the map yet." in html
    assert not svgs(html)
    assert 'value="role:procurement_officer"' in html


def test_hostile_names_are_escaped_everywhere(client, officer, procurement, base):
    add(officer, procurement, HOSTILE, review="consult")
    client.force_login(officer)
    html = client.get(f"{base}/").content.decode()
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html
    assert len(svgs(html)) == 2  # still well-formed


def test_the_map_costs_the_same_queries_whatever_its_size(
    client, officer, procurement, base, django_assert_max_num_queries
):
    client.force_login(officer)
    add(officer, procurement, "A", review="consult")
    with django_assert_max_num_queries(30) as small:
        client.get(f"{base}/")
    for i in range(12):
        add(officer, procurement, f"Actor {i}", problem_definition="inform", review="consult")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{base}/").status_code == 200


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.AUDITOR, Role.MODERATOR])
def test_readers_see_the_map_without_edit_controls(
    client, org, make_member, procurement, base, residents, role
):
    client.force_login(make_member(org, role))
    response = client.get(f"{base}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Residents" in html and len(svgs(html)) == 2
    assert "Add an actor" not in html and 'name="key"' not in html
    assert 'name="inv-' not in html and "Save involvement" not in html


# -- access --------------------------------------------------------------------------


def write_requests(base: str, actor_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"{base}/add/", {}),
        ("post", f"{base}/add/", {**VALID, "name": "Someone new"}),
        ("get", f"{base}/{actor_id}/edit/", {}),
        ("post", f"{base}/{actor_id}/edit/", {**VALID, "name": "Renamed"}),
        ("get", f"{base}/{actor_id}/remove/", {}),
        ("post", f"{base}/{actor_id}/remove/", {}),
        ("get", f"{base}/{actor_id}/involvements/", {}),
        ("post", f"{base}/{actor_id}/involvements/", {"review": "empower"}),
        ("post", f"{base}/involvements/", {f"inv-{actor_id}-review": "empower"}),
        ("post", f"{base}/suggestions/accept/", {"key": "role:supplier"}),
    ]


def assert_unchanged(residents: Actor) -> None:
    assert list(Actor.objects.values_list("name", flat=True)) == ["Residents"]
    assert dict(Involvement.objects.values_list("stage", "depth")) == {
        "problem_definition": "consult"
    }
    assert residents.pk == Actor.objects.get().pk


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.AUDITOR])
def test_readers_are_refused_every_write(client, org, make_member, base, residents, role):
    client.force_login(make_member(org, role))
    for method, url, data in write_requests(base, residents.pk):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert_unchanged(residents)


def test_other_bodies_and_residents_get_404(
    client, other_org, make_member, resident, base, residents
):
    for user in (make_member(other_org, Role.ORG_ADMIN), resident):
        client.force_login(user)
        assert client.get(f"{base}/").status_code == 404
        for method, url, data in write_requests(base, residents.pk):
            assert getattr(client, method)(url, data).status_code == 404, (method, url)
    assert_unchanged(residents)


def test_anonymous_visitors_are_sent_to_log_in(client, base, residents):
    for method, url, data in [("get", f"{base}/", {}), *write_requests(base, residents.pk)]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/login/")
    assert_unchanged(residents)


def test_a_closed_procurement_map_is_read_only(client, officer, procurement, base, residents):
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.NO_AI)
    client.force_login(officer)
    html = client.get(f"{base}/").content.decode()
    assert "This procurement is closed" in html and "Add an actor" not in html
    for method, url, data in write_requests(base, residents.pk):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert_unchanged(residents)


def test_an_actor_of_another_procurement_is_404(
    client, officer, make_procurement, base, residents
):
    other = make_procurement(title="Another procurement")
    foreign = add(officer, other, "Foreign")
    client.force_login(officer)
    assert client.get(f"{base}/{foreign.pk}/edit/").status_code == 404
    assert client.post(f"{base}/{foreign.pk}/remove/").status_code == 404
    assert client.get(f"{base}/999999/involvements/").status_code == 404
    assert Actor.objects.filter(pk=foreign.pk).exists()


# -- writing -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.DATA_EXPERT, Role.FACILITATOR])
def test_team_and_facilitators_add_actors(client, org, make_member, procurement, base, role):
    user = make_member(org, role)
    client.force_login(user)
    assert client.get(f"{base}/add/").status_code == 200
    response = client.post(f"{base}/add/", VALID)
    assert response.status_code == 302
    assert response["Location"] == f"{base}/#actors"
    added = Actor.objects.get()
    assert (added.name, added.kind, added.is_affected, added.influence, added.interest) == (
        "Tenants' union",
        "civil_society",
        True,
        2,
        5,
    )
    event = AuditEvent.objects.get(action="actor.added")
    assert event.actor_id == user.pk and event.object_id == str(added.pk)
    page = client.get(response["Location"]).content.decode()
    assert "“Tenants&#x27; union” is on the map." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"influence": "9"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
        ({"kind": "mayor"}, "Select a valid choice"),
    ],
)
def test_bad_input_re_renders_with_400_and_saves_nothing(
    client, officer, procurement, base, changes, message
):
    client.force_login(officer)
    response = client.post(f"{base}/add/", {**VALID, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert "usa-form-group--error" in html and message in html
    assert 'value="Meets monthly.' in html or "Meets monthly." in html  # what was typed stays
    assert not Actor.objects.exists()
    assert not AuditEvent.objects.filter(action="actor.added").exists()


def test_a_duplicate_name_is_a_field_error(client, officer, base, residents):
    client.force_login(officer)
    response = client.post(f"{base}/add/", {**VALID, "name": "residents"})
    assert response.status_code == 400
    assert "“residents” is already on this map" in response.content.decode()
    assert Actor.objects.count() == 1


def test_edit_changes_the_actor(client, officer, base, residents):
    client.force_login(officer)
    form = client.get(f"{base}/{residents.pk}/edit/").content.decode()
    assert 'value="Residents"' in form
    response = client.post(f"{base}/{residents.pk}/edit/", {**VALID, "name": "East residents"})
    assert response.status_code == 302
    residents.refresh_from_db()
    assert (residents.name, residents.kind, residents.interest) == (
        "East residents",
        "civil_society",
        5,
    )
    assert AuditEvent.objects.get(action="actor.updated").data["changes"]["name"] == [
        "Residents",
        "East residents",
    ]


def test_edit_with_bad_input_is_400(client, officer, base, residents):
    client.force_login(officer)
    response = client.post(f"{base}/{residents.pk}/edit/", {**VALID, "interest": "0"})
    assert response.status_code == 400
    residents.refresh_from_db()
    assert residents.name == "Residents" and residents.interest == 4


def test_involvements_are_saved_from_the_map_row(client, officer, base, residents):
    client.force_login(officer)
    before = AuditEvent.objects.filter(action="actor.involvements_set").count()
    response = client.post(
        f"{base}/{residents.pk}/involvements/",
        {"problem_definition": "collaborate", "vendor_evaluation": "involve", "review": ""},
    )
    assert response.status_code == 302 and response["Location"] == f"{base}/#involvements"
    assert dict(Involvement.objects.values_list("stage", "depth")) == {
        "problem_definition": "collaborate",
        "vendor_evaluation": "involve",
    }
    event = AuditEvent.objects.filter(action="actor.involvements_set").order_by("seq").last()
    assert AuditEvent.objects.filter(action="actor.involvements_set").count() == before + 1
    assert event.data["changes"] == {
        "problem_definition": ["consult", "collaborate"],
        "vendor_evaluation": [None, "involve"],
    }


def editor_post(shown: dict[Actor, dict[str, str]], chosen: dict[Actor, dict[str, str]]):
    """What the map's editor sends: for every actor and stage, the depth the page
    showed (the hidden initial value) and the one chosen."""
    data = {}
    for actor, depths in shown.items():
        for stage in STAGE_KEYS:
            data[f"initial-inv-{actor.pk}-{stage}"] = depths.get(stage, "")
            data[f"inv-{actor.pk}-{stage}"] = chosen.get(actor, depths).get(stage, "")
    return data


def depths_of(actor: Actor) -> dict[str, str]:
    return dict(actor.involvements.values_list("stage", "depth"))


def test_the_map_editor_saves_every_row_changed_at_once(
    client, officer, procurement, base, residents
):
    officer_row = add(officer, procurement, "Officer", "procurement_officer", review="inform")
    quiet = add(officer, procurement, "Quiet", review="consult")
    client.force_login(officer)
    shown = {
        residents: {"problem_definition": "consult"},
        officer_row: {"review": "inform"},
        quiet: {"review": "consult"},
    }
    chosen = {
        residents: {"problem_definition": "collaborate", "vendor_evaluation": "involve"},
        officer_row: {},  # cleared
    }
    before = AuditEvent.objects.filter(action="actor.involvements_set").count()
    response = client.post(f"{base}/involvements/", editor_post(shown, chosen))
    assert response.status_code == 302 and response["Location"] == f"{base}/#involvements"
    assert depths_of(residents) == {
        "problem_definition": "collaborate",
        "vendor_evaluation": "involve",
    }
    assert depths_of(officer_row) == {}
    assert depths_of(quiet) == {"review": "consult"}
    # One event per actor changed, none for the row left alone.
    events = AuditEvent.objects.filter(action="actor.involvements_set").order_by("seq")
    assert events.count() == before + 2
    assert {e.object_id: e.data["changes"] for e in events[before:]} == {
        str(residents.pk): {
            "problem_definition": ["consult", "collaborate"],
            "vendor_evaluation": [None, "involve"],
        },
        str(officer_row.pk): {"review": ["inform", None]},
    }
    page = client.get(response["Location"]).content.decode()
    assert "Involvement saved for 2 actors." in page


def test_the_map_editor_keeps_what_others_changed_meanwhile(
    client, officer, procurement, base, residents
):
    client.force_login(officer)
    shown = {residents: {"problem_definition": "consult"}}
    # Someone else sets the review while this page is open...
    services.involvements_set(actor=officer, stakeholder=residents, depths={"review": "empower"})
    # ...and this page changes only the problem definition.
    chosen = {residents: {"problem_definition": "involve"}}
    assert client.post(f"{base}/involvements/", editor_post(shown, chosen)).status_code == 302
    assert depths_of(residents) == {"problem_definition": "involve", "review": "empower"}


def test_the_map_editor_with_nothing_changed_saves_nothing(client, officer, base, residents):
    client.force_login(officer)
    shown = {residents: {"problem_definition": "consult"}}
    before = AuditEvent.objects.count()
    response = client.post(f"{base}/involvements/", editor_post(shown, {}), follow=True)
    assert "Nothing was changed, so nothing was saved." in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert depths_of(residents) == {"problem_definition": "consult"}


def test_a_bad_choice_in_the_map_editor_saves_no_row(
    client, officer, procurement, base, residents
):
    other = add(officer, procurement, "Other", review="consult")
    client.force_login(officer)
    shown = {residents: {"problem_definition": "consult"}, other: {"review": "consult"}}
    chosen = {residents: {"problem_definition": "involve"}, other: {"review": "shouting"}}
    response = client.post(f"{base}/involvements/", editor_post(shown, chosen))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some choices are not valid; nothing was saved." in html
    assert "Select a valid choice" in html
    # What was chosen is still on the page, to correct and save again.
    assert re.search(
        rf'<select name="inv-{residents.pk}-problem_definition"[^>]*>'
        r'.*?<option value="involve" selected>',
        html,
        re.S,
    )
    assert depths_of(residents) == {"problem_definition": "consult"}
    assert depths_of(other) == {"review": "consult"}


def test_the_map_editor_needs_post(client, officer, base, residents):
    client.force_login(officer)
    assert client.get(f"{base}/involvements/").status_code == 405


def test_involvements_page_and_bad_depth(client, officer, base, residents):
    client.force_login(officer)
    page = client.get(f"{base}/{residents.pk}/involvements/").content.decode()
    assert page.count('<select name="') == 10 and "<legend" in page
    response = client.post(
        f"{base}/{residents.pk}/involvements/",
        {"problem_definition": "", "review": "shouting"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert dict(Involvement.objects.values_list("stage", "depth")) == {
        "problem_definition": "consult"
    }


def test_remove_confirms_then_removes(client, officer, base, residents):
    client.force_login(officer)
    assert "Remove from the map" in client.get(f"{base}/{residents.pk}/remove/").content.decode()
    response = client.post(f"{base}/{residents.pk}/remove/")
    assert response.status_code == 302
    assert not Actor.objects.exists()
    assert AuditEvent.objects.filter(action="actor.removed").count() == 1


def test_remove_is_refused_while_the_plan_targets_the_actor(
    client, officer, procurement, base, residents
):
    activity = EngagementActivity.objects.create(
        procurement=procurement,
        mechanism_key="citizens_jury",
        stage="problem_definition",
        title="Jury on the problem",
        created_by=officer,
    )
    activity.target_actors.add(residents)
    client.force_login(officer)
    page = client.get(f"{base}/").content.decode()
    assert "In 1 activity" in page and f"{residents.pk}/remove/" not in page
    response = client.post(f"{base}/{residents.pk}/remove/")
    assert response.status_code == 400
    assert "cannot be removed" in response.content.decode()
    assert Actor.objects.filter(pk=residents.pk).exists()


def test_accepting_a_suggestion(client, officer, procurement, base):
    client.force_login(officer)
    response = client.post(f"{base}/suggestions/accept/", {"key": "role:independent_expert"})
    assert response.status_code == 302
    added = Actor.objects.get()
    assert (added.name, added.kind, added.source) == (
        "Independent expert",
        "independent_expert",
        "role",
    )
    assert AuditEvent.objects.get(action="actor.added").data["suggestion"] == (
        "role:independent_expert"
    )


def test_a_stale_suggestion_is_400_with_the_map(client, officer, base, residents):
    client.force_login(officer)
    response = client.post(f"{base}/suggestions/accept/", {"key": "role:affected_community"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This suggestion is no longer offered" in html and "<h1>Actor map</h1>" in html
    assert Actor.objects.count() == 1
    assert client.get(f"{base}/suggestions/accept/").status_code == 405
