"""Every write to incident reports: anyone reports; staff triage, notify the
market-surveillance authority, add updates and close.

Reporting needs no account, only a procurement that is published, active and
at a stage that enables monitoring (``selectors_incidents.reporting_state``).
Staff services lock the procurement row, then the incident, then check
``Action.TRIAGE_INCIDENT`` (the procurement team, at the monitoring and
review stages, while the procurement is active), then the input
(``ValidationError`` keyed by field, nothing saved), then write and audit
(``contracts.incident_<verb>``).

What a report says and who made it may be personal: the audit trail names
the incident by its reference (``Incident.audit_label``) and keeps no
description, name or email in its ``data``.

Abuse brakes, as the public form has no login:

- a guest's description is checked for spam (``participation.spam``);
- one person, known by account or by contact email, makes at most
  :data:`RATE_LIMIT` reports per :data:`RATE_WINDOW` on a procurement;
- fully anonymous reports (no account, no email) cannot be told apart, so
  a procurement takes at most :data:`ANONYMOUS_LIMIT` of them per
  :data:`RATE_WINDOW` altogether: enough for a real surge of complaints
  about a failing system, a brake on a script. Beyond it the form asks for
  an email address, which then falls under the per-person limit.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.accounts.roles import Role
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.participation.spam import spam_reasons
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import Incident, IncidentStatus, IncidentUpdate, Severity
from ..selectors_incidents import CLOSED_STATUSES, reporting_state

logger = logging.getLogger(__name__)

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 5_000
NOTE_MAX = 5_000
NAME_MAX = Incident._meta.get_field("contact_name").max_length
EMAIL_MAX = Incident._meta.get_field("contact_email").max_length

RATE_LIMIT = 5
ANONYMOUS_LIMIT = 30
RATE_WINDOW = datetime.timedelta(hours=1)

# Refusal codes, for callers that answer differently (the API: 429, 409).
CLOSED = "closed"
RATE_LIMITED = "rate_limited"

# Who hears of a new report: those answerable for the procurement.
NOTIFIED_ROLES = (Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER)


# --- Shared ------------------------------------------------------------------------------


def _plain(value: str | None) -> str:
    return clean_plain((value or "").replace("\r\n", "\n"))


def _length_error(limit: int, length: int) -> str:
    return _("At most %(limit)d characters; this text has %(length)d.") % {
        "limit": limit,
        "length": length,
    }


def _locked(actor: User, incident: Incident) -> Incident:
    """The incident's procurement locked and the right checked, then the
    incident re-read under the lock."""
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=incident.procurement_id)
    )
    require(actor, Action.TRIAGE_INCIDENT, procurement)
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    locked.procurement = procurement
    return locked


def _audit(actor: User | None, verb: str, incident: Incident, **data) -> None:
    audit_record(
        actor=actor,
        action=f"contracts.incident_{verb}",
        target=incident,
        organisation_id=incident.procurement.organisation_id,
        data={"procurement": incident.procurement.slug, **data},
    )


def _note(
    value: str | None, field: str, errors: dict[str, str], *, required_message: str | None
) -> str:
    text = _plain(value)
    if required_message and not text:
        errors[field] = required_message
    elif len(text) > NOTE_MAX:
        errors[field] = _length_error(NOTE_MAX, len(text))
    return text


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- Reporting ---------------------------------------------------------------------------


def _check_report(
    *,
    description: str,
    occurred_on: datetime.date | None,
    contact_name: str,
    contact_email: str,
    guest: bool,
) -> None:
    errors: dict[str, list[str]] = {}
    if len(description) < DESCRIPTION_MIN:
        errors["description"] = [
            _("Describe what happened in at least %(min)d characters.") % {"min": DESCRIPTION_MIN}
            if description
            else _("Describe what happened.")
        ]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_length_error(DESCRIPTION_MAX, len(description))]
    elif guest:
        reasons = [_(reason) for reason in spam_reasons(description)]
        if reasons:
            errors["description"] = reasons
    if occurred_on is not None and occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("This date is in the future.")]
    if len(contact_name) > NAME_MAX:
        errors["contact_name"] = [_length_error(NAME_MAX, len(contact_name))]
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid email address.")]
        else:
            if len(contact_email) > EMAIL_MAX:
                errors["contact_email"] = [_length_error(EMAIL_MAX, len(contact_email))]
    if errors:
        raise ValidationError(errors)


def _check_rate(procurement: Procurement, *, user: User | None, email: str) -> None:
    recent = Incident.objects.filter(
        procurement=procurement, created_at__gte=timezone.now() - RATE_WINDOW
    )
    if user is not None:
        if recent.filter(reported_by=user).count() >= RATE_LIMIT:
            raise ValidationError(
                _("You have sent several reports in the last hour; please wait a while."),
                code=RATE_LIMITED,
            )
    elif email:
        if recent.filter(contact_email=email).count() >= RATE_LIMIT:
            raise ValidationError(
                _("You have sent several reports in the last hour; please wait a while."),
                code=RATE_LIMITED,
            )
    elif recent.filter(reported_by__isnull=True, contact_email="").count() >= ANONYMOUS_LIMIT:
        raise ValidationError(
            _(
                "Many anonymous reports arrived in the last hour. Please give an email "
                "address (it is never published), or try again later."
            ),
            code=RATE_LIMITED,
        )


@transaction.atomic
def incident_report(
    *,
    procurement: Procurement,
    description: str,
    occurred_on: datetime.date | None = None,
    affected_someone: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    user: User | None = None,
    notify: bool = True,
) -> Incident:
    """Record a report of a problem or harm caused by ``procurement``'s system.

    The officers are emailed after commit unless ``notify`` is false (a
    report of the past entered today: the demo).

    No account needed (``user`` ``None`` or anonymous for a guest). Open while
    :func:`~participai.contracts.selectors_incidents.reporting_state` says so,
    otherwise ``ValidationError`` (code ``closed``). The description must be
    ``DESCRIPTION_MIN``..``DESCRIPTION_MAX`` characters (and pass the spam
    check for a guest); ``occurred_on`` not in the future; the contact is
    optional (only staff see it). Rate limits: see the module. Returns the
    incident, whose ``reference`` lets the reporter follow it. The
    procurement's officers are mailed once the report is committed.
    """
    if user is not None and not user.is_authenticated:
        user = None
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=procurement.pk)
    )
    state = reporting_state(procurement)
    if not state.open:
        raise ValidationError(state.reason, code=CLOSED)
    description = _plain(description)
    name = _plain(contact_name).replace("\n", " ")
    email = _plain(contact_email).lower()
    _check_report(
        description=description,
        occurred_on=occurred_on,
        contact_name=name,
        contact_email=email,
        guest=user is None,
    )
    _check_rate(procurement, user=user, email=email)
    incident = Incident.objects.create(
        procurement=procurement,
        description=description,
        occurred_on=occurred_on,
        affected_someone=bool(affected_someone),
        contact_name=name,
        contact_email=email,
        reported_by=user,
    )
    _audit(
        user,
        "report",
        incident,
        # Never who reported or what they wrote: only facts without a person in them.
        length=len(description),
        affected_someone=incident.affected_someone,
        with_contact=bool(email or user),
    )
    if notify:
        incident_id = incident.pk
        transaction.on_commit(lambda: send_incident_notice(incident_id=incident_id))
    return incident


def officer_addresses(procurement: Procurement) -> list[str]:
    """The emails of the active organisation admins and procurement officers
    of ``procurement``'s organisation, once each."""
    return list(
        User.objects.filter(
            memberships__organisation_id=procurement.organisation_id,
            memberships__role__in=NOTIFIED_ROLES,
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("email")
        .values_list("email", flat=True)
    )


def send_incident_notice(*, incident_id: int) -> int:
    """Mail the procurement's officers that a report arrived: its reference,
    whether someone was harmed, and the link to the staff page; never the
    description or the reporter's contact (mail is copied and forwarded).
    Returns the number of recipients. A failure is logged, not raised: the
    report is already recorded and shows in the staff queue."""
    incident = Incident.objects.select_related("procurement").filter(pk=incident_id).first()
    if incident is None:
        return 0
    procurement = incident.procurement
    recipients = officer_addresses(procurement)
    if not recipients:
        return 0
    url = settings.SITE_URL + reverse(
        "contract:incident", kwargs={"slug": procurement.slug, "incident_id": incident.pk}
    )
    # People have no language preference yet: mail uses the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[ParticipAI] New incident report %(reference)s: %(title)s") % {
            "reference": incident.reference,
            "title": procurement.title,
        }
        body = render_to_string(
            "contracts/incidents/email/reported.txt",
            {"incident": incident, "procurement": procurement, "url": url},
        )
    try:
        send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients]
        )
    except Exception:
        logger.exception("Could not mail the officers about incident %s", incident.pk)
        return 0
    return len(recipients)


