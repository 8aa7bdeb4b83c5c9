"""Who takes part: the participant of an account, guests under a pseudonym,
and the one-time code that confirms a guest's email address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from participai.accounts.models import Participant
from participai.participation.services import participants as services


def sent_code(to: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [to]]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def age_code(participant: Participant, by: timedelta) -> None:
    Participant.objects.filter(pk=participant.pk).update(code_sent_at=timezone.now() - by)


# --- Accounts ------------------------------------------------------------------------------


def test_an_account_gets_one_participant(resident, audit_events):
    first = services.participant_for_user(resident)
    second = services.participant_for_user(resident)
    assert first.pk == second.pk
    assert Participant.objects.filter(user=resident).count() == 1
    assert first.verification == "account"
    assert first.is_guest is False
    assert first.pseudonym
    [event] = audit_events("participant.created")
    assert event.actor_id == resident.pk


def test_send_code_refused_to_account_holders(account_participant):
    with pytest.raises(ValidationError, match="signed in"):
        services.guest_send_code(participant=account_participant, email="r@example.org")
    assert mail.outbox == []


# --- Guests --------------------------------------------------------------------------------


def test_guest_join_keeps_only_a_tidy_pseudonym(audit_events):
    guest = services.guest_join(pseudonym="  Ana \t  R.\x00 ")
    guest.refresh_from_db()
    assert guest.pseudonym == "Ana R."
    assert (guest.user, guest.email, guest.confirmed_at) == (None, "", None)
    assert guest.verification == "guest"
    [event] = audit_events("participant.guest_joined")
    assert event.actor_id is None
    assert event.data == {"guest": True}
    # The trail outlives a deleted pseudonym, so it never holds one.
    assert event.object_repr == f"participant {guest.pk}"
    assert "Ana" not in event.object_repr


def test_a_guest_made_within_a_write_leaves_the_audit_to_that_write(audit_events, resident):
    guest = services.guest_join(pseudonym="Rosa", audited=False)
    holder = services.participant_for_user(resident, audited=False)
    assert guest.pk and holder.user_id == resident.pk
    assert audit_events("participant.guest_joined") == []
    assert audit_events("participant.created") == []


@pytest.mark.parametrize("pseudonym", ["ab", "x" * 60, "Àà"])
def test_pseudonym_bounds_accepted(pseudonym, db):
    assert services.guest_join(pseudonym=pseudonym).pseudonym == pseudonym


@pytest.mark.parametrize("pseudonym", ["", "a", "  a  ", "\x00\x01", "x" * 61])
def test_pseudonym_bounds_refused(pseudonym, audit_events):
    with pytest.raises(ValidationError) as caught:
        services.guest_join(pseudonym=pseudonym)
    assert caught.value.message_dict == {"pseudonym": ["A pseudonym has 2 to 60 characters."]}
    assert not Participant.objects.exists()
    assert audit_events("participant.guest_joined") == []


# --- The one-time code ---------------------------------------------------------------------


def test_code_is_mailed_and_only_its_hash_kept(guest, audit_events):
    services.guest_send_code(participant=guest, email=" ana@example.org ")
    code = sent_code("ana@example.org")
    guest.refresh_from_db()
    assert guest.email == "ana@example.org"
    assert guest.code_sent_at is not None
    assert guest.code_hash and code not in guest.code_hash
    assert len(guest.code_hash) == 64
    assert guest.verification == "guest"  # not yet confirmed
    [event] = audit_events("participant.code_sent")
    assert code not in str(event.data)
    services.guest_confirm(participant=guest, code=f" {code} ")
    guest.refresh_from_db()
    assert guest.confirmed_at is not None
    assert guest.verification == "confirmed"
    assert (guest.code_hash, guest.code_attempts) == ("", 0)
    assert len(audit_events("participant.confirmed")) == 1


def test_a_mail_failure_withdraws_the_code_and_says_so(guest, monkeypatch):
    def broken_mail(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "send_mail", broken_mail)
    with pytest.raises(ValidationError) as refused:
        services.guest_send_code(participant=guest, email="ana@example.org")
    assert "could not send" in refused.value.message_dict["email"][0]
    guest.refresh_from_db()
    # No code that nobody received, and no minute to wait before trying again.
    assert (guest.code_hash, guest.code_sent_at) == ("", None)
    monkeypatch.undo()
    services.guest_send_code(participant=guest, email="ana@example.org")
    assert sent_code("ana@example.org")


def test_the_code_is_bound_to_its_participant(make_guest):
    ana, bob = make_guest("Ana"), make_guest("Bob")
    services.guest_send_code(participant=ana, email="ana@example.org")
    with pytest.raises(ValidationError, match="Ask for a code first"):
        services.guest_confirm(participant=bob, code=sent_code("ana@example.org"))
    bob.refresh_from_db()
    assert bob.confirmed_at is None


@pytest.mark.parametrize("email", ["", "ana", "ana@", "@example.org", "a b@example.org"])
def test_invalid_email(email, guest):
    with pytest.raises(ValidationError) as caught:
        services.guest_send_code(participant=guest, email=email)
    assert caught.value.message_dict == {"email": ["Enter a valid email address."]}
    guest.refresh_from_db()
    assert (guest.email, guest.code_hash) == ("", "")
    assert mail.outbox == []


def test_confirm_before_any_code(guest):
    with pytest.raises(ValidationError) as caught:
        services.guest_confirm(participant=guest, code="123456")
    assert caught.value.message_dict == {"code": ["Ask for a code first."]}


def test_wrong_code_counts_an_attempt_that_stays_counted(guest, audit_events):
    services.guest_send_code(participant=guest, email="ana@example.org")
    code = sent_code("ana@example.org")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError) as caught:
        services.guest_confirm(participant=guest, code=wrong)
    assert caught.value.message_dict == {"code": ["This code is not the one we sent."]}
    # The attempt is committed even though an error was raised (read back fresh).
    assert Participant.objects.get(pk=guest.pk).code_attempts == 1
    assert Participant.objects.get(pk=guest.pk).confirmed_at is None
    assert audit_events("participant.confirmed") == []
    services.guest_confirm(participant=guest, code=code)
    assert Participant.objects.get(pk=guest.pk).verification == "confirmed"


@pytest.mark.django_db(transaction=True)
def test_wrong_code_attempt_survives_an_outer_request_transaction(make_guest):
    # In a real request (no test transaction around it) the count is committed.
    from django.db import connection

    guest = make_guest("Ana")
    services.guest_send_code(participant=guest, email="ana@example.org")
    code = sent_code("ana@example.org")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError):
        services.guest_confirm(participant=guest, code=wrong)
    assert not connection.in_atomic_block
    assert Participant.objects.get(pk=guest.pk).code_attempts == 1


def test_too_many_attempts_lock_the_code(guest):
    services.guest_send_code(participant=guest, email="ana@example.org")
    code = sent_code("ana@example.org")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.MAX_CODE_ATTEMPTS):
        with pytest.raises(ValidationError, match="not the one"):
            services.guest_confirm(participant=guest, code=wrong)
    assert Participant.objects.get(pk=guest.pk).code_attempts == 5
    # Even the right code is refused now.
    with pytest.raises(ValidationError) as caught:
        services.guest_confirm(participant=guest, code=code)
    assert caught.value.message_dict == {"code": ["Too many attempts; ask for a new code."]}
    assert Participant.objects.get(pk=guest.pk).confirmed_at is None
    # A new code (after the resend delay) starts the count again.
    age_code(guest, timedelta(minutes=2))
    services.guest_send_code(participant=guest, email="ana@example.org")
    assert Participant.objects.get(pk=guest.pk).code_attempts == 0


def test_expired_code(guest):
    services.guest_send_code(participant=guest, email="ana@example.org")
    code = sent_code("ana@example.org")
    age_code(guest, services.CODE_VALIDITY + timedelta(seconds=1))
    with pytest.raises(ValidationError) as caught:
        services.guest_confirm(participant=guest, code=code)
    assert caught.value.message_dict == {"code": ["This code has expired; ask for a new one."]}
    assert Participant.objects.get(pk=guest.pk).confirmed_at is None


def test_code_still_valid_just_before_expiry(guest):
    services.guest_send_code(participant=guest, email="ana@example.org")
    age_code(guest, services.CODE_VALIDITY - timedelta(seconds=5))
    services.guest_confirm(participant=guest, code=sent_code("ana@example.org"))
    assert Participant.objects.get(pk=guest.pk).verification == "confirmed"


def test_resend_is_throttled(guest):
    services.guest_send_code(participant=guest, email="ana@example.org")
    first_hash = Participant.objects.get(pk=guest.pk).code_hash
    with pytest.raises(ValidationError) as caught:
        services.guest_send_code(participant=guest, email="other@example.org")
    assert caught.value.message_dict == {
        "email": ["A code was sent less than a minute ago; check your inbox."]
    }
    assert len(mail.outbox) == 1
    stored = Participant.objects.get(pk=guest.pk)
    assert (stored.email, stored.code_hash) == ("ana@example.org", first_hash)
    age_code(guest, services.CODE_RESEND_AFTER + timedelta(seconds=1))
    services.guest_send_code(participant=guest, email="other@example.org")
    assert len(mail.outbox) == 2
    # The new code replaces the old one.
    old = sent_code("ana@example.org")
    new = sent_code("other@example.org")
    if old != new:
        with pytest.raises(ValidationError, match="not the one"):
            services.guest_confirm(participant=guest, code=old)
    services.guest_confirm(participant=guest, code=new)
    assert Participant.objects.get(pk=guest.pk).email == "other@example.org"


def test_a_new_code_unconfirms_until_confirmed_again(confirmed_guest):
    age_code(confirmed_guest, timedelta(hours=1))
    services.guest_send_code(participant=confirmed_guest, email="new@example.org")
    assert Participant.objects.get(pk=confirmed_guest.pk).verification == "guest"
