"""Users, public bodies and the roles people hold in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel

from .roles import Role


class User(AbstractUser):
    """A person with a login: staff of a public body, or a resident.

    Staff are users with at least one :class:`Membership`; residents have none.
    ``display_name`` is what others see; it may be a pseudonym.
    """

    display_name = models.CharField(_("display name"), max_length=120, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Organisation(TimeStampedModel):
    """A public body that procures AI: a council, a region, an agency."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality or city council")
        REGION = "region", _("Regional government")
        NATIONAL = "national", _("National government or agency")
        HEALTH = "health", _("Health body")
        OTHER = "other", _("Other public body")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """One role held by one user in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_role_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
