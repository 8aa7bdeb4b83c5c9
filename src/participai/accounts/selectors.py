"""Reads about people, organisations and roles."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Membership, Organisation, User


def roles_by_organisation(user: User) -> dict[int, frozenset[str]]:
    """Map organisation id → the roles ``user`` holds there (empty for anonymous).

    Cached on the user object for the request, since access checks ask often.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_participai_roles", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = {}
    for org_id, role in Membership.objects.filter(user=user).values_list(
        "organisation_id", "role"
    ):
        roles.setdefault(org_id, set()).add(role)
    result = {org_id: frozenset(r) for org_id, r in roles.items()}
    user._participai_roles = result
    return result


def organisations_of(user: User) -> QuerySet[Organisation]:
    """The organisations in which ``user`` holds any role."""
    return Organisation.objects.filter(id__in=list(roles_by_organisation(user))).order_by("name")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__username", "role")
    )
