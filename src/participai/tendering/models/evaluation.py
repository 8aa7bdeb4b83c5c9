"""Vendor evaluation: bids, the panel, independent scores, moderation and the award.

Bids are sealed until the tender's ``opening_at``: the models hold them, but
``tendering.access`` is the only way to read one, and it refuses everyone,
staff included, before that moment. Panel members declare their conflicts of
interest before they may see a bid; a declared conflict removes their access.
Each member scores alone and submits; only then do they (and the moderators)
see the others' scores. Moderation records the agreed score per bid and
criterion, and why it moved.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel

from .solicitation import Criterion, Tender


class BidStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXCLUDED = "excluded", _("Excluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Bid(TimeStampedModel):
    """One supplier's offer, as received (entered by staff or imported)."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    supplier_name = models.CharField(_("supplier"), max_length=200)
    supplier_identifier = models.CharField(
        _("supplier identifier"),
        max_length=100,
        blank=True,
        help_text=_("e.g. the company's registration or VAT number."),
    )
    price = models.DecimalField(
        _("price"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    summary = models.TextField(_("summary of the offer"), blank=True)
    received_at = models.DateTimeField(_("received on"))
    status = models.CharField(max_length=20, choices=BidStatus.choices, default=BidStatus.VALID)
    status_reason = models.TextField(_("why it was excluded or withdrawn"), blank=True)
    source = models.CharField(
        max_length=20, default="staff", help_text="staff (entered by hand) or ocds (imported)."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["tender", "received_at", "id"]
        verbose_name = _("bid")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="bid_price_not_negative")
        ]

    def __str__(self) -> str:
        return self.supplier_name

    @property
    def audit_label(self) -> str:
        # The trail is readable before the opening; it must not unseal the bid.
        return f"bid {self.pk}"


def bid_document_upload_to(instance: BidDocument, filename: str) -> str:
    # Content hash as the name: no user-chosen path reaches the file system.
    return f"bids/{instance.bid_id}/{instance.sha256}{instance.extension}"


class BidDocument(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=bid_document_upload_to, max_length=255)
    original_filename = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bid", "id"]
        verbose_name = _("bid document")

    def __str__(self) -> str:
        return self.title


class PanelMemberKind(models.TextChoices):
    STAFF = "staff", _("Staff of the public body")
    EXPERT = "independent_expert", _("Independent expert")
    COMMUNITY = "community_member", _("Member of the affected community")


class PanelMember(TimeStampedModel):
    """A seat on the evaluation panel of one tender.

    ``declared_at`` is set once the member has declared their interests;
    ``has_conflict`` with ``conflict_statement`` records a declared conflict,
    which removes the member's access to bids and scores for good.
    ``submitted_at`` is set when their scores are final.
    """

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    kind = models.CharField(_("seat"), max_length=30, choices=PanelMemberKind.choices)
    declared_at = models.DateTimeField(null=True, blank=True)
    has_conflict = models.BooleanField(default=False)
    conflict_statement = models.TextField(_("declaration of interests"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["tender", "kind", "id"]
        verbose_name = _("evaluation panel member")
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="one_seat_per_person"),
            models.CheckConstraint(
                condition=models.Q(has_conflict=False) | models.Q(declared_at__isnull=False),
                name="conflict_is_declared",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True)
                | models.Q(declared_at__isnull=False, has_conflict=False),
                name="only_clear_members_submit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"

    @property
    def audit_label(self) -> str:
        return f"panel seat {self.pk} ({self.kind})"

    @property
    def may_evaluate(self) -> bool:
        return self.declared_at is not None and not self.has_conflict


class Score(TimeStampedModel):
    """One member's score of one bid against one criterion, with its justification."""

    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(max_digits=5, decimal_places=2)
    justification = models.TextField(_("justification"))

    class Meta:
        ordering = ["member", "bid", "criterion"]
        verbose_name = _("score")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "bid", "criterion"], name="one_score_per_member_bid_criterion"
            ),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="score_not_negative"),
        ]


class ModeratedScore(TimeStampedModel):
    """The score the panel agreed for one bid and criterion, and why it moved."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="moderated_scores")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="moderated_scores"
    )
    score = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.TextField(_("why the panel agreed this score"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["bid", "criterion"]
        verbose_name = _("agreed score")
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion"], name="one_agreed_score_per_bid_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0), name="agreed_score_not_negative"
            ),
        ]


class Award(models.Model):
    """The award decision: which bid wins and why. Taken once; the gate records it.

    ``totals`` is the ranking as computed when the award was made (bid id,
    supplier, total, rank), kept so the public page never recomputes history.
    """

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="award")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(_("rationale"))
    decided_on = models.DateField(_("date of the decision"))
    totals = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award")

    def __str__(self) -> str:
        return str(_("Award to %(supplier)s") % {"supplier": self.bid.supplier_name})
