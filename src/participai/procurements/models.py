"""Procurements, their gate decisions and their documents."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from participai.accounts.models import Organisation
from participai.core.models import TimeStampedModel
from participai.core.text import fold

from . import lifecycle


class EntryRoute(models.TextChoices):
    """How the AI system would come into the organisation (DOMAIN.md §5)."""

    FORMAL_TENDER = "formal_tender", _("Formal tender")
    FRAMEWORK = "framework_contract", _("Framework contract")
    PILOT = "extended_pilot", _("Extended pilot")
    UPDATE = "software_update", _("Update of existing software")
    FREE_TOOL = "free_tool", _("Free tool")
    OTHER = "other", pgettext_lazy("entry route", "Other")


class ProcurementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped")
    NO_AI = "no_ai", _("Closed: AI not used")
    COMPLETED = "completed", _("Completed")


class ImpactLevel(models.IntegerChoices):
    I = 1, _("Level I: little to no impact")  # noqa: E741
    II = 2, _("Level II: moderate impact")
    III = 3, _("Level III: high impact")
    IV = 4, _("Level IV: very high impact")


class Procurement(TimeStampedModel):
    """One purchase of an AI system, from problem to exit.

    Invariants: ``stage`` is a key of :data:`lifecycle.STAGES`; only an
    ``active`` procurement changes stage; ``published_at`` is set exactly when
    ``is_published`` is true, and publication is never withdrawn.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="procurements"
    )
    slug = models.SlugField(max_length=90, unique=True)
    title = models.CharField(_("title"), max_length=200)
    mission = models.TextField(
        _("mission"), help_text=_("The public purpose and the outcomes sought.")
    )
    problem_statement = models.TextField(
        _("problem statement"),
        help_text=_("The problem to solve, not a solution. Markdown allowed."),
    )
    affected_people = models.TextField(
        _("people likely to be affected"),
        blank=True,
        help_text=_("Who would the system's decisions touch, directly or indirectly?"),
    )
    non_ai_alternatives = models.TextField(
        _("non-AI alternatives"),
        blank=True,
        help_text=_("What could be done without AI, and why it is or is not enough."),
    )
    entry_route = models.CharField(
        _("how the AI would enter"),
        max_length=30,
        choices=EntryRoute.choices,
        default=EntryRoute.FORMAL_TENDER,
    )
    estimated_value = models.DecimalField(
        _("estimated value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    stage = models.CharField(
        _("stage"),
        max_length=40,
        choices=lifecycle.STAGE_CHOICES,
        default=lifecycle.FIRST_STAGE.key,
    )
    phase = models.CharField(
        _("phase"),
        max_length=20,
        choices=lifecycle.Phase.choices,
        default=lifecycle.FIRST_STAGE.phase,
        editable=False,
        help_text="Denormalised from stage so portal filters stay a single indexed query.",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProcurementStatus.choices,
        default=ProcurementStatus.ACTIVE,
    )
    impact_level = models.PositiveSmallIntegerField(
        _("impact level"), choices=ImpactLevel.choices, null=True, blank=True
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Grows with every change to what the public page shows; keys its cache.",
    )
    search_text = models.TextField(
        editable=False,
        default="",
        help_text="Title, mission, problem and organisation, case- and accent-folded, so "
        "that 'avila' finds 'Ávila' on every database.",
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("procurement")
        indexes = [
            models.Index(fields=["is_published", "-published_at"]),
            models.Index(fields=["organisation", "stage"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_published=False, published_at__isnull=True)
                | models.Q(is_published=True, published_at__isnull=False),
                name="published_at_iff_published",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=lifecycle.STAGE_KEYS),
                name="stage_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(
            " ".join((self.title, self.mission, self.problem_statement, self.organisation.name))
        )
        if not self._state.adding:
            # Callers hold the row lock (services select_for_update), so the
            # increment cannot be lost to a concurrent writer.
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "version"}
        super().save(*args, **kwargs)

    @property
    def current_stage(self) -> lifecycle.Stage:
        return lifecycle.stage(self.stage)

    @property
    def is_active(self) -> bool:
        return self.status == ProcurementStatus.ACTIVE


class GateOutcome(models.TextChoices):
    PROCEED = "proceed", _("Proceed")
    REVISE = "revise", _("Revise")
    STOP = "stop", _("Stop")
    NO_AI = "no_ai", _("Do not use AI")


class GateDecisionQuerySet(models.QuerySet):
    """Bulk writes would bypass the model's guard, so they are refused too."""

    def update(self, **kwargs):
        raise GateDecision.Immutable("gate decisions cannot be changed once taken")

    def delete(self):
        raise GateDecision.Immutable("gate decisions cannot be deleted")


class GateDecision(models.Model):
    """The decision that closes a stage. Immutable once taken.

    ``checks`` is the snapshot of the gate's checklist when the decision was
    taken, so a later change to a check's rules never rewrites history.
    """

    class Immutable(Exception):
        pass

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="decisions"
    )
    stage = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    outcome = models.CharField(_("decision"), max_length=20, choices=GateOutcome.choices)
    rationale = models.TextField(_("rationale"))
    decided_on = models.DateField(_("date of the decision"))
    deciders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="gate_decisions", verbose_name=_("taken by")
    )
    other_deciders = models.CharField(
        _("also taken by"),
        max_length=300,
        blank=True,
        help_text=_("People or bodies without an account, e.g. a community panel."),
    )
    return_to_stage = models.CharField(
        max_length=40, choices=lifecycle.STAGE_CHOICES, blank=True, default=""
    )
    checks = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GateDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("gate decision")

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.Immutable("gate decisions cannot be changed once taken")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.Immutable("gate decisions cannot be deleted")

    @property
    def stage_obj(self) -> lifecycle.Stage:
        return lifecycle.stage(self.stage)


