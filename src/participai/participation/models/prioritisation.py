"""Prioritisation modules: items to prioritise and each participant's ballot.

The module's ``config["method"]`` is ``dots`` (spread a fixed budget of
points, ``config["budget"]``, over the items) or ``ranking`` (put every item
in order). Items are requirements or criteria being weighed; their totals
are kept by the services in the ballot's transaction, never recounted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import Participant

from .processes import Channel, Module


class PrioritisationMethod(models.TextChoices):
    DOTS = "dots", _("Dot voting with a budget of points")
    RANKING = "ranking", _("Ranking in order")


class PriorityItem(models.Model):
    """Something to prioritise: a requirement, a criterion, a need.

    ``points`` is the sum of the dots given to it; ``rank_score`` its Borda
    score (an item ranked first of n gets n, last gets 1); ``ballot_count``
    the ballots that gave it points or a rank.
    """

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="priority_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveIntegerField(default=0)
    rank_score = models.PositiveIntegerField(default=0)
    ballot_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["module", "position", "pk"]
        verbose_name = _("item to prioritise")

    def __str__(self) -> str:
        return self.title


class PriorityBallot(models.Model):
    """One participant's dots or ranking in one module; at most one each,
    replaced when they vote again while the module is open."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="priority_ballots")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="priority_ballots"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "created_at", "pk"]
        verbose_name = _("prioritisation ballot")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "participant"], name="one_priority_ballot_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"ballot {self.participant_id} → module {self.module_id}"


class PriorityAllocation(models.Model):
    """What one ballot gives one item: ``points`` (dots) or ``rank`` (1 is first)."""

    ballot = models.ForeignKey(
        PriorityBallot, on_delete=models.CASCADE, related_name="allocations"
    )
    item = models.ForeignKey(PriorityItem, on_delete=models.CASCADE, related_name="allocations")
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("allocation")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "item"], name="one_allocation_per_item"),
            models.CheckConstraint(
                condition=Q(points__isnull=False, points__gt=0, rank__isnull=True)
                | Q(points__isnull=True, rank__isnull=False, rank__gt=0),
                name="allocation_points_or_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} → {self.item_id}"
