"""Messages to people about what happened to a procurement."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from participai.accounts.models import User

from .models import GateDecision


def send_gate_decision_notice(*, decision_id: int) -> int:
    """Email each member of the organisation (once, however many roles they
    hold) that a gate decision was taken. Returns the number of recipients.
    A decision that no longer exists sends nothing."""
    decision = (
        GateDecision.objects.select_related("procurement__organisation", "recorded_by")
        .filter(id=decision_id)
        .first()
    )
    if decision is None:
        return 0
    procurement = decision.procurement
    recipients = list(
        User.objects.filter(
            memberships__organisation_id=procurement.organisation_id, is_active=True
        )
        .exclude(email="")
        .distinct()
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    # People have no language preference yet, so messages use the
    # installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[ParticipAI] %(title)s: %(decision)s") % {
            "title": procurement.title,
            "decision": decision,
        }
        body = render_to_string(
            "procurements/email/gate_decision.txt",
            {"decision": decision, "procurement": procurement},
        )
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
    return len(recipients)
