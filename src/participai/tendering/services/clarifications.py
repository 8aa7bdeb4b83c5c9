"""Every write to the clarifications: a supplier asks, the team answers
(publishing the answer to every bidder and the public), edits a published
answer, or declines to publish a question.

Keyword-only, one transaction each: the procurement row is locked first,
then the tender, then the right is checked, then the input (``ValidationError``
keyed by field, nothing saved), then the write and its audit event.

Who asked is never published and never enters the audit trail's ``data``:
the trail names the clarification by number only (``Clarification.audit_label``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.participation.spam import spam_reasons
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import Clarification, ClarificationStatus, Tender
from ..selectors.clarifications import asking_state

QUESTION_MIN = 10
QUESTION_MAX = 4_000
NAME_MAX = Clarification._meta.get_field("asked_by_name").max_length
ORGANISATION_MAX = Clarification._meta.get_field("asked_by_organisation").max_length
EMAIL_MAX = Clarification._meta.get_field("contact_email").max_length
ANSWER_MAX = 20_000
REASON_MAX = 2_000

# One person (by account or email) asks at most this many questions per
# window on one tender: enough for a real bidder, a brake on a script.
RATE_LIMIT = 5
RATE_WINDOW = datetime.timedelta(hours=1)
RATE_LIMITED = "rate_limited"
CLOSED = "closed"


def _lock(procurement: Procurement) -> tuple[Procurement, Tender | None]:
    """Lock the procurement row, then its tender's, as every tendering service does."""
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    tender = Tender.objects.select_for_update().filter(procurement=procurement).first()
    return procurement, tender


def _length_error(value: str, limit: int) -> str:
    return _("At most %(limit)d characters; this text has %(length)d.") % {
        "limit": limit,
        "length": len(value),
    }


