"""Demographics: who takes part, asked with consent and kept apart.

An organiser may ask a process's participants a few optional questions (age
band, area, gender, disability, language, ethnicity as locally appropriate)
and enter population benchmarks for the area. Answers live in their own
tables, joined to nothing a contribution carries, and are only ever shown
aggregated in groups of at least five (``representativeness.MIN_GROUP``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import Participant

from .processes import Process


class DemographicKind(models.TextChoices):
    AGE_BAND = "age_band", _("Age band")
    AREA = "area", _("Area")
    GENDER = "gender", _("Gender")
    DISABILITY = "disability", _("Disability")
    LANGUAGE = "language", _("Language")
    ETHNICITY = "ethnicity", _("Ethnicity")
    OTHER = "other", _("Other")


class DemographicQuestion(models.Model):
    """An optional question about who a participant is.

    ``options`` are the answers offered ("prefer not to say" is always added
    by the form, and stored as no option); ``benchmarks`` gives, per option,
    its share of the area's population in percent (``None`` where unknown),
    from ``benchmark_source``.
    """

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="demographic_questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=DemographicKind.choices)
    label = models.CharField(_("question"), max_length=300)
    options = models.JSONField(default=list)
    benchmarks = models.JSONField(default=list, blank=True)
    benchmark_source = models.CharField(_("source of the benchmarks"), max_length=300, blank=True)

    class Meta:
        ordering = ["process", "position", "pk"]
        verbose_name = _("demographic question")

    def __str__(self) -> str:
        return self.label


class DemographicProfile(models.Model):
    """One participant's consented answers for one process; at most one each."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="demographic_profiles"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="demographic_profiles"
    )
    consented_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("demographic profile")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "participant"], name="one_demographic_profile_per_process"
            )
        ]

    def __str__(self) -> str:
        return f"profile {self.participant_id} in {self.process_id}"


class DemographicAnswer(models.Model):
    """The option chosen for one question; ``option`` is ``None`` for
    "prefer not to say"."""

    profile = models.ForeignKey(
        DemographicProfile, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        DemographicQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    option = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("demographic answer")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "question"], name="one_demographic_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.question_id}"
