"""The supplier's access to its own contract, and the lock every monitoring write takes.

A supplier's person is not a member of the public body: a
:class:`~participai.contracts.models.SupplierAccess` row, granted by an
officer (``Action.GRANT_SUPPLIER_ACCESS``), lets them see that one contract
and enter its measurements while its procurement is being monitored (a stage
enabling ``Feature.MONITORING``, procurement active). Nothing else.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.procurements import lifecycle
from participai.procurements.access import Action, can, is_member, require
from participai.procurements.lifecycle import Feature
from participai.procurements.models import Procurement, ProcurementStatus

from ..models import Contract, ContractStatus, MeasurementSource, SupplierAccess
from ._common import _audit


def has_supplier_access(user: User, contract: Contract) -> bool:
    """Has ``user`` been given access to ``contract`` as its supplier?"""
    return (
        user.is_authenticated
        and SupplierAccess.objects.filter(contract=contract, user=user).exists()
    )


def supplier_may_record(procurement: Procurement) -> bool:
    """May a supplier with access enter measurements now? While the stage
    enables monitoring and the procurement is active, as staff."""
    return procurement.status == ProcurementStatus.ACTIVE and lifecycle.stage(
        procurement.stage
    ).enables_feature(Feature.MONITORING)


def _locked_monitored(
    actor: User, contract_id: int, action: Action, *, supplier_ok: bool = False
) -> tuple[Contract, str]:
    """Contract ``contract_id`` under its procurement's lock, once ``actor``
    may do ``action`` on it, and the source their writes carry: staff with
    the right, or (when ``supplier_ok``) the contract's supplier while it is
    monitored. ``PermissionDenied`` otherwise; ``ValidationError`` when the
    contract is not signed (nothing is monitored before signature)."""
    procurement_id = Contract.objects.values_list("procurement_id", flat=True).get(pk=contract_id)
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=procurement_id)
    )
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    contract.procurement = procurement
    if can(actor, action, procurement):
        source = MeasurementSource.STAFF
    elif supplier_ok and has_supplier_access(actor, contract) and supplier_may_record(procurement):
        source = MeasurementSource.SUPPLIER
    else:
        if supplier_ok and has_supplier_access(actor, contract):
            raise PermissionDenied(
                _("Measurements are entered only while the contract is being monitored.")
            )
        require(actor, action, procurement)
        raise PermissionDenied  # pragma: no cover (require raised)
    if contract.status != ContractStatus.SIGNED:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("The contract is not signed yet: nothing is monitored.")}
        )
    return contract, source


@transaction.atomic
def supplier_access_grant(*, actor: User, contract: Contract, user: User) -> SupplierAccess:
    """Let ``user`` see ``contract`` and enter its measurements as its supplier
    (``Action.GRANT_SUPPLIER_ACCESS``; signed contract).

    Refused (``ValidationError`` on ``user``): an inactive account, a member
    of the public body (members see the contract through their roles), and
    someone who already has access.
    """
    contract, _source = _locked_monitored(actor, contract.pk, Action.GRANT_SUPPLIER_ACCESS)
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    if is_member(user, contract.procurement.organisation_id):
        raise ValidationError(
            {
                "user": _(
                    "%(user)s is a member of %(organisation)s: members see the contract "
                    "through their roles, not as its supplier."
                )
                % {"user": user.get_username(), "organisation": contract.procurement.organisation}
            }
        )
    if SupplierAccess.objects.filter(contract=contract, user=user).exists():
        raise ValidationError(
            {"user": _("%(user)s already has access.") % {"user": user.get_username()}}
        )
    access = SupplierAccess.objects.create(contract=contract, user=user, granted_by=actor)
    _audit(
        actor,
        "contracts.supplier_access_grant",
        access,
        contract,
        user=user.pk,
        username=user.get_username(),
    )
    return access


@transaction.atomic
def supplier_access_revoke(*, actor: User, access: SupplierAccess) -> None:
    """Take a supplier's person's access away (``Action.GRANT_SUPPLIER_ACCESS``).
    The measurements they entered stay, with who entered them."""
    contract, _source = _locked_monitored(actor, access.contract_id, Action.GRANT_SUPPLIER_ACCESS)
    access = SupplierAccess.objects.select_related("user").filter(pk=access.pk).first()
    if access is None:
        raise ValidationError({NON_FIELD_ERRORS: _("This access was already revoked.")})
    _audit(
        actor,
        "contracts.supplier_access_revoke",
        access,
        contract,
        user=access.user_id,
        username=access.user.get_username(),
    )
    access.delete()
