"""Solicitation preparation: the tender, its requirements, criteria, clauses and clarifications.

A procurement has at most one tender. While the tender is a draft the team
writes outcome-based requirements (each traced to the public input, the
consequences, the obligations or the fundamental-rights risks it answers),
weighted evaluation criteria and contract clauses. Publication freezes all of
it: from then on suppliers bid on exactly what the public page shows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from participai.core.models import TimeStampedModel
from participai.procurements.models import Procurement


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


class Tender(TimeStampedModel):
    """The call for tenders of one procurement.

    Invariants: ``published_at`` is set exactly when the status is past draft;
    a published tender has an ``opening_at`` (bids stay sealed until then) no
    earlier than its ``submission_deadline``. ``min_responsible_ai_weight`` and
    ``impact_level`` are the rule and stakes the weights were checked against
    at publication, kept so that a later reassessment never rewrites history.
    """

    procurement = models.OneToOneField(
        Procurement, on_delete=models.PROTECT, related_name="tender"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT
    )
    outcomes = models.TextField(
        _("outcomes sought"),
        blank=True,
        help_text=_(
            "What must be different for the people served once the system is in use, "
            "not which product to buy. Markdown allowed."
        ),
    )
    clarification_deadline = models.DateTimeField(
        _("last day for suppliers' questions"), null=True, blank=True
    )
    submission_deadline = models.DateTimeField(_("deadline for bids"), null=True, blank=True)
    opening_at = models.DateTimeField(
        _("bids are opened on"),
        null=True,
        blank=True,
        help_text=_("No one, staff included, can read a bid before this moment."),
    )
    pilot_plan = models.TextField(
        _("pilot or test plan"),
        blank=True,
        help_text=_(
            "How the chosen solution will be tested against the requirements before the "
            "contract, including testing with the people who use the service."
        ),
    )
    publish_individual_scores = models.BooleanField(
        _("publish each evaluator's scores"),
        default=False,
        help_text=_("Off: the public page shows agreed scores and the panel's part only."),
    )
    review_module = models.ForeignKey(
        "participation.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The document review the draft was put to, if any.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    impact_level = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    min_responsible_ai_weight = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tender")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", published_at__isnull=True)
                | (~models.Q(status="draft") & models.Q(published_at__isnull=False)),
                name="tender_published_at_iff_not_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(
                    submission_deadline__isnull=False,
                    opening_at__gte=models.F("submission_deadline"),
                ),
                name="tender_published_opens_after_deadline",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Tender for %(title)s") % {"title": self.procurement.title})

    @property
    def is_draft(self) -> bool:
        return self.status == TenderStatus.DRAFT


class RequirementKind(models.TextChoices):
    OUTCOME = "outcome", _("Outcome")
    CONSTRAINT = "constraint", _("Constraint")


class Requirement(TimeStampedModel):
    """An outcome the solution must achieve, or a constraint it must respect."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind.choices)
    title = models.CharField(_("requirement"), max_length=200)
    text = models.TextField(_("details"), blank=True, help_text=_("Markdown allowed."))
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["tender", "position", "id"]
        verbose_name = _("requirement")

    def __str__(self) -> str:
        return self.title


class SourceKind(models.TextChoices):
    RESPONSE = "response", _("What people said (“you said, we did”)")
    CONSEQUENCE = "consequence", _("A consequence from the consequence scan")
    OBLIGATION = "obligation", _("An obligation of the proportionality rules")
    FRIA_RISK = "fria_risk", _("A risk found by the fundamental rights assessment")


