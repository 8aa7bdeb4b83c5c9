"""The payment ledger: each milestone released, or withheld with a reason, by a decision."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .contract import PaymentMilestone
from .monitoring import Measurement


class PaymentOutcome(models.TextChoices):
    RELEASED = "released", _("Released")
    WITHHELD = "withheld", _("Withheld")


class PaymentDecisionQuerySet(models.QuerySet):
    """The ledger is append-only: bulk writes would bypass the model's guard."""

    def update(self, **kwargs):
        raise PaymentDecision.Immutable("payment decisions cannot be changed")

    def delete(self):
        raise PaymentDecision.Immutable("payment decisions cannot be deleted")


class PaymentDecision(models.Model):
    """A decision on a milestone: released (with what shows its condition met)
    or withheld (with the reason). Immutable; a withheld payment can be
    released by a later decision, which is a new row.

    ``evidence`` says what shows the condition met; ``measurement`` points to
    the KPI value it rests on, when the condition is a KPI's.
    """

    class Immutable(Exception):
        pass

    milestone = models.ForeignKey(
        PaymentMilestone, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=PaymentOutcome.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    reason = models.TextField(_("what shows the condition is met, or why it is withheld"))
    measurement = models.ForeignKey(
        Measurement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["milestone", "created_at", "id"]
        verbose_name = _("payment decision")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="payment_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.Immutable("payment decisions cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.Immutable("payment decisions cannot be deleted")
