"""Every write of the vendor evaluation: bids, the panel, declarations, scores,
moderation, the award and the publication of individual scores.

Keyword-only, one transaction each. Each service locks the procurement row,
then the tender row (the order every tendering service follows), checks the
actor's right (``procurements.access.require`` for role and stage, and
``tendering.access.require_bids_readable`` wherever bids are read: sealed
bids, conflicts and undeclared seats raise ``PermissionDenied``), validates
the input (``ValidationError`` keyed by field, nothing saved), then writes and
records its audit event.

The audit trail is readable by auditors and the organisation's admin, who may
sit on the panel. So events never carry what they must not learn early: a
bid's supplier, price or documents before the opening (only its number), a
member's score or justification before moderation (only which cell was
scored), or the words of a declaration of interests.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements import uploads
from participai.procurements.access import Action, is_member, require, roles_allowed, roles_in
from participai.procurements.models import Procurement, ProcurementStatus

# The content-hash storage of procurement documents, reused for bid documents.
from participai.procurements.services import hash_and_head
from participai.procurements.uploads import UploadRejected, check_upload

from .. import scoring
from ..access import bids_are_sealed, require_bids_readable
from ..models import (
    Award,
    Bid,
    BidDocument,
    BidStatus,
    Criterion,
    ModeratedScore,
    PanelMember,
    PanelMemberKind,
    Score,
    ScoringMethod,
    Tender,
    TenderStatus,
)
from ..selectors.evaluation import judged, moderation_progress, results

SUPPLIER_MAX = Bid._meta.get_field("supplier_name").max_length
IDENTIFIER_MAX = Bid._meta.get_field("supplier_identifier").max_length
DOCUMENT_TITLE_MAX = BidDocument._meta.get_field("title").max_length
TEXT_MAX = 10_000
RATIONALE_MIN = 20
# Bid.price: 14 digits, 2 of them decimals.
PRICE_LIMIT = Decimal(10) ** 12


# --- Shared checks -----------------------------------------------------------------------


def _lock(tender: Tender) -> tuple[Procurement, Tender]:
    """Lock the procurement, then the tender, and return both fresh."""
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=tender.procurement_id)
    )
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    tender.procurement = procurement
    return procurement, tender


def _require_active(procurement: Procurement) -> None:
    if procurement.status != ProcurementStatus.ACTIVE:
        raise ValidationError(_("The procurement is closed: the evaluation cannot change."))


def _require_evaluating(tender: Tender) -> None:
    """The tender is published and not yet awarded."""
    if tender.status == TenderStatus.DRAFT:
        raise ValidationError(_("The tender is not published yet: there is nothing to evaluate."))
    if tender.status == TenderStatus.AWARDED:
        raise ValidationError(_("The contract is awarded: the evaluation is closed."))
    if tender.status == TenderStatus.CANCELLED:
        raise ValidationError(_("The tender was cancelled."))


def _require_own_seat(actor: User, seat: PanelMember) -> None:
    if seat.user_id != actor.pk:
        raise PermissionDenied(_("Only the member who holds this seat can act in it."))


def _lock_seat(seat: PanelMember) -> tuple[Procurement, Tender, PanelMember]:
    procurement, tender = _lock(seat.tender)
    seat = PanelMember.objects.select_for_update().select_related("user").get(pk=seat.pk)
    seat.tender = tender
    return procurement, tender, seat


def _decimal(value: Any) -> Decimal | None:
    """``value`` as a finite ``Decimal``, or ``None`` when it is not a number."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _two_decimals(number: Decimal) -> bool:
    return number == number.quantize(Decimal("0.01"))


def _score_error(value: Any, criterion: Criterion) -> str | None:
    """Why ``value`` is not a score on ``criterion``'s scale, or ``None``."""
    number = _decimal(value)
    if number is None or not 0 <= number <= criterion.scale_max or not _two_decimals(number):
        return _("Give a score from 0 to %(max)d (at most two decimals).") % {
            "max": criterion.scale_max
        }
    return None


