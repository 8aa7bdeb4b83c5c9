"""Incidents and complaints about a deployed system, reported by anyone.

The public form is on the procurement's monitoring page. The reporter gets a
reference (``reference``, unguessable) to follow the status; contact details
are optional and only staff see them. Staff triage with a severity and a
response deadline. A serious incident is flagged for the notification to the
market-surveillance authority the AI Act requires (Art. 73), and when that
notification was made is recorded.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel
from participai.procurements.models import Procurement


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Being looked into")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Closed without action")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    SERIOUS = "serious", _("Serious incident (AI Act)")


def new_reference() -> str:
    # 12 characters of a 32-letter alphabet: unguessable, and easy to read out.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Incident(TimeStampedModel):
    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="incidents"
    )
    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    affected_someone = models.BooleanField(
        _("someone was harmed or treated unfairly"), default=False
    )
    contact_name = models.CharField(_("your name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.RECEIVED
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, blank=True)
    respond_by = models.DateField(_("respond by"), null=True, blank=True)
    is_serious = models.BooleanField(default=False, editable=False)
    authority_notified_on = models.DateField(
        _("market-surveillance authority notified on"), null=True, blank=True
    )
    public_response = models.TextField(_("answer to the reporter"), blank=True)
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["procurement", "-created_at", "-id"]
        verbose_name = _("incident report")
        indexes = [models.Index(fields=["procurement", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        # The description and contact may be personal: the trail keeps the reference.
        return f"incident {self.reference}"

    def save(self, *args, **kwargs):
        self.is_serious = self.severity == Severity.SERIOUS
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "is_serious"}
        super().save(*args, **kwargs)


class IncidentUpdate(models.Model):
    """A step of the incident's handling; ``is_public`` ones are shown to the reporter."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=IncidentStatus.choices)
    note = models.TextField(_("note"))
    is_public = models.BooleanField(_("shown to the reporter"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "created_at", "id"]
        verbose_name = _("incident update")

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_status_display()}"