# --- Staff handling ----------------------------------------------------------------------


@transaction.atomic
def incident_triage(
    *,
    actor: User,
    incident: Incident,
    severity: str,
    respond_by: datetime.date | None,
    note: str,
    public_note: str = "",
) -> Incident:
    """Set ``severity`` and the response deadline ``respond_by`` (today or
    later) of an open incident, with a staff ``note`` (required) and an
    optional ``public_note`` shown to the reporter. The status becomes
    "triaged". A "serious" severity flags the incident for the notification
    to the market-surveillance authority (``is_serious``). Triage may be
    repeated (a re-grading); a closed incident is not triaged.
    """
    incident = _locked(actor, incident)
    errors: dict[str, str] = {}
    if incident.status in CLOSED_STATUSES:
        raise ValidationError(
            _("This report is closed; add an update to reopen it first."), code=CLOSED
        )
    if severity not in Severity.values:
        errors["severity"] = _("Choose a severity.")
    if respond_by is None:
        errors["respond_by"] = _("Give the date by which the reporter gets an answer.")
    elif respond_by < timezone.localdate():
        errors["respond_by"] = _("This date is in the past.")
    note = _note(note, "note", errors, required_message=_("Say what you found."))
    public_note = _note(public_note, "public_note", errors, required_message=None)
    _raise(errors)
    previous = incident.severity
    incident.severity = severity
    incident.respond_by = respond_by
    incident.status = IncidentStatus.TRIAGED
    incident.save(update_fields=["severity", "respond_by", "status", "updated_at"])
    IncidentUpdate.objects.create(
        incident=incident, status=incident.status, note=note, is_public=False, created_by=actor
    )
    if public_note:
        IncidentUpdate.objects.create(
            incident=incident,
            status=incident.status,
            note=public_note,
            is_public=True,
            created_by=actor,
        )
    _audit(
        actor,
        "triage",
        incident,
        severity=severity,
        previous_severity=previous,
        respond_by=respond_by.isoformat(),
        serious=incident.is_serious,
    )
    return incident


