"""The consequence-scanning pages, through real HTTP requests, role by role."""

from __future__ import annotations

import pytest

from participai.accounts.roles import Role
from participai.assessment.consequence_prompts import load_prompts
from participai.assessment.models import Consequence
from participai.assessment.services import consequences as services
from participai.core.models import AuditEvent
from participai.procurements.models import Procurement

FORM = {
    "description": "People who ring instead of filling in the form are never triaged as urgent.",
    "intention": "unintended",
    "effect": "negative",
    "affected_group": "Older residents who phone",
    "response": "act",
    "owner": "",
    "prompt_key": "people_overlooked",
}


@pytest.fixture
def base(procurement) -> str:
    return f"/workspace/procurements/{procurement.slug}/assessment/consequences"


@pytest.fixture
def consequence(procurement, officer) -> Consequence:
    return services.consequence_add(
        actor=officer,
        procurement=procurement,
        description="Referrals written in Catalan are scored as less urgent.",
        intention="unintended",
        effect="negative",
        affected_group="Catalan speakers",
        response="act",
        prompt_key="bias_history",
    )


def _edit_data(consequence: Consequence, **overrides) -> dict:
    return {name: getattr(consequence, name) for name in services.EDITABLE_FIELDS} | overrides


# --------------------------------------------------------------------------- the workshop page


def test_the_workshop_shows_questions_prompts_board_and_form(
    client, officer, procurement, base, consequence
):
    client.force_login(officer)
    response = client.get(f"{base}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Which negative consequences do we want to mitigate?" in html
    prompts = load_prompts()
    for prompt in prompts:
        assert prompt.question_in("en") in html
    assert "Answered once" in html
    assert f"1 of {len(prompts)} prompts answered." in html
    assert html.count("Not answered yet") == len(prompts) - 1
    # The consequence sits in the unintended-negative cell, flagged as unowned.
    board = html.split('id="quadrant-unintended_negative"')[1].split("</section>")[0]
    assert f'id="consequence-{consequence.pk}"' in board
    assert "No owner yet" in board
    assert "Negative consequences nobody owns yet" in html
    # The team gets the form and the edit links.
    assert f'action="{base}/add/"' in html
    assert f'href="{base}/{consequence.pk}/"' in html


def test_a_prompt_in_the_query_pre_selects_it(client, officer, procurement, base):
    client.force_login(officer)
    html = client.get(f"{base}/?prompt=bias_fixed_rules").content.decode()
    assert '<option value="bias_fixed_rules" selected>' in html
    assert 'value="unintended" checked' in html
    assert 'value="negative" checked' in html
    assert "Prompt: " + load_prompts().get("bias_fixed_rules").question_in("en") in html


def test_an_unknown_prompt_in_the_query_is_ignored(client, officer, procurement, base):
    client.force_login(officer)
    response = client.get(f"{base}/?prompt=<script>")
    assert response.status_code == 200
    select = response.content.split(b'name="prompt_key"')[1].split(b"</select>")[0]
    assert select.count(b" selected>") == 1
    assert b'<option value="" selected>' in select
    assert b"<script>" not in response.content.split(b"<main")[1].split(b"</main>")[0]


def test_the_workshop_speaks_spanish(client, officer, procurement, base):
    client.force_login(officer)
    html = client.get(f"{base}/", headers={"accept-language": "es"}).content.decode()
    assert load_prompts().get("why_ai_drivers").question_in("es") in html


def test_the_workshop_uses_a_constant_number_of_queries(
    client, officer, procurement, base, django_assert_max_num_queries
):
    client.force_login(officer)
    client.get(f"{base}/")  # warm caches (session, content types)
    for i in range(3):
        services.consequence_add(
            actor=officer, procurement=procurement, **(FORM | {"owner": f"O{i}"})
        )
    with django_assert_max_num_queries(12) as few:
        client.get(f"{base}/")
    for i in range(12):
        services.consequence_add(
            actor=officer, procurement=procurement, **(FORM | {"owner": f"P{i}"})
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"{base}/")
    assert response.content.count(b'id="consequence-') == 15


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.FACILITATOR, Role.EVALUATOR, Role.AUDITOR])
def test_readers_see_the_workshop_without_forms(
    client, org, make_member, procurement, base, consequence, role
):
    client.force_login(make_member(org, role))
    response = client.get(f"{base}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Referrals written in Catalan" in html
    assert "Only the procurement team adds or changes consequences." in html
    assert f'action="{base}/add/"' not in html
    assert f'href="{base}/{consequence.pk}/"' not in html
    assert "Add a consequence for this prompt" not in html


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR])
def test_readers_may_not_add_or_edit(
    client, org, make_member, procurement, base, consequence, role
):
    client.force_login(make_member(org, role))
    assert client.get(f"{base}/add/").status_code == 403
    assert client.post(f"{base}/add/", FORM).status_code == 403
    assert client.get(f"{base}/{consequence.pk}/").status_code == 403
    edit = _edit_data(consequence, owner="Me")
    assert client.post(f"{base}/{consequence.pk}/", edit).status_code == 403
    assert Consequence.objects.count() == 1
    consequence.refresh_from_db()
    assert consequence.owner == ""


