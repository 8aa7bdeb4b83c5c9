"""Writes about people, organisations and roles; each one audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from participai.core.audit import audit_record
from participai.core.text import clean_plain

from .models import Membership, Organisation, User
from .roles import Role


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    country: str,
    kind: str = Organisation.Kind.MUNICIPALITY,
    slug: str = "",
    description: str = "",
    website: str = "",
) -> Organisation:
    """Create a public body. The slug is derived from the name when not given."""
    organisation = Organisation(
        name=clean_plain(name),
        slug=slug or slugify(name)[:80],
        country=country.upper(),
        kind=kind,
        description=description,
        website=website,
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.created",
        target=organisation,
        organisation_id=organisation.id,
        data={"name": organisation.name, "country": organisation.country},
    )
    return organisation


@transaction.atomic
def membership_grant(
    *, actor: User | None, organisation: Organisation, user: User, role: str
) -> Membership:
    """Give ``user`` the ``role`` in ``organisation``; granting a held role is a no-op."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        audit_record(
            actor=actor,
            action="membership.granted",
            target=membership,
            organisation_id=organisation.id,
            data={"user": user.username, "role": role},
        )
    user.__dict__.pop("_participai_roles", None)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    """Remove one role from a member, recording who did it."""
    audit_record(
        actor=actor,
        action="membership.revoked",
        target=membership,
        organisation_id=membership.organisation_id,
        data={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()
    # Roles are cached on the user object for the request; forget them.
    membership.user.__dict__.pop("_participai_roles", None)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a login. ``password=None`` makes an account that cannot log in."""
    user = User(
        username=username,
        email=email,
        display_name=clean_plain(display_name),
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=None,
        action="user.created",
        target=user,
        data={"username": username, "superuser": is_superuser},
    )
    return user
