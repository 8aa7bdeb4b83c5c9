"""Impact assessments of a procurement: drafts, and completed versions kept for good."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel
from participai.procurements import lifecycle
from participai.procurements.models import Procurement


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class ImpactAssessment(TimeStampedModel):
    """One answering of the impact questionnaire for a procurement.

    Invariants: ``number`` counts 1, 2, … per procurement; at most one draft
    per procurement; a completed assessment never changes again (a
    reassessment is a new number, and the earlier ones are kept).
    ``result`` is the score snapshot taken on completion.
    """

    class Immutable(Exception):
        pass

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="impact_assessments"
    )
    number = models.PositiveIntegerField()
    questionnaire_id = models.CharField(max_length=80)
    questionnaire_version = models.CharField(max_length=20)
    stage = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    answers = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["procurement", "number"]
        verbose_name = _("impact assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "number"], name="assessment_number_per_procurement"
            ),
            models.UniqueConstraint(
                fields=["procurement"],
                condition=models.Q(status="draft"),
                name="one_draft_assessment_per_procurement",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", level__isnull=True)
                | models.Q(status="completed", level__in=[1, 2, 3, 4]),
                name="completed_assessment_has_a_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procurement} · assessment {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True)
            if stored and stored[0] == AssessmentStatus.COMPLETED:
                raise self.Immutable("a completed assessment cannot be changed")
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT
