""" "You said, we did": staff answering what people said.

A response answers one or many contributions at once (ten people asking for
the same thing get one answer) and says what became of them: its status
(adopted, partly, not adopted, out of scope), what changed and why. It points
to what it changed: the gate decision it fed (``decision``) and, where the
change is a record of its own (an actor, a document, and later a
requirement, a criterion, a KPI or a clause), that record through ``target``.
Responses are public once saved; editing one is audited and the public page
shows when it was last changed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel
from participai.procurements.models import GateDecision, Procurement

from .processes import Contribution, Process


class ResponseStatus(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class ChangeKind(models.TextChoices):
    DECISION = "decision", _("A decision")
    REQUIREMENT = "requirement", _("A requirement")
    CRITERION = "criterion", _("An evaluation criterion")
    KPI = "kpi", _("A performance indicator (KPI)")
    CLAUSE = "clause", _("A contract clause")
    ACTOR = "actor", _("Who is involved")
    DOCUMENT = "document", _("A document")
    NO_CHANGE = "no_change", _("No change")


class Response(TimeStampedModel):
    """What the procurement team did with some contributions, and why."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="responses"
    )
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="responses")
    contributions = models.ManyToManyField(Contribution, related_name="responses")
    status = models.CharField(_("status"), max_length=20, choices=ResponseStatus.choices)
    change_kind = models.CharField(_("what it changed"), max_length=20, choices=ChangeKind.choices)
    change = models.TextField(_("what we did"), blank=True)
    reason = models.TextField(_("why"))
    reason_html = models.TextField()
    decision = models.ForeignKey(
        GateDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("the decision it fed"),
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # How the target is named publicly, kept so the answer reads the same
    # even after the record it names is renamed or, for a draft, discarded.
    target_label = models.CharField(_("names"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "-created_at", "-pk"]
        verbose_name = _("response")
        indexes = [models.Index(fields=["target_type", "target_id"], name="response_target")]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.change or self.get_change_kind_display()}"
