"""What the impact stage records: impact assessments, AI Act screenings, fundamental
rights assessments, obligation exemptions and consequence scans."""

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


class _FrozenWhenCompleted(TimeStampedModel):
    """A numbered draft-then-completed record of a procurement: once completed it
    never changes again (a redo is a new number, and the earlier ones are kept)."""

    class Immutable(Exception):
        pass

    number = models.PositiveIntegerField()
    stage = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True)
            if stored and stored[0] == AssessmentStatus.COMPLETED:
                raise self.Immutable(f"a completed {self._meta.verbose_name} cannot be changed")
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class ImpactAssessment(_FrozenWhenCompleted):
    """One answering of the impact questionnaire for a procurement.

    Invariants: ``number`` counts 1, 2, … per procurement; at most one draft
    per procurement; a completed assessment never changes again (a
    reassessment is a new number, and the earlier ones are kept).
    ``result`` is the score snapshot taken on completion.
    """

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="impact_assessments"
    )
    questionnaire_id = models.CharField(max_length=80)
    questionnaire_version = models.CharField(max_length=20)
    # Set when the questionnaire is one the organisation uploaded rather than
    # one shipped with the product (``registry``); the id and version above
    # are then copied from it, so the record reads the same either way.
    organisation_questionnaire = models.ForeignKey(
        "OrganisationQuestionnaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    answers = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)

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


class QuestionnaireFormat(models.TextChoices):
    PARTICIPAI = "participai", _("ParticipAI questionnaire")
    AIA_SURVEYJS = "aia_surveyjs", _("Canadian Algorithmic Impact Assessment (SurveyJS)")


class OrganisationQuestionnaire(TimeStampedModel):
    """An impact questionnaire a public body uploaded for its own assessments.

    ``definition`` is the questionnaire in the product's JSON format
    (``Questionnaire.to_dict()``), whatever the uploaded format was; the
    uploaded file itself is identified by name and SHA-256, and
    ``key_map`` / ``phase_values`` keep how an imported AIA's names map to
    ours, so answers saved by the Canadian tool can be read. Invariants: the
    definition never changes once uploaded (assessments were answered against
    it); ``questionnaire_id`` never names a shipped questionnaire; only
    ``is_active`` (offered for new assessments) may be switched.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="questionnaires"
    )
    questionnaire_id = models.CharField(max_length=80)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    source_format = models.CharField(max_length=20, choices=QuestionnaireFormat.choices)
    source_name = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    definition = models.JSONField()
    key_map = models.JSONField(default=list, blank=True)
    phase_values = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "questionnaire_id", "version"]
        verbose_name = _("organisation questionnaire")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "questionnaire_id", "version"],
                name="questionnaire_version_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class AiActClass(models.TextChoices):
    PROHIBITED = "prohibited", _("Prohibited practice")
    HIGH_RISK = "high_risk", _("High risk")
    LIMITED = "limited", _("Limited risk (transparency duties)")
    MINIMAL = "minimal", _("Minimal risk")


class AiActScreening(_FrozenWhenCompleted):
    """One answering of the EU AI Act screening for a procurement.

    ``answers`` follow ``ai_act.blank_answers()``; ``result`` is the
    ``ScreeningResult.as_dict()`` snapshot taken on completion, and the
    classification and the two flags are copied out of it for queries.
    """

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="screenings"
    )
    answers = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    classification = models.CharField(max_length=20, choices=AiActClass.choices, blank=True)
    fria_required = models.BooleanField(default=False)
    eu_registration_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["procurement", "number"]
        verbose_name = _("AI Act screening")
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "number"], name="screening_number_per_procurement"
            ),
            models.UniqueConstraint(
                fields=["procurement"],
                condition=models.Q(status="draft"),
                name="one_draft_screening_per_procurement",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", classification="")
                | (models.Q(status="completed") & ~models.Q(classification="")),
                name="completed_screening_has_a_class",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procurement} · AI Act screening {self.number}"


class RightsAssessment(_FrozenWhenCompleted):
    """A fundamental rights impact assessment (AI Act Art. 27 (a) to (f)).

    Required when the screening finds a high-risk use and the buyer is a public
    body. ``affected_groups`` holds one category of people per line; the actor
    map suggests actors from it. ``summary`` is what the EU database entry
    carries (Annex VIII section C).
    """

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="rights_assessments"
    )
    screening = models.ForeignKey(
        AiActScreening, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    processes = models.TextField(
        _("(a) the processes the system will be used in"),
        blank=True,
        help_text=_("Which of the body's processes, and for what purpose."),
    )
    period_and_frequency = models.TextField(
        _("(b) period and frequency of use"),
        blank=True,
        help_text=_("For how long, and how often, the system will be used."),
    )
    affected_groups = models.TextField(
        _("(c) categories of people likely to be affected"),
        blank=True,
        help_text=_("One category per line, e.g. “people applying for housing benefit”."),
    )
    risks = models.TextField(
        _("(d) specific risks of harm to those people"),
        blank=True,
        help_text=_("Take the provider's information into account; name each risk and group."),
    )
    oversight_measures = models.TextField(
        _("(e) human oversight measures"),
        blank=True,
        help_text=_("Who checks the system's outputs, how, and with what authority."),
    )
    response_measures = models.TextField(
        _("(f) what happens if the risks materialise"),
        blank=True,
        help_text=_("Internal governance, and how people can complain and get redress."),
    )
    summary = models.TextField(
        _("summary for the EU database"),
        blank=True,
        help_text=_("A short public summary of the findings (AI Act Annex VIII, section C)."),
    )

    # The Art. 27 points in order; every one must be answered to complete.
    POINTS: tuple[str, ...] = (
        "processes",
        "period_and_frequency",
        "affected_groups",
        "risks",
        "oversight_measures",
        "response_measures",
        "summary",
    )

    class Meta:
        ordering = ["procurement", "number"]
        verbose_name = _("fundamental rights impact assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "number"], name="rights_assessment_number_per_procurement"
            ),
            models.UniqueConstraint(
                fields=["procurement"],
                condition=models.Q(status="draft"),
                name="one_draft_rights_assessment_per_procurement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procurement} · fundamental rights assessment {self.number}"

    @property
    def affected_group_list(self) -> list[str]:
        return [line.strip() for line in self.affected_groups.splitlines() if line.strip()]


class ObligationExemption(models.Model):
    """A justified decision that one obligation does not have to be met at one gate.

    Public (shown on the procurement's page and in the obligations API) and
    never changed or deleted: a mistaken exemption is answered by a new gate
    decision, not by erasing the record.
    """

    class Immutable(Exception):
        pass

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="obligation_exemptions"
    )
    obligation_key = models.CharField(max_length=80)
    gate = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    justification = models.TextField(_("justification"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["procurement", "created_at"]
        verbose_name = _("obligation exemption")
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "obligation_key", "gate"],
                name="one_exemption_per_obligation_and_gate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.procurement} · exemption from {self.obligation_key}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.Immutable("an exemption cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.Immutable("an exemption cannot be deleted")


class ConsequenceIntention(models.TextChoices):
    INTENDED = "intended", _("Intended")
    UNINTENDED = "unintended", _("Unintended")


class ConsequenceEffect(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class ConsequenceResponse(models.TextChoices):
    ACT = "act", _("Act: we can change it ourselves")
    INFLUENCE = "influence", _("Influence: others must act, we push them")
    MONITOR = "monitor", _("Monitor: watch for it and be ready")


class ConsequenceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ADDRESSED = "addressed", _("Addressed")
    DISMISSED = "dismissed", _("Dismissed, with a reason")


class ConsequenceSource(models.TextChoices):
    STAFF = "staff", _("Procurement team")
    PUBLIC = "public", _("The public")


class Consequence(TimeStampedModel):
    """One consequence found in a consequence-scanning workshop (Doteveryone).

    ``prompt_key`` names the scanning prompt it answered, if any, so the
    workshop page can show which prompts are still unanswered.
    """

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="consequences"
    )
    stage = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    description = models.TextField(_("consequence"))
    intention = models.CharField(
        _("intended or not"), max_length=20, choices=ConsequenceIntention.choices
    )
    effect = models.CharField(
        _("positive or negative"), max_length=20, choices=ConsequenceEffect.choices
    )
    affected_group = models.CharField(_("who it affects"), max_length=200)
    response = models.CharField(_("response"), max_length=20, choices=ConsequenceResponse.choices)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ConsequenceStatus.choices, default="open"
    )
    status_note = models.TextField(_("what was done, or why it was dismissed"), blank=True)
    prompt_key = models.CharField(max_length=60, blank=True)
    source = models.CharField(
        max_length=20, choices=ConsequenceSource.choices, default=ConsequenceSource.STAFF
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "created_at", "id"]
        verbose_name = _("consequence")

    def __str__(self) -> str:
        return f"{self.procurement} · {self.description[:60]}"
