"""Who takes part: the participant of an account holder, guests under a
pseudonym, and the one-time code that confirms a guest's email address.

A code is six digits, valid for :data:`CODE_VALIDITY`, tried at most
:data:`MAX_CODE_ATTEMPTS` times, and stored only as a keyed hash. Bad input
raises ``ValidationError`` keyed by field and changes nothing.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import smtplib
from datetime import timedelta
from hashlib import sha256

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import Participant, User
from participai.core.audit import audit_record
from participai.core.text import clean_plain

logger = logging.getLogger(__name__)

CODE_VALIDITY = timedelta(minutes=30)
CODE_RESEND_AFTER = timedelta(seconds=60)
MAX_CODE_ATTEMPTS = 5
PSEUDONYM_LENGTH = (2, 60)


def _code_hash(participant_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"guest-code:{participant_id}:{code}".encode(), sha256).hexdigest()


def _clean_pseudonym(pseudonym: str) -> str:
    pseudonym = " ".join(clean_plain(pseudonym).split())
    low, high = PSEUDONYM_LENGTH
    if not low <= len(pseudonym) <= high:
        raise ValidationError(
            {
                "pseudonym": _("A pseudonym has %(low)d to %(high)d characters.")
                % {"low": low, "high": high}
            }
        )
    return pseudonym


# Why a caller may pass ``audited=False``: a participant made as the first
# step of a write (an API call's first contribution, a facilitator's entry
# for a new guest) would take the audit chain's lock before the write takes
# its own row locks, while a concurrent write holds those rows and waits for
# the chain: a deadlock. The write's own audit event, which names the
# participant, then records the creation.


@transaction.atomic
def participant_for_user(user: User, *, audited: bool = True) -> Participant:
    """The participant of an account holder, made on first use under their display name."""
    participant = Participant.objects.filter(user=user).first()
    if participant is not None:
        return participant
    participant = Participant.objects.create(
        user=user, pseudonym=(str(user) or user.get_username())[: PSEUDONYM_LENGTH[1]]
    )
    if audited:
        audit_record(actor=user, action="participant.created", target=participant)
    return participant


@transaction.atomic
def guest_join(*, pseudonym: str, audited: bool = True) -> Participant:
    """A new guest known by ``pseudonym``; nothing else about them is kept."""
    participant = Participant.objects.create(pseudonym=_clean_pseudonym(pseudonym))
    if audited:
        audit_record(
            actor=None,
            action="participant.guest_joined",
            target=participant,
            data={"guest": True},
        )
    return participant


def guest_send_code(*, participant: Participant, email: str) -> None:
    """Mail a one-time code to ``email`` so the guest can confirm it.

    Refused for account holders (already verified), and within
    :data:`CODE_RESEND_AFTER` of the previous code, so the form cannot be
    used to flood someone's inbox. The code is saved and committed before
    the mail goes out, so a slow mail server holds no row lock; if the mail
    cannot be sent, the code is withdrawn (it can be asked for again at
    once) and a ``ValidationError`` keyed ``email`` says so.
    """
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if not participant.is_guest:
            raise ValidationError(_("You are signed in: there is nothing to confirm."))
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid email address.")}) from None
        now = timezone.now()
        if participant.code_sent_at and now - participant.code_sent_at < CODE_RESEND_AFTER:
            raise ValidationError(
                {"email": _("A code was sent less than a minute ago; check your inbox.")}
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        participant.email = email
        participant.confirmed_at = None
        participant.code_hash = _code_hash(participant.pk, code)
        participant.code_sent_at = now
        participant.code_attempts = 0
        participant.save()
        audit_record(
            actor=None, action="participant.code_sent", target=participant, data={"guest": True}
        )
    try:
        send_mail(
            _("Your ParticipAI code"),
            _(
                "Your code is %(code)s. It is valid for 30 minutes.\n\n"
                "If you did not ask for it, ignore this message."
            )
            % {"code": code},
            None,
            [email],
        )
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not mail a confirmation code to participant %s", participant.pk)
        Participant.objects.filter(pk=participant.pk, code_sent_at=now).update(
            code_hash="", code_sent_at=None
        )
        raise ValidationError(
            {"email": _("We could not send the mail just now; please try again in a moment.")}
        ) from None


def guest_confirm(*, participant: Participant, code: str) -> Participant:
    """Confirm the guest's email with the code they received.

    A wrong, expired or over-tried code raises ``ValidationError`` keyed
    ``code``; a wrong code still counts as an attempt (committed before the
    error is raised, so guessing is bounded).
    """
    wrong = False
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if not participant.code_hash or participant.code_sent_at is None:
            raise ValidationError({"code": _("Ask for a code first.")})
        if participant.code_attempts >= MAX_CODE_ATTEMPTS:
            raise ValidationError({"code": _("Too many attempts; ask for a new code.")})
        if timezone.now() - participant.code_sent_at > CODE_VALIDITY:
            raise ValidationError({"code": _("This code has expired; ask for a new one.")})
        if hmac.compare_digest(participant.code_hash, _code_hash(participant.pk, code.strip())):
            participant.confirmed_at = timezone.now()
            participant.code_hash = ""
            participant.code_attempts = 0
            participant.save()
            audit_record(
                actor=None,
                action="participant.confirmed",
                target=participant,
                data={"guest": True},
            )
        else:
            participant.code_attempts += 1
            participant.save(update_fields=["code_attempts", "updated_at"])
            wrong = True
    if wrong:
        raise ValidationError({"code": _("This code is not the one we sent.")})
    return participant
