"""Following a process and choosing how often we write, through real HTTP
requests, for each kind of visitor: a newcomer, a guest without a confirmed
email, a confirmed guest, an account holder (with and without an email)."""

from __future__ import annotations

import pytest
from django.test import Client

from participai.accounts.models import Participant
from participai.participation.models import Follow
from participai.participation.sessions import SESSION_KEY


def url(process, tail: str) -> str:
    return f"/p/{process.procurement.slug}/{process.slug}/{tail}"


def as_guest(client: Client, participant: Participant) -> None:
    """Be ``participant`` in this client's session, as joining leaves it."""
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --------------------------------------------------------------------------- following


def test_a_confirmed_guest_follows_and_unfollows(client, open_process, confirmed_guest):
    as_guest(client, confirmed_guest)
    response = client.post(url(open_process, "responses/follow/"), follow=True)
    assert response.redirect_chain[-1][0] == url(open_process, "responses/")
    assert "You follow this process" in messages_of(response)[0]
    assert Follow.objects.filter(participant=confirmed_guest, process=open_process).exists()
    html = response.content.decode()
    assert "Stop following" in html and "How often we write to you" in html
    again = client.post(url(open_process, "responses/follow/"), follow=True)
    assert "You already follow this process." in messages_of(again)
    stop = client.post(url(open_process, "responses/unfollow/"), follow=True)
    assert "You no longer follow this process." in messages_of(stop)
    assert not Follow.objects.exists()
    assert "You did not follow this process." in messages_of(
        client.post(url(open_process, "responses/unfollow/"), follow=True)
    )


def test_a_newcomer_is_asked_to_join_first(client, open_process):
    response = client.post(url(open_process, "responses/follow/"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a pseudonym to take part." in html
    assert url(open_process, "join/") in html
    assert not Follow.objects.exists() and not Participant.objects.exists()


def test_a_guest_without_a_confirmed_email_is_asked_to_confirm(client, open_process, guest):
    as_guest(client, guest)
    response = client.post(url(open_process, "responses/follow/"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Confirm an email address first" in html
    assert url(open_process, "confirm/") in html
    assert not Follow.objects.exists()


def test_an_account_holder_follows_on_first_use(client, open_process, resident):
    client.force_login(resident)
    assert client.post(url(open_process, "responses/follow/")).status_code == 302
    participant = Participant.objects.get(user=resident)
    assert Follow.objects.filter(participant=participant).exists()


def test_an_account_without_email_is_refused_and_leaves_nothing(client, open_process, make_user):
    client.force_login(make_user("nomail", email=""))
    response = client.post(url(open_process, "responses/follow/"))
    assert response.status_code == 400
    assert "Your account has no email address" in response.content.decode()
    assert not Participant.objects.exists() and not Follow.objects.exists()


def test_following_a_members_only_process_needs_an_account(
    client, published, make_process, confirmed_guest
):
    members_only = make_process(
        published, modules=("comments",), publish=True, read_requires="account"
    )
    as_guest(client, confirmed_guest)
    response = client.post(url(members_only, "responses/follow/"))
    assert response.status_code == 403
    assert not Follow.objects.exists()


def test_follow_needs_a_post(client, open_process, confirmed_guest):
    as_guest(client, confirmed_guest)
    assert client.get(url(open_process, "responses/follow/")).status_code == 405
    assert not Follow.objects.exists()


def test_a_preview_offers_no_following(client, officer, published, make_process):
    draft = make_process(published, modules=("comments",))
    client.force_login(officer)
    html = client.get(url(draft, "responses/")).content.decode()
    assert "Once the process is published" in html and "Follow this process" not in html


# --------------------------------------------------------------------------- how often


def test_a_guest_chooses_a_daily_digest(client, open_process, confirmed_guest, audit_events):
    as_guest(client, confirmed_guest)
    page = client.get(url(open_process, "email/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert confirmed_guest.email in html
    assert 'value="immediately" checked' in html
    response = client.post(url(open_process, "email/"), {"email_frequency": "daily"}, follow=True)
    assert response.redirect_chain[-1][0] == url(open_process, "responses/")
    confirmed_guest.refresh_from_db()
    assert confirmed_guest.email_frequency == "daily"
    assert len(audit_events("participant.email_frequency_set")) == 1


def test_an_unconfirmed_guest_is_told_nothing_is_sent(client, open_process, guest):
    as_guest(client, guest)
    html = client.get(url(open_process, "email/")).content.decode()
    assert "We have no confirmed address to write to yet" in html
    assert url(open_process, "confirm/") in html


@pytest.mark.parametrize("value", ["", "hourly"])
def test_a_bad_choice_is_shown_again(value, client, open_process, confirmed_guest):
    as_guest(client, confirmed_guest)
    response = client.post(url(open_process, "email/"), {"email_frequency": value})
    assert response.status_code == 400
    assert "email_frequency" in response.context["form"].errors
    confirmed_guest.refresh_from_db()
    assert confirmed_guest.email_frequency == "immediately"


def test_a_newcomer_cannot_choose(client, open_process):
    page = client.get(url(open_process, "email/"))
    assert "Choose a pseudonym to take part." in page.content.decode()
    response = client.post(url(open_process, "email/"), {"email_frequency": "never"})
    assert response.status_code == 400
    assert not Participant.objects.exists()


def test_an_account_holder_chooses_never(client, open_process, resident):
    client.force_login(resident)
    assert resident.email in client.get(url(open_process, "email/")).content.decode()
    assert (
        client.post(url(open_process, "email/"), {"email_frequency": "never"}).status_code == 302
    )
    assert Participant.objects.get(user=resident).email_frequency == "never"