class RequirementSource(models.Model):
    """Where a requirement comes from: one traced origin.

    Exactly one of ``response``, ``consequence``, ``obligation_key`` and
    ``rights_assessment`` (with ``fria_risk``) is set, matching ``kind``.
    ``label`` is how the source read when it was linked, so the trace still
    reads the same if the source is later reworded.
    """

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    response = models.ForeignKey(
        "participation.Response",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirement_sources",
    )
    consequence = models.ForeignKey(
        "assessment.Consequence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirement_sources",
    )
    obligation_key = models.CharField(max_length=80, blank=True)
    rights_assessment = models.ForeignKey(
        "assessment.RightsAssessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirement_sources",
    )
    fria_risk = models.CharField(max_length=500, blank=True)
    label = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requirement", "id"]
        verbose_name = _("source of a requirement")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="response",
                        response__isnull=False,
                        consequence__isnull=True,
                        obligation_key="",
                        rights_assessment__isnull=True,
                    )
                    | models.Q(
                        kind="consequence",
                        response__isnull=True,
                        consequence__isnull=False,
                        obligation_key="",
                        rights_assessment__isnull=True,
                    )
                    | (
                        models.Q(
                            kind="obligation",
                            response__isnull=True,
                            consequence__isnull=True,
                            rights_assessment__isnull=True,
                        )
                        & ~models.Q(obligation_key="")
                    )
                    | (
                        models.Q(
                            kind="fria_risk",
                            response__isnull=True,
                            consequence__isnull=True,
                            obligation_key="",
                            rights_assessment__isnull=False,
                        )
                        & ~models.Q(fria_risk="")
                    )
                ),
                name="requirement_source_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    # The consequence scan and the rights assessment's risks are working
    # documents the public sees only in aggregate (as on the governance
    # canvas); what people said and what the stakes demand are public already.
    INTERNAL_KINDS = frozenset({"consequence", "fria_risk"})

    @property
    def public_label(self) -> str:
        """The label the public may read: empty for internal kinds, whose kind alone shows."""
        return "" if self.kind in self.INTERNAL_KINDS else self.label


class CriterionGroup(models.TextChoices):
    QUALITY = "quality", _("Quality")
    PRICE = "price", _("Price")
    RESPONSIBLE_AI = "responsible_ai", _("Responsible AI")
    SOCIAL_VALUE = "social_value", _("Social value")
    OTHER = "other", pgettext_lazy("criterion group", "Other")


class ScoringMethod(models.TextChoices):
    JUDGEMENT = "judgement", _("Scored by the panel")
    LOWEST_PRICE = "lowest_price", _("By formula: lowest price scores highest")


class Criterion(TimeStampedModel):
    """A weighted evaluation criterion with its scale and what each score means.

    ``descriptors`` is a list of ``{"score": int, "text": str}`` from the
    bottom of the scale to the top. ``requirements`` are those it assesses.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    group = models.CharField(_("group"), max_length=20, choices=CriterionGroup.choices)
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what is assessed"), blank=True)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("top of the scale"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    method = models.CharField(
        _("how it is scored"),
        max_length=20,
        choices=ScoringMethod.choices,
        default=ScoringMethod.JUDGEMENT,
    )
    descriptors = models.JSONField(_("what each score means"), default=list, blank=True)
    requirements = models.ManyToManyField(
        Requirement, blank=True, related_name="criteria", verbose_name=_("requirements assessed")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["tender", "position", "id"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=100),
                name="criterion_weight_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TenderClause(TimeStampedModel):
    """A contract clause chosen for this tender: from the library, possibly adapted, or new.

    ``library_key`` names the library clause it started from ("" for one
    written from scratch); ``library_text`` keeps that clause's text as it was
    when picked, so the pack can say whether it was adapted.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clauses")
    library_key = models.CharField(max_length=80, blank=True)
    theme = models.CharField(_("theme"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("clause"))
    library_text = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["tender", "position", "id"]
        verbose_name = _("contract clause")

    def __str__(self) -> str:
        return self.title

    @property
    def is_adapted(self) -> bool:
        return bool(self.library_key) and self.text.strip() != self.library_text.strip()


class ClarificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    PUBLISHED = "published", _("Answered and published")
    DECLINED = "declined", _("Not published")


class Clarification(TimeStampedModel):
    """A supplier's question and the answer published to all bidders and the public.

    Who asked is never published (answers are for every bidder alike);
    ``contact_email`` is for staff only.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    question = models.TextField(_("question"))
    asked_by_name = models.CharField(_("your name"), max_length=200)
    asked_by_organisation = models.CharField(_("company or organisation"), max_length=200)
    contact_email = models.EmailField(_("email"), blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        max_length=20, choices=ClarificationStatus.choices, default=ClarificationStatus.PENDING
    )
    answer = models.TextField(_("answer"), blank=True, help_text=_("Markdown allowed."))
    decline_reason = models.TextField(_("why it is not published"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "created_at", "id"]
        verbose_name = _("clarification")
        indexes = [models.Index(fields=["tender", "status"])]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def audit_label(self) -> str:
        # The question may name the supplier; the trail keeps only its number.
        return f"clarification {self.pk}"
