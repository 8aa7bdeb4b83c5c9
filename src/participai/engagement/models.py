"""The actor map and the engagement plan of a procurement.

The toolbox itself is data (``toolbox.py``); activities of a plan name a
mechanism by its catalogue key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel
from participai.core.vocabulary import ACTOR_KINDS, DEPTHS, SECTORS
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from .labels import ACTOR_KIND_LABELS, DEPTH_LABELS, SECTOR_LABELS

ACTOR_KIND_CHOICES = [(key, ACTOR_KIND_LABELS[key]) for key in ACTOR_KINDS]
SECTOR_CHOICES = [(key, SECTOR_LABELS[key]) for key in SECTORS]
DEPTH_CHOICES = [(key, DEPTH_LABELS[key]) for key in DEPTHS]
SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Actor(TimeStampedModel):
    """Someone with a stake in a procurement: a person, a group or a body.

    ``kind`` is the role they play (DOMAIN.md §4; the proportionality rules
    count actors by kind), ``influence`` and ``interest`` place them on the
    power-interest grid (1 to 5). ``source`` says where the actor came from
    when it was suggested (e.g. ``"fria"`` for an affected group named in the
    fundamental rights assessment).
    """

    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="actors")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("role"), max_length=40, choices=ACTOR_KIND_CHOICES)
    sector = models.CharField(_("sector"), max_length=40, choices=SECTOR_CHOICES)
    is_affected = models.BooleanField(_("affected by the system"), default=False)
    influence = models.PositiveSmallIntegerField(_("influence (1–5)"), validators=SCALE)
    interest = models.PositiveSmallIntegerField(_("interest (1–5)"), validators=SCALE)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "name"]
        verbose_name = _("actor")
        constraints = [
            models.UniqueConstraint(fields=["procurement", "name"], name="actor_name_per_map"),
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5),
                name="actor_influence_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(interest__gte=1, interest__lte=5),
                name="actor_interest_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Involvement(models.Model):
    """How deeply an actor takes part in one stage (inform … empower)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="involvements")
    stage = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    depth = models.CharField(_("involvement"), max_length=20, choices=DEPTH_CHOICES)

    class Meta:
        ordering = ["actor", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "stage"], name="one_involvement_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.actor} · {self.stage} · {self.depth}"


class ActivityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityOrigin(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    ADDED = "added", _("Added by the team")


class EngagementActivity(TimeStampedModel):
    """One activity of the engagement plan: a toolbox mechanism run at a stage
    with some actors.

    ``obligation_key`` names the proportionality obligation the activity
    answers, if any; ``reason`` is why the recommender proposed it.
    """

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="engagement_activities"
    )
    mechanism_key = models.CharField(_("mechanism"), max_length=80)
    stage = models.CharField(_("stage"), max_length=40, choices=lifecycle.STAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    target_actors = models.ManyToManyField(
        Actor, blank=True, related_name="activities", verbose_name=_("target actors")
    )
    target_kinds = models.JSONField(default=list, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    outputs = models.TextField(_("outputs"), blank=True)
    origin = models.CharField(
        max_length=20, choices=ActivityOrigin.choices, default=ActivityOrigin.ADDED
    )
    obligation_key = models.CharField(max_length=80, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "starts_on", "id"]
        verbose_name = _("engagement activity")
        verbose_name_plural = _("engagement activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title
