"""Moderators' writes: hide a contribution with a public reason, restore it,
or dismiss the flags on one that stays.

Each needs ``Action.MODERATE`` on the contribution's procurement (the
organisation admin or a moderator), resolves the open flags, and writes an
audit event whose reason the public thread shows. :func:`flags_resolve` is
the step other writes share (an author removing their words, a participant
deleting their data): nothing is left to judge once the text is gone.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require

from ..models import Contribution, ContributionKind, ContributionStatus, Flag
from .insights import opinion_groups_request, topics_request

REASON_MAX = 500


def _locked(actor: User, contribution: Contribution) -> Contribution:
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("module__process__procurement")
        .get(pk=contribution.pk)
    )
    require(actor, Action.MODERATE, contribution.module.process.procurement)
    return contribution


def _clean_reason(reason: str) -> str:
    reason = clean_plain(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why; the reason is shown in the thread.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most 500 characters.")})
    return reason


def flags_resolve(contributions: QuerySet[Contribution], *, now: datetime | None = None) -> int:
    """Close the open flags on ``contributions`` and set their ``flag_count``
    (which counts open flags only) back to zero; returns how many flags were
    closed. No right is checked and nothing audited: it is one step of a
    write that does both (moderating, or an author taking their words back,
    after which nothing is left to judge), inside that write's transaction."""
    resolved = Flag.objects.filter(
        contribution__in=contributions, resolved_at__isnull=True
    ).update(resolved_at=now or timezone.now())
    contributions.filter(flag_count__gt=0).update(flag_count=0)
    return resolved


def _resolve_flags(contribution: Contribution) -> int:
    return flags_resolve(Contribution.objects.filter(pk=contribution.pk))


def _set_status(
    actor: User, contribution: Contribution, status: str, reason: str, action: str
) -> Contribution:
    # Rights first: someone who may not moderate learns that, not what a reason needs.
    contribution = _locked(actor, contribution)
    reason = _clean_reason(reason)
    if contribution.status == ContributionStatus.REMOVED:
        raise ValidationError(_("Its author removed it; there is nothing to moderate."))
    if contribution.status == status:
        return contribution
    contribution.status = status
    contribution.moderation_reason = reason
    contribution.save(update_fields=["status", "moderation_reason", "updated_at"])
    resolved = _resolve_flags(contribution)
    audit_record(
        actor=actor,
        action=action,
        target=contribution,
        organisation_id=contribution.module.process.procurement.organisation_id,
        data={"reason": reason, "flags_resolved": resolved},
    )
    if contribution.kind == ContributionKind.STATEMENT:
        # A hidden statement is moderated out of the opinion groups; a
        # restored one comes back in.
        opinion_groups_request(module=contribution.module)
    else:
        topics_request(module=contribution.module)
    return contribution


@transaction.atomic
def contribution_hide(*, actor: User, contribution: Contribution, reason: str) -> Contribution:
    """Hide a visible contribution; the thread shows that it was hidden and why."""
    return _set_status(
        actor, contribution, ContributionStatus.HIDDEN, reason, "contribution.hidden"
    )


@transaction.atomic
def contribution_restore(*, actor: User, contribution: Contribution, reason: str) -> Contribution:
    """Show a hidden contribution again, saying why."""
    return _set_status(
        actor, contribution, ContributionStatus.VISIBLE, reason, "contribution.restored"
    )


@transaction.atomic
def flags_dismiss(*, actor: User, contribution: Contribution) -> int:
    """Keep the contribution as it is and close its open flags; returns how many."""
    contribution = _locked(actor, contribution)
    resolved = _resolve_flags(contribution)
    if resolved:
        audit_record(
            actor=actor,
            action="contribution.flags_dismissed",
            target=contribution,
            organisation_id=contribution.module.process.procurement.organisation_id,
            data={"flags_resolved": resolved},
        )
    return resolved