def test_other_bodies_and_residents_get_404(
    client, make_member, other_org, resident, procurement, base, consequence
):
    for user in (make_member(other_org, Role.ORG_ADMIN), resident):
        client.force_login(user)
        assert client.get(f"{base}/").status_code == 404
        assert client.get(f"{base}/add/").status_code == 404
        assert client.post(f"{base}/add/", FORM).status_code == 404
        assert client.get(f"{base}/{consequence.pk}/").status_code == 404
        assert client.post(f"{base}/{consequence.pk}/", _edit_data(consequence)).status_code == 404
    assert Consequence.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, procurement, base, consequence):
    for url in (f"{base}/", f"{base}/add/", f"{base}/{consequence.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(f"{base}/add/", FORM).status_code == 302
    assert Consequence.objects.count() == 1


def test_a_closed_procurement_is_read_only(client, officer, procurement, base, consequence):
    Procurement.objects.filter(pk=procurement.pk).update(status="stopped")
    client.force_login(officer)
    html = client.get(f"{base}/").content.decode()
    assert "This procurement is closed" in html
    assert f'action="{base}/add/"' not in html
    assert client.post(f"{base}/add/", FORM).status_code == 403
    response = client.post(f"{base}/{consequence.pk}/", _edit_data(consequence, owner="Me"))
    assert response.status_code == 403
    assert Consequence.objects.count() == 1
    assert not AuditEvent.objects.filter(action="consequence.updated").exists()


# --------------------------------------------------------------------------- adding


def test_adding_a_consequence(client, officer, procurement, base):
    client.force_login(officer)
    response = client.post(f"{base}/add/", FORM)
    consequence = Consequence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{base}/#consequence-{consequence.pk}"
    assert consequence.description == FORM["description"]
    assert consequence.prompt_key == "people_overlooked"
    assert consequence.created_by == officer
    assert consequence.stage == procurement.stage
    event = AuditEvent.objects.get(action="consequence.added")
    assert event.object_id == str(consequence.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Consequence added." in page
    assert FORM["description"] in page


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.DATA_EXPERT, Role.LEGAL_OFFICER])
def test_the_whole_team_may_add(client, org, make_member, procurement, base, role):
    client.force_login(make_member(org, role))
    assert client.post(f"{base}/add/", FORM).status_code == 302
    assert Consequence.objects.count() == 1


def test_the_add_page_shows_the_prompt(client, officer, procurement, base):
    client.force_login(officer)
    html = client.get(f"{base}/add/?prompt=why_ai_drivers").content.decode()
    prompt = load_prompts().get("why_ai_drivers")
    assert prompt.question_in("en") in html
    assert prompt.hint_in("en") in html
    assert '<option value="why_ai_drivers" selected>' in html


