"""Who reaches a contract outside the public body's own roles: its supplier.

Staff reach contracts through ``procurements.access`` (roles and stage
features). A supplier is not a member of the public body: a
:class:`~participai.contracts.models.SupplierAccess` row, granted by an
officer, lets one person in to one contract, and nothing else.
"""

from __future__ import annotations

from django.http import Http404

from participai.accounts.models import User

from .models import Contract, SupplierAccess


def access_supplier_contract(user: User, slug: str) -> Contract:
    """The contract of procurement ``slug`` if ``user`` has supplier access to
    it, with its procurement and organisation loaded; ``Http404`` otherwise
    (whether or not the procurement exists, so contracts cannot be probed for)."""
    if not user.is_authenticated:
        raise Http404("No such contract among yours.")
    access = (
        SupplierAccess.objects.select_related("contract__procurement__organisation")
        .filter(user=user, contract__procurement__slug=slug)
        .first()
    )
    if access is None:
        raise Http404("No such contract among yours.")
    return access.contract
