"""Following a process, and the mail it brings.

A participant follows a process to hear of its answers; authors of answered
contributions hear of them whether they follow or not. Each event is a
``Notification`` row (an outbox): sent at once, or gathered into a daily
digest, as the participant's ``Participant.email_frequency`` says. Nothing is
mailed to a participant without a confirmed address.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import Participant

from .processes import Process
from .responses import Response


class Follow(models.Model):
    """A participant following a process; at most once each."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="follows")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        constraints = [
            models.UniqueConstraint(fields=["process", "participant"], name="one_follow_each")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} follows {self.process_id}"


class NotificationKind(models.TextChoices):
    ANSWERED = "answered", _("Your contribution was answered")
    PROCESS_RESPONSE = "process_response", _("A process you follow published a response")


class Notification(models.Model):
    """One thing to tell one participant; ``sent_at`` is set once mailed."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["participant", "created_at", "pk"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["sent_at", "participant"], name="notification_outbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "response"], name="one_notification_per_response"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.participant_id}"
