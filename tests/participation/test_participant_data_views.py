"""The "Your data" pages through real HTTP requests: what a guest and an
account holder see, the JSON download, and deleting with its confirmation
step, after which the thread still reads and the visitor is nobody."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from participai.accounts.models import Participant, User
from participai.accounts.roles import Role
from participai.participation.models import Contribution, ContributionStatus, Support
from participai.participation.services import demographics as demographic_services
from participai.participation.sessions import SESSION_KEY

YOU = "/participate/you/"
EXPORT = "/participate/you/export.json"
DELETE = "/participate/you/delete/"


def process_url(process, tail: str = "") -> str:
    return f"/p/{process.procurement.slug}/{process.slug}/{tail}"


def join(client: Client, process, pseudonym: str = "Ana R.") -> Participant:
    response = client.post(process_url(process, "join/"), {"pseudonym": pseudonym})
    assert response.status_code == 302
    return Participant.objects.get(pk=client.session[SESSION_KEY])


def comment(client: Client, module, body: str):
    return client.post(
        process_url(module.process, f"m/{module.pk}/add/"), {"kind": "comment", "body": body}
    )


# --------------------------------------------------------------------------- the page


def test_someone_who_never_took_part_is_told_nothing_is_held(client):
    response = client.get(YOU)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have not taken part from this browser" in html
    assert EXPORT not in html
    assert client.get(EXPORT).status_code == 404
    response = client.post(DELETE)
    assert response.status_code == 302
    assert response["Location"] == YOU


def test_a_guest_sees_what_is_held_and_the_ways_to_download_and_delete(
    client, open_process, comments_module, age_question
):
    join(client, open_process)
    comment(client, comments_module, "Urgent cases need a person the same day.")
    html = client.get(YOU).content.decode()
    assert "You take part as the guest “Ana R.”" in html
    assert "1 comment, idea or statement with your words in it" in html
    assert "As a guest you are known to this browser only" in html
    assert f'href="{EXPORT}"' in html
    assert f'href="{DELETE}"' in html
    assert "You have not answered any questions about who you are." in html


def test_the_page_lists_the_processes_where_they_answered_about_themselves(
    client, open_process, age_question
):
    ana = join(client, open_process)
    demographic_services.profile_save(
        participant=ana, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    html = client.get(YOU).content.decode()
    assert open_process.title in html
    assert process_url(open_process, "about-you/") in html
    assert process_url(open_process, "about-you/delete/") in html


def test_the_page_is_never_cached(client, open_process):
    join(client, open_process)
    assert "no-store" in client.get(YOU)["Cache-Control"]
    assert "no-store" in client.get(EXPORT)["Cache-Control"]


def test_the_process_and_module_pages_link_to_your_data_once_you_take_part(
    client, open_process, comments_module
):
    assert YOU not in client.get(process_url(open_process)).content.decode()
    join(client, open_process)
    assert YOU in client.get(process_url(open_process)).content.decode()
    module_page = client.get(process_url(open_process, f"m/{comments_module.pk}/"))
    assert YOU in module_page.content.decode()


# --------------------------------------------------------------------------- export


def test_a_guest_downloads_their_data_as_json(client, open_process, comments_module):
    join(client, open_process)
    comment(client, comments_module, "My words, to take away.")
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)
    assert data["participant"]["pseudonym"] == "Ana R."
    assert [c["text"] for c in data["contributions"]] == ["My words, to take away."]


def test_the_download_holds_only_the_visitors_data(
    client, open_process, comments_module, make_contribution, make_guest
):
    bo = make_guest("Bo K.")
    make_contribution(comments_module, "Bo's words, not Ana's.", participant=bo)
    join(client, open_process)
    comment(client, comments_module, "Ana's words.")
    text = client.get(EXPORT).content.decode()
    assert "Bo K." not in text
    assert "Bo's words" not in text


def test_an_account_holder_downloads_their_data_on_any_browser(
    client, open_process, comments_module, resident
):
    client.force_login(resident)
    comment(client, comments_module, "Written with my account.")
    other_browser = Client()
    other_browser.force_login(resident)
    data = json.loads(other_browser.get(EXPORT).content)
    assert data["account"]["username"] == "resident"
    assert [c["text"] for c in data["contributions"]] == ["Written with my account."]


# --------------------------------------------------------------------------- delete


def test_deleting_asks_for_confirmation_first(client, open_process, comments_module):
    join(client, open_process)
    comment(client, comments_module, "Still here after a GET.")
    response = client.get(DELETE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This cannot be undone." in html
    assert "Delete my data for good" in html
    assert 'name="account"' not in html  # a guest has no account to choose about
    assert Contribution.objects.get().status == ContributionStatus.VISIBLE


def test_a_guest_deletes_their_data_and_is_forgotten(
    client, open_process, comments_module, make_contribution
):
    other = make_contribution(comments_module, "Someone else's idea.")
    ana = join(client, open_process)
    comment(client, comments_module, "Ana's words, soon gone.")
    client.post(process_url(open_process, f"m/{comments_module.pk}/c/{other.pk}/support/"))
    old_session = client.session.session_key

    response = client.post(DELETE, follow=True)
    assert response.redirect_chain[-1][0] == YOU
    html = response.content.decode()
    assert "Your data are deleted." in html
    assert "You have not taken part from this browser" in html
    assert SESSION_KEY not in client.session
    assert client.session.session_key != old_session

    ana.refresh_from_db()
    assert ana.removed_at is not None
    assert Support.objects.filter(contribution=other).count() == 1
    # The thread reads on: her place says who removed it, her words are gone.
    page = client.get(process_url(open_process, f"m/{comments_module.pk}/")).content.decode()
    assert "Removed by its author" in page
    assert "Ana's words, soon gone." not in page
    assert "Someone else&#x27;s idea." in page or "Someone else's idea." in page
    # And the visitor is nobody now: writing asks for a pseudonym again.
    response = comment(client, comments_module, "Am I still Ana?")
    assert response.status_code == 400
    assert "Choose a pseudonym to take part." in response.content.decode()
    assert not Contribution.objects.filter(body="Am I still Ana?").exists()


def test_an_account_holder_keeps_the_account_and_starts_afresh(
    client, open_process, comments_module, resident
):
    client.force_login(resident)
    comment(client, comments_module, "Before.")
    old = Participant.objects.get(user=resident)
    response = client.get(DELETE)
    html = response.content.decode()
    assert 'name="account"' in html
    assert "Close my account as well" in html

    response = client.post(DELETE, {"account": "keep"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.is_active
    old.refresh_from_db()
    assert old.removed_at is not None and old.user_id is None
    # Still signed in, and nothing is held any more.
    html = client.get(YOU).content.decode()
    assert "Your account has not taken part in any process yet" in html
    comment(client, comments_module, "After.")
    new = Participant.objects.get(user=resident)
    assert new.pk != old.pk
    assert [c.body for c in Contribution.objects.filter(participant=new)] == ["After."]


def test_an_account_holder_may_close_the_account_too(client, open_process, comments_module):
    User.objects.create_user("leaving", password="a-long-test-password", email="l@example.org")
    client.login(username="leaving", password="a-long-test-password")
    comment(client, comments_module, "Goodbye.")
    response = client.post(DELETE, {"account": "close"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not client.login(username="leaving", password="a-long-test-password")
    assert not User.objects.filter(username="leaving").exists()
    assert Contribution.objects.get().status == ContributionStatus.REMOVED


def test_staff_are_not_offered_to_close_their_account(
    client, open_process, comments_module, make_member, org
):
    member = make_member(org, Role.FACILITATOR)
    client.force_login(member)
    comment(client, comments_module, "Staff, taking part.")
    html = client.get(DELETE).content.decode()
    assert "Close my account as well" not in html
    assert "ask its administrator to close it" in html
    # A forged choice is refused, and nothing is deleted.
    response = client.post(DELETE, {"account": "close"})
    assert response.status_code == 400
    assert Contribution.objects.get().status == ContributionStatus.VISIBLE
    member.refresh_from_db()
    assert member.is_active


@pytest.mark.parametrize("choice", ["", "everything"])
def test_a_bad_choice_deletes_nothing(client, open_process, comments_module, resident, choice):
    client.force_login(resident)
    comment(client, comments_module, "Mine.")
    response = client.post(DELETE, {"account": choice})
    assert response.status_code == 400
    assert Contribution.objects.get().status == ContributionStatus.VISIBLE
    assert Participant.objects.get(user=resident).removed_at is None


def test_deleting_needs_a_post_with_the_csrf_token(open_process, comments_module):
    client = Client(enforce_csrf_checks=True)
    response = client.get(process_url(open_process, "join/"))
    token = response.cookies["csrftoken"].value
    client.post(
        process_url(open_process, "join/"), {"pseudonym": "Ana R.", "csrfmiddlewaretoken": token}
    )
    ana = Participant.objects.get(pk=client.session[SESSION_KEY])
    assert client.post(DELETE).status_code == 403
    ana.refresh_from_db()
    assert ana.removed_at is None


def test_one_visitor_deleting_leaves_other_visitors_alone(
    open_process, comments_module, make_guest
):
    ana_browser, bo_browser = Client(), Client()
    join(ana_browser, open_process, "Ana R.")
    bo = join(bo_browser, open_process, "Bo K.")
    comment(bo_browser, comments_module, "Bo stays.")
    ana_browser.post(DELETE)
    bo.refresh_from_db()
    assert bo.removed_at is None
    assert bo_browser.session[SESSION_KEY] == bo.pk
    assert Contribution.objects.get(body="Bo stays.").is_visible


def test_an_account_holder_who_never_took_part_has_nothing_to_delete(client, resident):
    client.force_login(resident)
    response = client.post(DELETE, {"account": "keep"})
    assert response.status_code == 302
    # The account's participant is made on its first write, not by deleting.
    assert not Participant.objects.filter(user=resident).exists()