@transaction.atomic
def incident_notify_authority(
    *, actor: User, incident: Incident, notified_on: datetime.date | None
) -> Incident:
    """Record that the market-surveillance authority was notified of a
    serious incident on ``notified_on`` (not in the future, not before the
    report). Only serious incidents, and once."""
    incident = _locked(actor, incident)
    if not incident.is_serious:
        raise ValidationError(
            _("Only a serious incident is notified to the market-surveillance authority.")
        )
    if incident.authority_notified_on is not None:
        raise ValidationError(
            _("The notification was already recorded, on %(date)s.")
            % {"date": incident.authority_notified_on.isoformat()}
        )
    if notified_on is None:
        raise ValidationError({"notified_on": _("Give the date of the notification.")})
    if notified_on > timezone.localdate():
        raise ValidationError({"notified_on": _("This date is in the future.")})
    if notified_on < timezone.localdate(incident.created_at):
        raise ValidationError({"notified_on": _("This date is before the report arrived.")})
    incident.authority_notified_on = notified_on
    incident.save(update_fields=["authority_notified_on", "updated_at"])
    IncidentUpdate.objects.create(
        incident=incident,
        status=incident.status,
        note=_("Market-surveillance authority notified on %(date)s.")
        % {"date": notified_on.isoformat()},
        is_public=False,
        created_by=actor,
    )
    _audit(actor, "notify_authority", incident, notified_on=notified_on.isoformat())
    return incident


@transaction.atomic
def incident_update(
    *,
    actor: User,
    incident: Incident,
    note: str,
    is_public: bool,
    status: str | None = None,
) -> IncidentUpdate:
    """Add a ``note`` to the incident's handling, shown to the reporter when
    ``is_public``. ``status`` may move it back to "received" or to "triaged"
    (reopening a closed report: its answer stays on record, its resolution
    date is cleared); "triaged" needs a severity, so triage first. Closing
    goes through :func:`incident_resolve`, which needs an answer.
    """
    incident = _locked(actor, incident)
    errors: dict[str, str] = {}
    note = _note(note, "note", errors, required_message=_("Write the update."))
    if status in ("", None):
        status = None
    elif status in CLOSED_STATUSES:
        errors["status"] = _("Close the report with an answer to the reporter instead.")
    elif status not in IncidentStatus.values:
        errors["status"] = _("Choose a status.")
    elif status == IncidentStatus.TRIAGED and not incident.severity:
        errors["status"] = _("Triage the report first: give it a severity and a deadline.")
    _raise(errors)
    previous = incident.status
    if status is not None and status != incident.status:
        incident.status = status
        incident.resolved_on = None
        incident.save(update_fields=["status", "resolved_on", "updated_at"])
    update = IncidentUpdate.objects.create(
        incident=incident,
        status=incident.status,
        note=note,
        is_public=bool(is_public),
        created_by=actor,
    )
    _audit(
        actor,
        "update",
        incident,
        status=incident.status,
        previous_status=previous,
        is_public=update.is_public,
        update=update.pk,
    )
    return update


@transaction.atomic
def incident_resolve(
    *,
    actor: User,
    incident: Incident,
    public_response: str,
    status: str = IncidentStatus.RESOLVED,
) -> Incident:
    """Close an open incident as "resolved" or "dismissed" (closed without
    action) with ``public_response``, the answer shown to the reporter
    (required). Its resolution date is today."""
    incident = _locked(actor, incident)
    errors: dict[str, str] = {}
    if incident.status in CLOSED_STATUSES:
        raise ValidationError(_("This report is already closed."), code=CLOSED)
    if status not in CLOSED_STATUSES:
        errors["status"] = _("Choose resolved or closed without action.")
    response = _note(
        public_response,
        "public_response",
        errors,
        required_message=_("Write the answer the reporter will read."),
    )
    _raise(errors)
    previous = incident.status
    incident.status = status
    incident.public_response = response
    incident.resolved_on = timezone.localdate()
    incident.save(update_fields=["status", "public_response", "resolved_on", "updated_at"])
    IncidentUpdate.objects.create(
        incident=incident, status=status, note=response, is_public=True, created_by=actor
    )
    _audit(
        actor,
        "resolve",
        incident,
        status=status,
        previous_status=previous,
        resolved_on=incident.resolved_on.isoformat(),
    )
    return incident
