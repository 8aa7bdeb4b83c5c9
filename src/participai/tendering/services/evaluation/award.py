"""The award, with its published rationale, and the publication of each
evaluator's scores once it is recorded.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.procurements.access import Action, require, roles_allowed, roles_in

from ...access import require_bids_readable
from ...models import Award, Bid, BidStatus, Tender, TenderStatus
from ...selectors.evaluation import results
from ._common import TEXT_MAX, _lock, _require_evaluating

RATIONALE_MIN = 20


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