def _valid_bid_of(tender: Tender, bid: Bid) -> Bid:
    """``bid`` read afresh, if it belongs to ``tender`` and is still valid."""
    fresh = Bid.objects.filter(pk=getattr(bid, "pk", None), tender=tender).first()
    if fresh is None:
        raise ValidationError({"bid": _("This bid is not one of this tender's.")})
    if fresh.status != BidStatus.VALID:
        raise ValidationError(
            {
                "bid": _("This bid was %(status)s: it is not evaluated.")
                % {"status": fresh.get_status_display().lower()}
            }
        )
    return fresh


def _judged_criterion_of(tender: Tender, criterion: Criterion) -> Criterion:
    fresh = Criterion.objects.filter(pk=getattr(criterion, "pk", None), tender=tender).first()
    if fresh is None:
        raise ValidationError({"criterion": _("This criterion is not one of this tender's.")})
    if fresh.method != ScoringMethod.JUDGEMENT:
        raise ValidationError(
            {
                "criterion": _("“%(name)s” is computed by formula, not scored by the panel.")
                % {"name": fresh.name}
            }
        )
    return fresh


def _upload_message(rejected: UploadRejected) -> str:
    # As procurements.services.document_add: marked params (a kind's label)
    # have a translation, the others (extensions, sizes) come back as they are.
    params = {name: value and _(value) for name, value in rejected.params.items()}
    return _(uploads.MESSAGES[rejected.code]) % params


# --- Bids --------------------------------------------------------------------------------


@transaction.atomic
def bid_record(
    *,
    actor: User,
    tender: Tender,
    supplier_name: str,
    supplier_identifier: str = "",
    price: Decimal,
    currency: str = "EUR",
    summary: str = "",
    received_at: datetime.datetime | None,
) -> Bid:
    """Record a bid as received by the public body (``Action.RECORD_BID``).

    Preconditions: the tender is published and not awarded, and the panel has
    not started scoring (a bid added later would not be scored alike). The bid
    must have been received by the submission deadline: a late bid is refused.
    The price must be above 0 when a criterion scores it by formula. The audit
    event names the bid by its number only: the trail is readable before the
    opening, and must not unseal the bid.
    """
    procurement, tender = _lock(tender)
    require(actor, Action.RECORD_BID, procurement)
    if tender.status != TenderStatus.PUBLISHED:
        _require_evaluating(tender)
    if Score.objects.filter(bid__tender=tender).exists():
        raise ValidationError(
            _(
                "The panel has started scoring: a bid recorded now would not be scored like "
                "the others."
            )
        )
    errors: dict[str, str] = {}
    supplier_name = clean_plain(supplier_name)
    supplier_identifier = clean_plain(supplier_identifier)
    currency = clean_plain(currency).upper()
    summary = (summary or "").strip()
    if not supplier_name:
        errors["supplier_name"] = _("Name the supplier.")
    elif len(supplier_name) > SUPPLIER_MAX:
        errors["supplier_name"] = _("Keep the name under %(n)d characters.") % {"n": SUPPLIER_MAX}
    if len(supplier_identifier) > IDENTIFIER_MAX:
        errors["supplier_identifier"] = _("Keep the identifier under %(n)d characters.") % {
            "n": IDENTIFIER_MAX
        }
    amount = _decimal(price)
    if amount is None or amount < 0 or amount >= PRICE_LIMIT or not _two_decimals(amount):
        errors["price"] = _("Give the price as a positive amount with at most two decimals.")
    elif amount == 0 and tender.criteria.filter(method=ScoringMethod.LOWEST_PRICE).exists():
        errors["price"] = _("A price of 0 cannot be scored by the lowest-price formula.")
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        errors["currency"] = _("Give the currency as its three-letter code, e.g. EUR.")
    if len(summary) > TEXT_MAX:
        errors["summary"] = _("Keep the summary under %(n)d characters.") % {"n": TEXT_MAX}
    if received_at is None:
        errors["received_at"] = _("Say when the bid was received.")
    elif timezone.is_naive(received_at):
        errors["received_at"] = _("Give the moment with its time zone.")
    elif received_at > tender.submission_deadline:
        errors["received_at"] = _(
            "This bid was received after the deadline (%(deadline)s): a late bid cannot be "
            "recorded."
        ) % {
            "deadline": date_format(
                timezone.localtime(tender.submission_deadline), "DATETIME_FORMAT"
            )
        }
    elif received_at > timezone.now():
        errors["received_at"] = _("A bid cannot have been received in the future.")
    if errors:
        raise ValidationError(errors)
    bid = Bid.objects.create(
        tender=tender,
        supplier_name=supplier_name,
        supplier_identifier=supplier_identifier,
        price=amount,
        currency=currency,
        summary=summary,
        received_at=received_at,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="tendering.bid_record",
        target=bid,
        organisation_id=procurement.organisation_id,
        data={"procurement": procurement.slug, "tender": tender.pk, "bid": bid.pk},
    )
    return bid