def _check_question(
    *, question: str, name: str, organisation: str, email: str, guest: bool
) -> None:
    errors: dict[str, list[str]] = {}
    if len(question) < QUESTION_MIN:
        errors.setdefault("question", []).append(
            _("Write your question in at least %(min)d characters.") % {"min": QUESTION_MIN}
            if question
            else _("Write your question first.")
        )
    elif len(question) > QUESTION_MAX:
        errors.setdefault("question", []).append(_length_error(question, QUESTION_MAX))
    elif guest:
        for reason in spam_reasons(question):
            errors.setdefault("question", []).append(_(reason))
    if not name:
        errors.setdefault("asked_by_name", []).append(_("Say who is asking."))
    elif len(name) > NAME_MAX:
        errors.setdefault("asked_by_name", []).append(_length_error(name, NAME_MAX))
    if not organisation:
        errors.setdefault("asked_by_organisation", []).append(
            _("Name the company or organisation you ask for.")
        )
    elif len(organisation) > ORGANISATION_MAX:
        errors.setdefault("asked_by_organisation", []).append(
            _length_error(organisation, ORGANISATION_MAX)
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("contact_email", []).append(_("Enter a valid email address."))
        else:
            if len(email) > EMAIL_MAX:
                errors.setdefault("contact_email", []).append(_length_error(email, EMAIL_MAX))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def clarification_ask(
    *,
    procurement: Procurement,
    question: str,
    asked_by_name: str,
    asked_by_organisation: str,
    contact_email: str = "",
    user: User | None = None,
) -> Clarification:
    """Record a supplier's question on ``procurement``'s tender.

    No account is needed (``user`` is ``None`` for a guest). Open while
    ``selectors.clarifications.asking_state`` says so (published, active,
    a stage that takes questions, before the question deadline); otherwise
    ``ValidationError`` (code ``closed``). The question must be
    ``QUESTION_MIN``..``QUESTION_MAX`` characters, the name and organisation
    given, the email (optional, for the team only) valid; a guest's question
    is checked for spam. One person asks at most ``RATE_LIMIT`` questions per
    ``RATE_WINDOW`` on a tender (code ``rate_limited``).

    When no tender exists yet (market engagement comes before the tender is
    written), the draft tender is created here, on behalf of the
    procurement's creator, so that the question has a home.
    """
    if user is not None and not user.is_authenticated:
        user = None
    procurement, tender = _lock(procurement)
    state = asking_state(procurement, tender)
    if not state.open:
        raise ValidationError(state.reason, code=CLOSED)
    question = (question or "").replace("\r\n", "\n").strip()
    question = "".join(ch for ch in question if ch in "\n\t" or ord(ch) >= 32)
    name = clean_plain(asked_by_name)
    organisation = clean_plain(asked_by_organisation)
    email = clean_plain(contact_email).lower()
    _check_question(
        question=question, name=name, organisation=organisation, email=email, guest=user is None
    )
    if tender is not None and (user is not None or email):
        recent = Clarification.objects.filter(
            tender=tender, created_at__gte=timezone.now() - RATE_WINDOW
        )
        if user is not None:
            recent = recent.filter(asked_by=user)
        else:
            recent = recent.filter(contact_email=email)
        if recent.count() >= RATE_LIMIT:
            raise ValidationError(
                _("You have asked several questions in the last hour; please wait a while."),
                code=RATE_LIMITED,
            )
    if tender is None:
        tender = Tender.objects.create(procurement=procurement, created_by=procurement.created_by)
        audit_record(
            actor=user,
            action="tendering.tender_start",
            target=tender,
            organisation_id=procurement.organisation_id,
            data={"procurement": procurement.slug, "why": "first supplier question"},
        )
    clarification = Clarification.objects.create(
        tender=tender,
        question=question,
        asked_by_name=name,
        asked_by_organisation=organisation,
        contact_email=email,
        asked_by=user,
    )
    audit_record(
        actor=user,
        action="tendering.clarification_ask",
        target=clarification,
        organisation_id=procurement.organisation_id,
        # Never who asked: the trail keeps how long the question was only.
        data={"tender": tender.pk, "length": len(question)},
    )
    return clarification


def _locked_clarification(clarification: Clarification) -> tuple[Procurement, Clarification]:
    procurement = clarification.tender.procurement
    procurement, tender = _lock(procurement)
    return procurement, Clarification.objects.select_for_update().get(
        pk=clarification.pk, tender=tender
    )


@transaction.atomic
def clarification_answer(
    *, actor: User, clarification: Clarification, answer: str
) -> Clarification:
    """Publish ``answer`` to ``clarification`` for every bidder and the public.

    Requires ``Action.ANSWER_CLARIFICATION`` (the procurement team, while the
    stage takes questions). A pending or declined question becomes published
    (``published_at`` set, and ``updated_at`` stamped with the same moment, so
    the page can tell a later edit). Answering a published question edits its
    answer: allowed, audited with the previous answer, and shown as updated;
    an unchanged answer changes nothing. The answer (Markdown) must be
    1..``ANSWER_MAX`` characters.
    """
    procurement, clarification = _locked_clarification(clarification)
    require(actor, Action.ANSWER_CLARIFICATION, procurement)
    answer = (answer or "").replace("\r\n", "\n").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer first.")})
    if len(answer) > ANSWER_MAX:
        raise ValidationError({"answer": _length_error(answer, ANSWER_MAX)})
    if clarification.status == ClarificationStatus.PUBLISHED:
        if answer == clarification.answer:
            return clarification
        previous = clarification.answer
        clarification.answer = answer
        clarification.answered_by = actor
        clarification.save(update_fields=["answer", "answered_by", "updated_at"])
        audit_record(
            actor=actor,
            action="tendering.clarification_edit",
            target=clarification,
            organisation_id=procurement.organisation_id,
            data={"tender": clarification.tender_id, "previous_answer": previous},
        )
        return clarification
    now = timezone.now()
    was = clarification.status
    clarification.status = ClarificationStatus.PUBLISHED
    clarification.answer = answer
    clarification.answered_by = actor
    clarification.decline_reason = ""
    clarification.published_at = now
    clarification.save(
        update_fields=[
            "status",
            "answer",
            "answered_by",
            "decline_reason",
            "published_at",
            "updated_at",
        ]
    )
    # auto_now stamped a moment later than ``now``; align it, so that only an
    # edit after publication makes the answer read as updated.
    Clarification.objects.filter(pk=clarification.pk).update(updated_at=now)
    clarification.updated_at = now
    audit_record(
        actor=actor,
        action="tendering.clarification_answer",
        target=clarification,
        organisation_id=procurement.organisation_id,
        data={"tender": clarification.tender_id, "was": was},
    )
    return clarification


@transaction.atomic
def clarification_decline(
    *, actor: User, clarification: Clarification, reason: str
) -> Clarification:
    """Decline to publish a pending question (a duplicate, out of scope, not
    a question), saying why for the record; the asker's question stays
    staff-only. Requires ``Action.ANSWER_CLARIFICATION``. A published answer
    cannot be withdrawn (bidders have read it): edit it instead. A declined
    question may still be answered later.
    """
    procurement, clarification = _locked_clarification(clarification)
    require(actor, Action.ANSWER_CLARIFICATION, procurement)
    reason = (reason or "").replace("\r\n", "\n").strip()
    if clarification.status != ClarificationStatus.PENDING:
        raise ValidationError(
            _("Only a question waiting for an answer can be declined; this one is “%(status)s”.")
            % {"status": clarification.get_status_display()}
        )
    if not reason:
        raise ValidationError({"reason": _("Say why the question is not published.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _length_error(reason, REASON_MAX)})
    clarification.status = ClarificationStatus.DECLINED
    clarification.decline_reason = reason
    clarification.answered_by = actor
    clarification.save(update_fields=["status", "decline_reason", "answered_by", "updated_at"])
    audit_record(
        actor=actor,
        action="tendering.clarification_decline",
        target=clarification,
        organisation_id=procurement.organisation_id,
        data={"tender": clarification.tender_id, "reason": reason},
    )
    return clarification
