"""The review of a deployed system, its exit checklist, and the lessons learned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from .contract import Contract


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    CHANGE = "change", _("Continue with changes")
    REPROCURE = "reprocure", _("Procure again")
    EXIT = "exit", _("Exit")


class Review(TimeStampedModel):
    """The evaluation of outcomes against the mission and the KPIs, and the decision.

    ``sessions`` are the participation processes where people reviewed the
    system with the team.
    """

    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="reviews")
    outcomes = models.TextField(_("outcomes against the mission"))
    kpi_assessment = models.TextField(_("what the KPIs show"))
    sessions = models.ManyToManyField(
        "participation.Process", blank=True, related_name="+", verbose_name=_("review sessions")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    rationale = models.TextField(_("why"))
    decided_on = models.DateField(_("decided on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "-decided_on", "-id"]
        verbose_name = _("review")

    def __str__(self) -> str:
        return f"{self.procurement}: {self.get_decision_display()}"


class ExitStepKind(models.TextChoices):
    DATA_RETURNED = "data_returned", _("Data returned to the public body")
    DATA_DESTROYED = "data_destroyed", _("Data destroyed by the supplier, with a certificate")
    HANDOVER = "handover", _("Handover to a new supplier or in-house")
    NOTICES = "notices", _("Notices to the people affected and the public")
    OTHER = "other", _("Other step")


class ExitStep(TimeStampedModel):
    """One step of the exit plan executed as a checklist."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="exit_steps")
    kind = models.CharField(_("step"), max_length=20, choices=ExitStepKind.choices)
    description = models.TextField(_("what is to be done"))
    owner = models.CharField(_("owner"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("what shows it is done"), blank=True)

    class Meta:
        ordering = ["contract", "due_on", "id"]
        verbose_name = _("exit step")

    def __str__(self) -> str:
        return self.get_kind_display()


class Lesson(TimeStampedModel):
    """Lessons learned, written at review or when a procurement is stopped at a gate.

    ``tags`` are short keywords for the knowledge library; ``shareable`` is the
    organisation's consent to share the lesson with other public bodies.
    """

    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="lessons")
    stage = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    what_worked = models.TextField(_("what worked"))
    what_failed = models.TextField(_("what failed, and why"))
    do_differently = models.TextField(_("what we would do differently"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    shareable = models.BooleanField(_("may be shared with other public bodies"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "-created_at", "-id"]
        verbose_name = _("lesson learned")

    def __str__(self) -> str:
        return f"{self.procurement}: {self.what_worked[:40]}"
