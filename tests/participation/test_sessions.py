"""Who a request acts as (``sessions``): one query per request whoever
the visitor is, none more for a write, and a participant who deleted
their data is nobody's visitor, whatever the session still says."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from participai.participation.services.participant_data import participant_delete
from participai.participation.sessions import (
    SESSION_KEY,
    participant_for_request,
    visitor,
)


def request_as(user=None, guest=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if guest is not None:
        request.session[SESSION_KEY] = guest.pk
    return request


@pytest.mark.parametrize("who", ["guest", "account"])
def test_the_visitor_costs_one_query_per_request(
    who, guest, account_participant, django_assert_num_queries
):
    request = (
        request_as(guest=guest) if who == "guest" else request_as(user=account_participant.user)
    )
    with django_assert_num_queries(1):
        found = visitor(request).participant
    with django_assert_num_queries(0):
        assert visitor(request).participant == found
    assert found == (guest if who == "guest" else account_participant)


def test_a_write_reuses_the_participant_the_request_already_read(
    account_participant, django_assert_num_queries
):
    request = request_as(user=account_participant.user)
    visitor(request)
    with django_assert_num_queries(0):
        assert participant_for_request(request) == account_participant


def test_an_account_holders_first_write_makes_their_participant(resident):
    request = request_as(user=resident)
    assert visitor(request).participant is None
    participant = participant_for_request(request)
    assert participant.user == resident
    assert visitor(request).participant == participant


def test_a_session_naming_a_removed_guest_is_nobody(guest):
    participant_delete(participant=guest)
    request = request_as(guest=guest)
    you = visitor(request)
    assert you.participant is None
    assert you.level == "none"
    assert participant_for_request(request) is None


def test_an_account_holder_who_deleted_their_data_is_nobody_until_the_next_write(
    account_participant,
):
    user = account_participant.user
    participant_delete(participant=account_participant)
    assert visitor(request_as(user=user)).participant is None
    fresh = participant_for_request(request_as(user=user))
    assert fresh.pk != account_participant.pk
