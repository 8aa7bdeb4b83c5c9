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


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("At once, one mail each time")
    DAILY = "daily", _("Once a day, in a digest")
    NEVER = "never", _("Never")


class Participant(TimeStampedModel):
    """Someone taking part in a participation process.

    Either an account holder (``user`` set) or a guest known only by a
    pseudonym, optionally confirmed through a one-time code sent to
    ``email``. Every contribution, support and vote points here, so one
    person counts once whichever way they came in. ``removed_at`` is set when
    the person deleted their data: the row stays so that threads keep their
    shape, but nothing that identifies them does.
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="participant"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=60)
    email = models.EmailField(_("email"), blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # A salted hash of the one-time code, never the code itself.
    code_hash = models.CharField(max_length=200, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)
    email_frequency = models.CharField(
        _("email me"),
        max_length=20,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATELY,
    )

    class Meta:
        verbose_name = _("participant")

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def audit_label(self) -> str:
        """How the audit trail names a participant: never by pseudonym, which
        the person may delete while the trail is kept for good."""
        return f"participant {self.pk}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def verification(self) -> str:
        """``account``, ``confirmed`` (a guest who confirmed a code) or ``guest``."""
        if self.user_id is not None:
            return "account"
        return "confirmed" if self.confirmed_at else "guest"
