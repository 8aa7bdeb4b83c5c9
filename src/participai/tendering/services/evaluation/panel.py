"""The panel: seats given and removed by the procurement team, and each
member's declaration of interests, made before they see any bid.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.procurements.access import Action, is_member, require

from ...models import ModeratedScore, PanelMember, PanelMemberKind, Tender, TenderStatus
from ._common import (
    TEXT_MAX,
    _lock,
    _lock_seat,
    _require_active,
    _require_evaluating,
    _require_own_seat,
)


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
