"""Event-record modules: an in-person meeting written down so it counts.

A workshop, hearing or jury session happens offline; its record keeps when
and where, who came (a count, and optionally by group), the minutes and the
outputs. What people said there is entered as contributions of the module
(channel ``in_person``) by a facilitator, so it can be answered with "you
said, we did" like anything said online.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .processes import Module


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    HEARING = "hearing", _("Public hearing")
    JURY = "jury", _("Citizens' jury or panel session")
    MEETING = "meeting", _("Community meeting")
    OTHER = "other", _("Other meeting")


class EventRecord(models.Model):
    """The record of the one meeting an event module stands for."""

    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="event")
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=EventKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300)
    accessibility = models.TextField(_("access and support"), blank=True)
    attendance = models.PositiveIntegerField(_("people who took part"), null=True, blank=True)
    attendance_note = models.TextField(_("who came"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_html = models.TextField(blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    outputs_html = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event record")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"
