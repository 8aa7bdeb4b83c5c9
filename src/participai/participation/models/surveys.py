"""Survey modules: the questions an organiser asks, and each participant's answers.

A survey module has ordered questions of the usual kinds. A participant gives
one response per module (kept, and replaced when they answer again while the
module is open); each answer's ``value`` is shaped by its question's kind
(see :mod:`participai.participation.surveying`, which validates it). Options
are addressed by their position in ``options``, so questions are frozen once
the first response arrives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import Participant

from .processes import Channel, Module


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    SCALE = "scale", _("Scale")
    RANKING = "ranking", _("Ranking")
    TEXT = "text", _("Free text")


class SurveyQuestion(models.Model):
    """One question of a survey module.

    ``options`` lists the choices (single, multiple) or the items to rank
    (ranking); a scale runs from ``scale_min`` to ``scale_max`` with optional
    labels at both ends. ``max_choices`` caps a multiple-choice answer (0: no cap).
    """

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.TextField(_("help"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField(default=0)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    scale_min_label = models.CharField(max_length=80, blank=True)
    scale_max_label = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["module", "position", "pk"]
        verbose_name = _("survey question")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="survey_scale_runs_upwards"
            )
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One participant's answers to one survey module; at most one each."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="survey_responses")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="survey_responses"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "created_at", "pk"]
        verbose_name = _("survey response")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "participant"], name="one_survey_response_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"response {self.participant_id} → module {self.module_id}"


class SurveyAnswer(models.Model):
    """The answer to one question within a response.

    ``value``: an option index (single), a list of indexes (multiple), an
    integer (scale), every option index in the order given (ranking), or
    the text written (free text).
    """

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        verbose_name = _("survey answer")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"answer {self.response_id} → {self.question_id}"
