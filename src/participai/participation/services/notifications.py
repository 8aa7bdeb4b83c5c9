"""Following a process, how often a participant hears from us, and the mail
that answers bring ("you said, we did").

Answers make ``Notification`` rows (see :mod:`.responses`); this module
mails them: :func:`send_notification` one at a time for people who asked for
mail at once, :func:`send_daily_digests` gathered into one mail a day for
the others. Nothing is mailed to a participant without an address we may
use (:func:`notification_address`), nor to one who asked for no mail.
Sending claims the row (``sent_at``) before the mail goes out, so a
notification is mailed at most once however many workers or overlapping
runs try; a mail that cannot be sent gives the claim back, and
:func:`send_overdue_notifications` (run with the daily digests) tries again
the mails "at once" still waiting: failed, never queued, or left by someone
who switched from the digest.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import EmailFrequency, Participant
from participai.core.audit import audit_record

from .. import policy
from ..models import Contribution, Follow, Notification, NotificationKind, Process

logger = logging.getLogger(__name__)

# The refusal code of following without an address to write to: not a
# ``policy.REASONS`` key, as the process's rules would let the person read.
NEEDS_EMAIL = "needs_email"
# How long a mail "at once" may wait for its task before the daily run sends
# it itself: long enough not to race a busy queue (the claim would stop a
# double mail anyway), short enough to catch every one by the next day.
OVERDUE_AFTER = timedelta(hours=1)


def notification_address(participant: Participant) -> str:
    """The address mail to ``participant`` goes to, or ``""`` when there is
    none we may use: an active account's email, or a guest's email once
    confirmed with the code; nothing for someone who deleted their data.
    ``participant.user`` should be loaded."""
    if participant.removed_at is not None:
        return ""
    if participant.user_id is not None:
        user = participant.user
        return user.email if user.is_active else ""
    return participant.email if participant.confirmed_at else ""


def _organisation_id(process: Process) -> int:
    return process.procurement.organisation_id


# --------------------------------------------------------------------------- following


@transaction.atomic
def follow(*, participant: Participant, process: Process) -> bool:
    """Follow ``process`` to hear of its answers. ``False`` (and nothing
    changes) when already following; a concurrent second request meets the
    unique constraint and counts once.

    Refused (``ValidationError``) unless the process and its procurement are
    published and the participant may read it (code: a ``policy.REASONS``
    key), and unless we have an address to write to (code
    :data:`NEEDS_EMAIL`): following without one would promise mail that
    never comes.
    """
    process = Process.objects.select_related("procurement").get(pk=process.pk)
    participant = Participant.objects.select_related("user").get(pk=participant.pk)
    reason = policy.refusal(
        "read",
        level=participant.verification,
        required=process.read_requires,
        published=process.is_published and process.procurement.is_published,
    )
    if reason is not None:
        raise ValidationError(_(policy.REASONS[reason]), code=reason)
    if not notification_address(participant):
        if participant.user_id is not None:
            message = _("Your account has no email address for us to write to.")
        else:
            message = _("Confirm an email address first, so we can write to you.")
        raise ValidationError(message, code=NEEDS_EMAIL)
    try:
        with transaction.atomic():
            Follow.objects.create(process=process, participant=participant)
    except IntegrityError:
        return False
    audit_record(
        actor=participant.user,
        action="process.followed",
        target=process,
        organisation_id=_organisation_id(process),
        data={"participant": participant.pk},
    )
    return True


@transaction.atomic
def unfollow(*, participant: Participant, process: Process) -> bool:
    """Stop following ``process``; ``False`` if not following. Answers to
    the participant's own contributions are still mailed (as their
    ``email_frequency`` says)."""
    deleted, _rows = Follow.objects.filter(process=process, participant=participant).delete()
    if not deleted:
        return False
    process = Process.objects.select_related("procurement").get(pk=process.pk)
    audit_record(
        actor=participant.user,
        action="process.unfollowed",
        target=process,
        organisation_id=_organisation_id(process),
        data={"participant": participant.pk},
    )
    return True


@transaction.atomic
def email_frequency_set(*, participant: Participant, frequency: str) -> Participant:
    """How often the participant hears from us: at once, in a daily digest,
    or never (``accounts.EmailFrequency``). Choosing never also drops what
    was waiting to be mailed, so changing one's mind later does not bring
    back a pile of old news."""
    if frequency not in EmailFrequency.values:
        raise ValidationError({"email_frequency": _("Choose how often we may write to you.")})
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    previous = participant.email_frequency
    if previous == frequency:
        return participant
    participant.email_frequency = frequency
    participant.save(update_fields=["email_frequency", "updated_at"])
    dropped = 0
    if frequency == EmailFrequency.NEVER:
        dropped, _rows = Notification.objects.filter(
            participant=participant, sent_at__isnull=True
        ).delete()
    audit_record(
        actor=participant.user,
        action="participant.email_frequency_set",
        target=participant,
        data={"frequency": frequency, "previous": previous, "dropped": dropped},
    )
    return participant


# --------------------------------------------------------------------------- mail


def _site_url(path: str) -> str:
    """An absolute link, on the installation's address (``settings.SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + path


def _settings_url(process: Process) -> str:
    kwargs = {"slug": process.procurement.slug, "process": process.slug}
    return _site_url(reverse("participation_public:email_settings", kwargs=kwargs))


def _response_url(process: Process, response_id: int) -> str:
    kwargs = {"slug": process.procurement.slug, "process": process.slug, "pk": response_id}
    return _site_url(reverse("participation_public:response", kwargs=kwargs))


def _mine(notification: Notification) -> list[Contribution]:
    """The participant's own contributions the answer is about (for "answered" mail)."""
    if notification.kind != NotificationKind.ANSWERED or notification.response_id is None:
        return []
    return list(
        notification.response.contributions.filter(
            participant_id=notification.participant_id
        ).order_by("created_at", "pk")
    )


def _item(notification: Notification) -> dict[str, Any]:
    return {
        "notification": notification,
        "response": notification.response,
        "process": notification.process,
        "procurement": notification.process.procurement,
        "response_url": (
            _response_url(notification.process, notification.response_id)
            if notification.response_id is not None
            else ""
        ),
        "settings_url": _settings_url(notification.process),
    }


def _subject(text: str) -> str:
    """A subject line from titles people typed: a line break would make the
    mail refuse to leave (``BadHeaderError``), so white space is folded."""
    return " ".join(text.split())


def _claim(ids: list[int], now: datetime) -> int:
    return Notification.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=now)


def _release(ids: list[int], now: datetime) -> None:
    Notification.objects.filter(pk__in=ids, sent_at=now).update(sent_at=None)


def _loaded() -> Any:
    return Notification.objects.select_related(
        "participant__user", "process__procurement", "response__decision"
    )


def send_notification(*, notification_id: int) -> bool:
    """Mail one notification to a participant who takes mail at once, and
    mark it sent. Returns whether a mail went out.

    Idempotent: a notification already sent, gone, or claimed by a
    concurrent worker sends nothing. One whose participant now takes a daily
    digest is left for the digest; one whose participant has no usable
    address or wants no mail is not sent. If the mail cannot be sent, the
    claim is given back and the error raised: the task fails visibly, and
    :func:`send_overdue_notifications` tries again.
    """
    notification = _loaded().filter(pk=notification_id).first()
    if notification is None or notification.sent_at is not None:
        return False
    participant = notification.participant
    address = notification_address(participant)
    if not address or participant.email_frequency != EmailFrequency.IMMEDIATELY:
        return False
    item = _item(notification)
    # People have no language preference yet, so mail uses the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        if notification.kind == NotificationKind.ANSWERED:
            subject = _("[ParticipAI] Your contribution was answered: %(process)s")
        else:
            subject = _("[ParticipAI] A new answer in “%(process)s”")
        subject = subject % {"process": _subject(notification.process.title)}
        body = render_to_string(
            "participation/email/notification.txt",
            {**item, "participant": participant, "mine": _mine(notification)},
        )
    # Claimed only once the mail is written, so nothing but sending it can
    # fail while the claim is held.
    now = timezone.now()
    if not _claim([notification.pk], now):
        return False
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        _release([notification.pk], now)
        raise
    return True


def send_daily_digests(*, now: datetime) -> int:
    """Gather, for each participant who takes a daily digest, every
    notification not yet sent and made before ``now`` into one mail, and
    mark them sent at ``now``. Returns how many mails went out.

    Participants without a usable address are skipped (their notifications
    wait); one whose mail fails is logged and left for the next run, and the
    others still get theirs. Running it twice, even two runs at once, sends
    nothing twice: each participant's rows are claimed before mailing, and a
    run mails only what it claimed.
    """
    pending = _loaded().filter(
        sent_at__isnull=True,
        created_at__lte=now,
        participant__email_frequency=EmailFrequency.DAILY,
        participant__removed_at__isnull=True,
    )
    by_participant: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending.order_by("participant_id", "created_at", "pk"):
        by_participant[notification.participant_id].append(notification)
    sent = 0
    for notifications in by_participant.values():
        participant = notifications[0].participant
        address = notification_address(participant)
        if not address:
            continue
        ids = [n.pk for n in notifications]
        claimed = _claim(ids, now)
        if not claimed:
            continue
        if claimed < len(ids):
            # Another run took some: mail only what this one claimed.
            mine = set(
                Notification.objects.filter(pk__in=ids, sent_at=now).values_list("pk", flat=True)
            )
            notifications = [n for n in notifications if n.pk in mine]
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = ngettext(
                    "[ParticipAI] Your daily digest: %(count)d new answer",
                    "[ParticipAI] Your daily digest: %(count)d new answers",
                    len(notifications),
                ) % {"count": len(notifications)}
                body = render_to_string(
                    "participation/email/digest.txt",
                    {
                        "participant": participant,
                        "items": [_item(n) for n in notifications],
                        "settings_url": _settings_url(notifications[0].process),
                    },
                )
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:
            # Whatever failed, this participant's rows wait for the next run
            # and the others still get theirs.
            logger.exception("Could not mail the daily digest of participant %s", participant.pk)
            _release([n.pk for n in notifications], now)
            continue
        sent += 1
    return sent


def send_overdue_notifications(*, now: datetime) -> int:
    """Mail, one at a time, the notifications of participants who take mail
    at once that are still unsent :data:`OVERDUE_AFTER` after they were
    made: their mail failed, their task was never queued, or they switched
    from the daily digest with answers waiting. Returns how many mails went
    out; one that fails again is logged and waits for the next run. Each
    goes through :func:`send_notification`, so none is mailed twice.
    """
    overdue = Notification.objects.filter(
        sent_at__isnull=True,
        created_at__lte=now - OVERDUE_AFTER,
        participant__email_frequency=EmailFrequency.IMMEDIATELY,
        participant__removed_at__isnull=True,
    ).order_by("created_at", "pk")
    sent = 0
    for notification_id in list(overdue.values_list("pk", flat=True)):
        try:
            sent += send_notification(notification_id=notification_id)
        except Exception:
            logger.exception("Could not mail notification %s", notification_id)
    return sent
