"""Scores: each member's own scores with their justifications, their
submission, and the moderation that records the score the panel agreed.

A member's score or justification never goes into the audit trail before
moderation: the events name the cell only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ... import scoring
from ...access import require_bids_readable
from ...models import (
    Bid,
    BidStatus,
    Criterion,
    ModeratedScore,
    PanelMember,
    Score,
    ScoringMethod,
    Tender,
)
from ...selectors.evaluation import judged, moderation_progress
from ._common import (
    TEXT_MAX,
    _decimal,
    _lock,
    _lock_seat,
    _require_active,
    _require_evaluating,
    _require_own_seat,
    _two_decimals,
    _valid_bid_of,
)


def _score_error(value: Any, criterion: Criterion) -> str | None:
    """Why ``value`` is not a score on ``criterion``'s scale, or ``None``."""
    number = _decimal(value)
    if number is None or not 0 <= number <= criterion.scale_max or not _two_decimals(number):
        return _("Give a score from 0 to %(max)d (at most two decimals).") % {
            "max": criterion.scale_max
        }
    return None


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