@transaction.atomic
def bid_document_add(
    *,
    actor: User,
    bid: Bid,
    upload: IO[bytes],
    filename: str = "",
    title: str = "",
) -> BidDocument:
    """Attach a file to a valid bid (``Action.RECORD_BID``), before the award.

    The file is accepted only if ``procurements.uploads.check_upload`` accepts
    its type, size and first bytes; it is stored under its SHA-256, as
    procurement documents are. ``filename`` defaults to the upload's name and
    ``title`` to that name without its extension. The audit event names the
    bid and the document by number only (a file name may name the supplier).
    """
    procurement, tender = _lock(bid.tender)
    require(actor, Action.RECORD_BID, procurement)
    _require_evaluating(tender)
    bid = _valid_bid_of(tender, bid)
    filename = clean_plain((filename or getattr(upload, "name", "") or "").rsplit("/", 1)[-1])
    title = clean_plain(title) or filename.rsplit(".", 1)[0] or _("Document")
    errors: dict[str, str] = {}
    if len(title) > DOCUMENT_TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)d characters.") % {"n": DOCUMENT_TITLE_MAX}
    sha256, head, size = hash_and_head(upload)
    try:
        kind = check_upload(
            filename=filename, size=size, head=head, max_bytes=settings.DOCUMENT_MAX_BYTES
        )
    except UploadRejected as rejected:
        errors["file"] = _upload_message(rejected)
    if errors:
        raise ValidationError(errors)
    document = BidDocument(
        bid=bid,
        title=title,
        original_filename=filename[:255],
        extension=kind.extension,
        content_type=kind.content_type,
        size=size,
        sha256=sha256,
    )
    document.file.save("upload", File(upload), save=False)
    document.save()
    audit_record(
        actor=actor,
        action="tendering.bid_document_add",
        target=bid,
        organisation_id=procurement.organisation_id,
        data={"bid": bid.pk, "document": document.pk},
    )
    return document


def _set_bid_status(
    *, actor: User, bid: Bid, status: str, reason: str, action: str, sealed_ok: bool
) -> Bid:
    procurement, tender = _lock(bid.tender)
    require(actor, Action.RECORD_BID, procurement)
    if not (sealed_ok and bids_are_sealed(tender)):
        require_bids_readable(actor, procurement, tender)
    _require_evaluating(tender)
    bid = _valid_bid_of(tender, bid)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is kept with the bid.")})
    if len(reason) > TEXT_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": TEXT_MAX}}
        )
    sealed = bids_are_sealed(tender)
    bid.status = status
    bid.status_reason = reason
    bid.save(update_fields=["status", "status_reason", "updated_at"])
    data: dict[str, Any] = {"bid": bid.pk, "status": status}
    if not sealed:
        # A reason may name the supplier: kept out of the trail until the opening.
        data["reason"] = reason
    audit_record(
        actor=actor,
        action=action,
        target=bid,
        organisation_id=procurement.organisation_id,
        data=data,
    )
    return bid


