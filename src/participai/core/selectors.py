"""Reads over the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for_organisation(organisation_id: int) -> QuerySet[AuditEvent]:
    """The organisation's events, newest first."""
    return AuditEvent.objects.filter(organisation_id_ref=organisation_id).order_by("-seq")


def audit_events_for_object(object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("seq")