def test_missing_fields_re_render_with_errors_and_save_nothing(client, officer, procurement, base):
    client.force_login(officer)
    data = FORM | {"affected_group": "", "response": "ignore"}
    response = client.post(f"{base}/add/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the errors below. Nothing was saved." in html
    assert "This field is required." in html
    assert "Select a valid choice. ignore is not one of the available choices." in html
    assert FORM["description"] in html  # what was typed stays
    assert not Consequence.objects.exists()
    assert not AuditEvent.objects.filter(action="consequence.added").exists()


def test_the_services_refusal_is_shown_on_the_field(client, officer, procurement, base):
    client.force_login(officer)
    # Only control characters: the form accepts it, the service finds it empty.
    response = client.post(f"{base}/add/", FORM | {"description": "\x07\x07"})
    assert response.status_code == 400
    assert "Describe the consequence." in response.content.decode()
    assert not Consequence.objects.exists()


def test_an_unknown_prompt_key_is_refused(client, officer, procurement, base):
    client.force_login(officer)
    response = client.post(f"{base}/add/", FORM | {"prompt_key": "made_up"})
    assert response.status_code == 400
    assert b"usa-error-message" in response.content
    assert not Consequence.objects.exists()


# --------------------------------------------------------------------------- editing


def test_editing_a_consequence(client, officer, procurement, base, consequence):
    client.force_login(officer)
    page = client.get(f"{base}/{consequence.pk}/")
    assert page.status_code == 200
    assert b"Referrals written in Catalan" in page.content
    response = client.post(
        f"{base}/{consequence.pk}/",
        _edit_data(consequence, owner="Triage lead", status="in_progress"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{base}/#consequence-{consequence.pk}"
    consequence.refresh_from_db()
    assert (consequence.owner, consequence.status) == ("Triage lead", "in_progress")
    event = AuditEvent.objects.get(action="consequence.updated")
    assert event.data["fields"] == ["owner", "status"]
    assert "Consequence updated." in client.get(response["Location"]).content.decode()


def test_dismissing_without_a_reason_is_refused(client, officer, procurement, base, consequence):
    client.force_login(officer)
    data = _edit_data(consequence, status="dismissed", status_note="", owner="Triage lead")
    response = client.post(f"{base}/{consequence.pk}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why it was dismissed." in html
    assert 'value="dismissed" checked' in html
    consequence.refresh_from_db()
    assert (consequence.status, consequence.owner) == ("open", "")
    assert not AuditEvent.objects.filter(action="consequence.updated").exists()


def test_addressing_with_a_note(client, officer, procurement, base, consequence):
    client.force_login(officer)
    note = "The scoring no longer reads the language of the referral."
    data = _edit_data(consequence, status="addressed", status_note=note, owner="Data team")
    assert client.post(f"{base}/{consequence.pk}/", data).status_code == 302
    consequence.refresh_from_db()
    assert (consequence.status, consequence.status_note) == ("addressed", note)
    html = client.get(f"{base}/").content.decode()
    assert note in html
    assert "Negative consequences nobody owns yet" not in html


def test_saving_unchanged_says_so(client, officer, procurement, base, consequence):
    client.force_login(officer)
    response = client.post(f"{base}/{consequence.pk}/", _edit_data(consequence), follow=True)
    assert b"Nothing changed." in response.content
    assert not AuditEvent.objects.filter(action="consequence.updated").exists()


def test_a_consequence_of_another_procurement_is_404(
    client, officer, make_procurement, base, consequence
):
    other = make_procurement(title="Another procurement")
    client.force_login(officer)
    other_base = f"/workspace/procurements/{other.slug}/assessment/consequences"
    assert client.get(f"{other_base}/{consequence.pk}/").status_code == 404
    assert client.get(f"{base}/999999/").status_code == 404