@transaction.atomic
def bid_exclude(*, actor: User, bid: Bid, reason: str) -> Bid:
    """Exclude a valid bid from the evaluation, with the reason (``Action.RECORD_BID``).

    Only once the bids are opened and readable by ``actor`` (a conflicted
    officer cannot), and before the award. The bid and its scores stay on the
    record; it is no longer scored, moderated or ranked.
    """
    return _set_bid_status(
        actor=actor,
        bid=bid,
        status=BidStatus.EXCLUDED,
        reason=reason,
        action="tendering.bid_exclude",
        sealed_ok=False,
    )


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid, reason: str) -> Bid:
    """Record that the supplier withdrew a valid bid (``Action.RECORD_BID``).

    Allowed while the bids are sealed (suppliers withdraw before the deadline;
    the bid is then never opened) and after the opening for anyone who may read
    the bids, before the award. ``reason`` says how the withdrawal came.
    """
    return _set_bid_status(
        actor=actor,
        bid=bid,
        status=BidStatus.WITHDRAWN,
        reason=reason,
        action="tendering.bid_withdraw",
        sealed_ok=True,
    )


# --- The panel ---------------------------------------------------------------------------


@transaction.atomic
def panel_member_add(*, actor: User, tender: Tender, user: User | None, kind: str) -> PanelMember:
    """Give ``user`` a seat of ``kind`` on the tender's panel (``Action.MANAGE_PANEL``).

    One seat per person. A staff seat is for a member of the procurement's
    organisation; independent experts and community members may be any
    active user. The panel is seated while the tender is written or evaluated,
    not once moderation has begun (a new member would find the scores agreed).
    """
    procurement, tender = _lock(tender)
    require(actor, Action.MANAGE_PANEL, procurement)
    if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
        _require_evaluating(tender)
    if ModeratedScore.objects.filter(bid__tender=tender).exists():
        raise ValidationError(
            _("Moderation has begun: the panel can no longer change."),
        )
    errors: dict[str, str] = {}
    if kind not in PanelMemberKind.values:
        errors["kind"] = _("Choose the kind of seat.")
    if user is None or not user.is_active:
        errors["user"] = _("Choose a person with an active account.")
    elif PanelMember.objects.filter(tender=tender, user=user).exists():
        errors["user"] = _("%(name)s already has a seat on this panel.") % {"name": user}
    elif kind == PanelMemberKind.STAFF and not is_member(user, procurement.organisation_id):
        errors["user"] = _(
            "A staff seat is for a member of %(organisation)s. Seat %(name)s as an "
            "independent expert or a member of the affected community instead."
        ) % {"organisation": procurement.organisation.name, "name": user}
    if errors:
        raise ValidationError(errors)
    seat = PanelMember.objects.create(tender=tender, user=user, kind=kind, added_by=actor)
    audit_record(
        actor=actor,
        action="tendering.panel_member_add",
        target=seat,
        organisation_id=procurement.organisation_id,
        data={"tender": tender.pk, "seat": seat.pk, "user": user.pk, "kind": kind},
    )
    return seat


@transaction.atomic
def panel_member_remove(*, actor: User, seat: PanelMember) -> None:
    """Remove a seat from the panel (``Action.MANAGE_PANEL``), only while its
    member has scored nothing: scores once given stay on the record."""
    procurement, tender, seat = _lock_seat(seat)
    require(actor, Action.MANAGE_PANEL, procurement)
    _require_active(procurement)
    if tender.status == TenderStatus.AWARDED:
        _require_evaluating(tender)
    if seat.scores.exists():
        raise ValidationError(
            _("%(name)s has scored bids: a seat with scores stays on the record.")
            % {"name": seat.user}
        )
    data = {"tender": tender.pk, "seat": seat.pk, "user": seat.user_id, "kind": seat.kind}
    seat.delete()
    audit_record(
        actor=actor,
        action="tendering.panel_member_remove",
        target=tender,
        organisation_id=procurement.organisation_id,
        data=data,
    )