class DocumentType(models.TextChoices):
    PROBLEM_STATEMENT = "problem_statement", _("Problem statement")
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    IMPACT_ASSESSMENT = "impact_assessment", _("Impact assessment")
    ENGAGEMENT_PLAN = "engagement_plan", _("Engagement plan")
    MARKET_NOTICE = "market_notice", _("Market engagement notice")
    TENDER_NOTICE = "tender_notice", _("Tender notice")
    EVALUATION_REPORT = "evaluation_report", _("Evaluation report")
    CONTRACT = "contract", _("Contract")
    MONITORING_REPORT = "monitoring_report", _("Monitoring report")
    LESSONS_LEARNED = "lessons_learned", _("Lessons learned")
    MINUTES = "minutes", _("Minutes of a meeting")
    PARTICIPATION_REPORT = "participation_report", _("Participation report")
    # Evidence that an obligation of the proportionality rules is met.
    PUBLIC_NOTICE = "public_notice", _("Public notice of the AI procurement")
    PLAIN_LANGUAGE_EXPLANATION = "plain_language_explanation", _("Plain-language explanation")
    EQUITY_ANALYSIS = "equity_analysis", _("Equity analysis")
    EXPERT_REVIEW = "expert_review", _("Independent expert review")
    INDIVIDUAL_EXPLANATIONS = (
        "individual_explanations",
        _("How individual decisions will be explained"),
    )
    AI_USE_DISCLOSURE = "ai_use_disclosure", _("Notice to people that AI is used")
    HUMAN_OVERSIGHT_PLAN = "human_oversight_plan", _("Human oversight and training plan")
    TRANSPARENCY_RECORD = "transparency_record", _("Algorithmic transparency record")
    EU_DATABASE_ENTRY = "eu_database_entry", _("EU database registration")
    OTHER = "other", pgettext_lazy("document type", "Other")


def document_upload_to(instance: Document, filename: str) -> str:
    # The stored name is the content hash: no user-chosen path ever reaches
    # the file system.
    return f"documents/{instance.procurement_id}/{instance.sha256}{instance.extension}"


class Document(models.Model):
    """A file or an authored text that belongs to one stage of a procurement."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="documents"
    )
    stage = models.CharField(max_length=40, choices=lifecycle.STAGE_CHOICES)
    document_type = models.CharField(
        _("type"), max_length=30, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown allowed."))
    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=255)
    original_filename = models.CharField(max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Shown on the public page once the procurement is published."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("document")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(body=""),
                name="document_has_file_or_text",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)


@receiver(m2m_changed, sender=GateDecision.deciders.through)
def _deciders_are_immutable(sender, instance, action, reverse, **kwargs) -> None:
    """Who took a decision is part of the decision: it is set once, by the
    service that records it, and never changed afterwards."""
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    if reverse or action != "pre_add" or instance.deciders.exists():
        raise GateDecision.Immutable("who took a gate decision cannot be changed")