@transaction.atomic
def interests_declare(
    *, actor: User, seat: PanelMember, has_conflict: bool, statement: str = ""
) -> PanelMember:
    """The seat's own member declares their interests, before seeing any bid.

    Declared once. A declared conflict needs a statement and removes the
    member's access to bids and scores for good; their scores, if any, are
    left out of moderation and results. A member who declared no conflict may
    still declare one later (a bidder they only learn of at the opening); that
    also withdraws a submission, since only members clear of conflicts submit.
    Nothing can be declared once the contract is awarded. The statement stays
    out of the audit trail: it is personal and the trail forgets nothing.
    """
    procurement, tender, seat = _lock_seat(seat)
    _require_own_seat(actor, seat)
    _require_active(procurement)
    if tender.status in (TenderStatus.AWARDED, TenderStatus.CANCELLED):
        _require_evaluating(tender)
    later = seat.declared_at is not None
    if later and seat.has_conflict:
        raise ValidationError(_("You have already declared a conflict of interest."))
    if later and not has_conflict:
        raise ValidationError(_("You have already declared your interests."))
    statement = (statement or "").strip()
    if has_conflict and not statement:
        raise ValidationError(
            {"statement": _("Describe the conflict: who or what it involves, and how.")}
        )
    if len(statement) > TEXT_MAX:
        raise ValidationError(
            {"statement": _("Keep the statement under %(n)d characters.") % {"n": TEXT_MAX}}
        )
    seat.declared_at = seat.declared_at or timezone.now()
    seat.has_conflict = bool(has_conflict)
    seat.conflict_statement = statement
    withdrawn = bool(has_conflict and seat.submitted_at)
    if has_conflict:
        seat.submitted_at = None
    seat.save(
        update_fields=[
            "declared_at",
            "has_conflict",
            "conflict_statement",
            "submitted_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="tendering.interests_declare",
        target=seat,
        organisation_id=procurement.organisation_id,
        data={
            "seat": seat.pk,
            "conflict": seat.has_conflict,
            "after_declaring_none": later,
            "submission_withdrawn": withdrawn,
        },
    )
    return seat


# --- Scores ------------------------------------------------------------------------------


def _require_scoring(actor: User, procurement: Procurement, tender: Tender, seat: PanelMember):
    _require_own_seat(actor, seat)
    require_bids_readable(actor, procurement, tender, seat=seat)
    _require_active(procurement)
    _require_evaluating(tender)
    if seat.submitted_at is not None:
        raise ValidationError(_("You have submitted your scores: they can no longer change."))


@transaction.atomic
def score_save(
    *,
    actor: User,
    seat: PanelMember,
    bid: Bid,
    criterion: Criterion,
    score: Decimal,
    justification: str,
) -> Score:
    """Save the member's own score of ``bid`` on ``criterion``, with its justification.

    Only the seat's own member, clear of conflicts, once the bids are open,
    before they submit. The criterion must be scored by the panel (price by
    formula is computed), the bid valid, the score within 0 to the criterion's
    top of the scale. Saving again replaces the score. The audit event names
    the cell only: other members may read the trail before they submit.
    """
    procurement, tender, seat = _lock_seat(seat)
    _require_scoring(actor, procurement, tender, seat)
    bid = _valid_bid_of(tender, bid)
    criterion = _judged_criterion_of(tender, criterion)
    errors: dict[str, str] = {}
    problem = _score_error(score, criterion)
    if problem:
        errors["score"] = problem
    justification = (justification or "").strip()
    if not justification:
        errors["justification"] = _("Justify the score: say what in the bid earns it.")
    elif len(justification) > TEXT_MAX:
        errors["justification"] = _("Keep the justification under %(n)d characters.") % {
            "n": TEXT_MAX
        }
    if errors:
        raise ValidationError(errors)
    row, created = Score.objects.update_or_create(
        member=seat,
        bid=bid,
        criterion=criterion,
        defaults={"score": _decimal(score), "justification": justification},
    )
    audit_record(
        actor=actor,
        action="tendering.score_save",
        target=row,
        organisation_id=procurement.organisation_id,
        data={"seat": seat.pk, "bid": bid.pk, "criterion": criterion.pk, "new": created},
    )
    return row


@transaction.atomic
def scores_submit(*, actor: User, seat: PanelMember) -> PanelMember:
    """Make the member's scores final, once every valid bid is scored on every
    criterion the panel scores. After this, no edit; the member then sees the
    other members' submitted scores."""
    procurement, tender, seat = _lock_seat(seat)
    _require_scoring(actor, procurement, tender, seat)
    bids = list(
        Bid.objects.filter(tender=tender, status=BidStatus.VALID).values_list("pk", flat=True)
    )
    criteria = [c.pk for c in judged(Criterion.objects.filter(tender=tender))]
    if not bids or not criteria:
        raise ValidationError(_("There is nothing to score yet."))
    have = set(
        Score.objects.filter(member=seat, bid_id__in=bids, criterion_id__in=criteria).values_list(
            "bid_id", "criterion_id"
        )
    )
    missing = len(bids) * len(criteria) - len(have)
    if missing:
        raise ValidationError(
            ngettext(
                "%(count)d score is missing: score every bid on every criterion before you "
                "submit.",
                "%(count)d scores are missing: score every bid on every criterion before you "
                "submit.",
                missing,
            )
            % {"count": missing}
        )
    seat.submitted_at = timezone.now()
    seat.save(update_fields=["submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="tendering.scores_submit",
        target=seat,
        organisation_id=procurement.organisation_id,
        data={"seat": seat.pk, "scores": len(have)},
    )
    return seat


# --- Moderation --------------------------------------------------------------------------


def _shown(number: Decimal) -> str:
    """``number`` without trailing zeros: 3, 3.5."""
    return f"{number.normalize():f}"


def reason_needed_message(individual: list[Decimal], agreed: Decimal) -> str:
    """Why moderating to ``agreed`` must be justified (see ``scoring.needs_reason``)."""
    if not individual:
        return _("No member scored this: say why the panel agreed %(agreed)s.") % {
            "agreed": _shown(agreed)
        }
    low, high = min(individual), max(individual)
    if not low <= agreed <= high:
        return _(
            "The agreed score %(agreed)s lies outside the members' own scores (%(low)s to "
            "%(high)s): say why the panel moved it."
        ) % {"agreed": _shown(agreed), "low": _shown(low), "high": _shown(high)}
    ordered = sorted(individual)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return _(
        "The agreed score %(agreed)s is more than 1 point from the middle of the members' "
        "own scores (%(median)s): say why the panel moved it."
    ) % {"agreed": _shown(agreed), "median": _shown(median)}


@transaction.atomic
def score_moderate(
    *, actor: User, bid: Bid, criterion: Criterion, score: Decimal, reason: str = ""
) -> ModeratedScore:
    """Record the score the panel agreed for ``bid`` on ``criterion`` (``Action.MODERATE_SCORES``).

    Only once every member clear of conflicts has submitted (and every member
    has declared). A reason is required when the agreed score is not backed by
    the members' own submitted scores (``scoring.needs_reason``); the message
    says why. Recording again replaces the agreed score.
    """
    procurement, tender = _lock(bid.tender)
    require(actor, Action.MODERATE_SCORES, procurement)
    require_bids_readable(actor, procurement, tender)
    _require_evaluating(tender)
    progress = moderation_progress(tender)
    if not progress.moderation_open:
        raise ValidationError(
            [_("Moderation starts once the panel has scored."), *progress.blockers]
        )
    bid = _valid_bid_of(tender, bid)
    criterion = _judged_criterion_of(tender, criterion)
    problem = _score_error(score, criterion)
    if problem:
        raise ValidationError({"score": problem})
    agreed = _decimal(score)
    individual = [
        row.score
        for row in Score.objects.filter(
            bid=bid,
            criterion=criterion,
            member__submitted_at__isnull=False,
            member__has_conflict=False,
        )
    ]
    reason = (reason or "").strip()
    if len(reason) > TEXT_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": TEXT_MAX}}
        )
    if not reason and scoring.needs_reason(individual, agreed):
        raise ValidationError({"reason": reason_needed_message(individual, agreed)})
    row, created = ModeratedScore.objects.update_or_create(
        bid=bid,
        criterion=criterion,
        defaults={"score": agreed, "reason": reason, "recorded_by": actor},
    )
    audit_record(
        actor=actor,
        action="tendering.score_moderate",
        target=row,
        organisation_id=procurement.organisation_id,
        data={
            "bid": bid.pk,
            "criterion": criterion.pk,
            "score": str(agreed),
            "individual": [str(value) for value in sorted(individual)],
            "reason": reason,
            "new": created,
        },
    )
    return row


# --- The award ---------------------------------------------------------------------------


@transaction.atomic
def award_record(
    *,
    actor: User,
    tender: Tender,
    bid: Bid,
    rationale: str,
    decided_on: datetime.date | None = None,
) -> Award:
    """Record the award to ``bid``, with its rationale (``Action.AWARD``).

    Preconditions: every valid bid has an agreed score on every criterion the
    panel scores; ``bid`` is valid; the rationale has at least 20 characters
    (it is published); the date is not in the future nor before the opening.
    The ranking of that moment is kept in ``Award.totals`` (see
    ``selectors.evaluation.Results.totals_snapshot``) and the tender becomes
    awarded, which the gate check ``award_recorded`` then sees. The gate
    decision itself is taken on the procurement's gate page.
    """
    procurement, tender = _lock(tender)
    require(actor, Action.AWARD, procurement)
    require_bids_readable(actor, procurement, tender)
    _require_evaluating(tender)
    errors: dict[str, str] = {}
    chosen = Bid.objects.filter(pk=getattr(bid, "pk", None), tender=tender).first()
    if chosen is None or chosen.status != BidStatus.VALID:
        errors["bid"] = _("Choose one of the valid bids.")
    rationale = (rationale or "").strip()
    if len(rationale) < RATIONALE_MIN:
        errors["rationale"] = _(
            "Explain the decision in at least %(n)d characters: the rationale is published."
        ) % {"n": RATIONALE_MIN}
    elif len(rationale) > TEXT_MAX:
        errors["rationale"] = _("Keep the rationale under %(n)d characters.") % {"n": TEXT_MAX}
    today = timezone.localdate()
    decided_on = decided_on or today
    if decided_on > today:
        errors["decided_on"] = _("The decision cannot be dated in the future.")
    elif decided_on < timezone.localtime(tender.opening_at).date():
        errors["decided_on"] = _("The decision cannot be dated before the bids were opened.")
    ranking = results(tender)
    if not ranking.complete:
        raise ValidationError(ranking.message)
    if errors:
        raise ValidationError(errors)
    rank = next(row.rank for row in ranking.ranking if row.bid.pk == chosen.pk)
    award = Award.objects.create(
        tender=tender,
        bid=chosen,
        rationale=rationale,
        decided_on=decided_on,
        totals=ranking.totals_snapshot(),
        recorded_by=actor,
    )
    tender.status = TenderStatus.AWARDED
    tender.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="tendering.award_record",
        target=award,
        organisation_id=procurement.organisation_id,
        data={
            "tender": tender.pk,
            "bid": chosen.pk,
            "supplier": chosen.supplier_name,
            "rank": rank,
            "decided_on": decided_on.isoformat(),
            "rationale": rationale,
        },
    )
    return award


@transaction.atomic
def scores_publish(*, actor: User, tender: Tender, publish: bool) -> Tender:
    """Show (or hide again) each evaluator's scores on the public page.

    For the roles that award (``Action.AWARD``'s roles, at any later stage:
    publishing is about the record, not the evaluation), once the award is
    recorded. Evaluators are shown anonymised by the public page.
    """
    procurement, tender = _lock(tender)
    if not roles_in(actor, procurement.organisation_id) & roles_allowed(Action.AWARD):
        raise PermissionDenied(
            _("Your roles do not allow you to %(action)s.") % {"action": Action.AWARD.label}
        )
    if tender.status != TenderStatus.AWARDED:
        raise ValidationError(
            _("Each evaluator's scores can be published once the award is recorded.")
        )
    tender.publish_individual_scores = bool(publish)
    tender.save(update_fields=["publish_individual_scores", "updated_at"])
    audit_record(
        actor=actor,
        action="tendering.scores_publish",
        target=tender,
        organisation_id=procurement.organisation_id,
        data={"tender": tender.pk, "publish": tender.publish_individual_scores},
    )
    return tender
