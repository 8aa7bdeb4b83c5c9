"""Audits of a deployed system and the follow-up of their findings.

An audit is internal, independent or participatory; a participatory audit
names who among community members and advocates took part. Each finding has
a severity, an owner and a due date, and is followed up by appended updates
(``FindingUpdate``) until closed: closing sets ``closed_on``, reopening
clears it.

The actor needs ``Action.RECORD_AUDIT`` (the procurement team and the
organisation's auditors, while the stage enables monitoring and the
procurement is active) and the contract must be signed. Bad input raises
``ValidationError`` keyed by field and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.procurements.access import Action

from ..models import (
    Audit,
    AuditKind,
    Contract,
    Finding,
    FindingSeverity,
    FindingStatus,
    FindingUpdate,
)
from ._common import SHORT_MAX, _audit, _line, _raise, _text
from .payments import _locked_signed_contract

AUDIT_FIELDS = (
    "kind",
    "title",
    "scope",
    "auditor",
    "participants",
    "started_on",
    "reported_on",
    "summary",
    "is_public",
)


def _not_future(value: datetime.date | None, field: str, errors: dict[str, str]) -> None:
    if value is not None and value > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")


def _audit_values(
    *,
    kind: str,
    title: str,
    scope: str,
    auditor: str,
    participants: str,
    started_on: datetime.date | None,
    reported_on: datetime.date | None,
    summary: str,
    is_public: bool,
    errors: dict[str, str],
) -> dict[str, Any]:
    if kind not in AuditKind.values:
        errors["kind"] = _("Choose the kind of audit.")
    values = {
        "kind": kind,
        "title": _line(
            title, "title", errors, required_message=_("Give the audit a title."), limit=SHORT_MAX
        ),
        "scope": _text(
            scope,
            "scope",
            errors,
            required_message=_("Say what was looked at: outputs, cases, data, code, processes."),
        ),
        "auditor": _line(
            auditor,
            "auditor",
            errors,
            required_message=_("Say who carried out the audit."),
            limit=SHORT_MAX,
        ),
        "participants": _text(
            participants,
            "participants",
            errors,
            # A participatory audit is only as credible as the people named in it.
            required_message=_(
                "Name who among community members and advocates took part in the audit."
            )
            if kind == AuditKind.PARTICIPATORY
            else None,
        ),
        "started_on": started_on,
        "reported_on": reported_on,
        "summary": _text(summary, "summary", errors),
        "is_public": bool(is_public),
    }
    if started_on is None:
        errors["started_on"] = _("Give the date the audit started.")
    else:
        _not_future(started_on, "started_on", errors)
    if reported_on is not None:
        if started_on is not None and reported_on < started_on:
            errors["reported_on"] = _("The report cannot come before the audit started.")
        else:
            _not_future(reported_on, "reported_on", errors)
    return values


def _audit_snapshot(audit: Audit) -> dict[str, Any]:
    return {
        "kind": audit.kind,
        "title": audit.title,
        "scope": audit.scope,
        "auditor": audit.auditor,
        "participants": audit.participants,
        "started_on": audit.started_on.isoformat(),
        "reported_on": audit.reported_on.isoformat() if audit.reported_on else None,
        "summary": audit.summary,
        "is_public": audit.is_public,
    }


@transaction.atomic
def audit_record(
    *,
    actor: User,
    contract: Contract,
    kind: str,
    title: str,
    scope: str,
    auditor: str,
    started_on: datetime.date | None,
    participants: str = "",
    reported_on: datetime.date | None = None,
    summary: str = "",
    is_public: bool = True,
) -> Audit:
    """Record an audit of a signed contract's system.

    Checks: a kind of :class:`AuditKind`; a title, a scope and who carried it
    out; for a participatory audit, who took part; ``started_on`` given and
    not in the future; ``reported_on``, when given, not before the start nor
    in the future.
    """
    contract = _locked_signed_contract(actor, contract.pk, Action.RECORD_AUDIT)
    errors: dict[str, str] = {}
    values = _audit_values(
        kind=kind,
        title=title,
        scope=scope,
        auditor=auditor,
        participants=participants,
        started_on=started_on,
        reported_on=reported_on,
        summary=summary,
        is_public=is_public,
        errors=errors,
    )
    _raise(errors)
    audit = Audit.objects.create(contract=contract, created_by=actor, **values)
    _audit(
        actor,
        "contracts.audit_record",
        audit,
        contract,
        audit=audit.pk,
        **_audit_snapshot(audit),
    )
    return audit


@transaction.atomic
def audit_update(
    *,
    actor: User,
    audit: Audit,
    kind: str,
    title: str,
    scope: str,
    auditor: str,
    started_on: datetime.date | None,
    participants: str = "",
    reported_on: datetime.date | None = None,
    summary: str = "",
    is_public: bool = True,
) -> Audit:
    """Change an audit (e.g. add its report); the checks of :func:`audit_record`.
    One audit event with the fields changed; none when nothing changed."""
    contract = _locked_signed_contract(actor, audit.contract_id, Action.RECORD_AUDIT)
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    errors: dict[str, str] = {}
    values = _audit_values(
        kind=kind,
        title=title,
        scope=scope,
        auditor=auditor,
        participants=participants,
        started_on=started_on,
        reported_on=reported_on,
        summary=summary,
        is_public=is_public,
        errors=errors,
    )
    _raise(errors)
    before = _audit_snapshot(audit)
    for field, value in values.items():
        setattr(audit, field, value)
    after = _audit_snapshot(audit)
    changed = sorted(key for key in after if after[key] != before[key])
    if not changed:
        return audit
    audit.save()
    _audit(
        actor,
        "contracts.audit_update",
        audit,
        contract,
        audit=audit.pk,
        changed=changed,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return audit


@transaction.atomic
def finding_add(
    *,
    actor: User,
    audit: Audit,
    title: str,
    description: str,
    severity: str,
    owner: str,
    due_on: datetime.date | None,
) -> Finding:
    """Add a finding to an audit, open, with who owns its follow-up and by when.

    Checks: a title and details; a severity of :class:`FindingSeverity`; an
    owner; ``due_on`` given and not before the audit started.
    """
    contract = _locked_signed_contract(actor, audit.contract_id, Action.RECORD_AUDIT)
    audit = Audit.objects.get(pk=audit.pk)
    errors: dict[str, str] = {}
    values = {
        "title": _line(
            title, "title", errors, required_message=_("Name the finding."), limit=SHORT_MAX
        ),
        "description": _text(
            description, "description", errors, required_message=_("Describe what was found.")
        ),
        "severity": severity,
        "owner": _line(
            owner,
            "owner",
            errors,
            required_message=_("Say who answers for the follow-up."),
            limit=SHORT_MAX,
        ),
        "due_on": due_on,
    }
    if severity not in FindingSeverity.values:
        errors["severity"] = _("Choose a severity.")
    if due_on is None:
        errors["due_on"] = _("Give the date it must be addressed by.")
    elif due_on < audit.started_on:
        errors["due_on"] = _("The due date cannot be before the audit started (%(date)s).") % {
            "date": audit.started_on.isoformat()
        }
    _raise(errors)
    finding = Finding.objects.create(audit=audit, **values)
    _audit(
        actor,
        "contracts.finding_add",
        finding,
        contract,
        audit=audit.pk,
        finding=finding.pk,
        title=finding.title,
        severity=finding.severity,
        owner=finding.owner,
        due_on=finding.due_on.isoformat(),
    )
    return finding


@transaction.atomic
def finding_update(*, actor: User, finding: Finding, note: str, status: str) -> FindingUpdate:
    """Append a step of a finding's follow-up and set its status.

    Checks: a note saying what was done; a status of :class:`FindingStatus`.
    Closing sets ``closed_on`` to today; reopening (any other status after
    closed) clears it; a note with the status unchanged records progress.
    """
    contract = _locked_signed_contract(actor, finding.audit.contract_id, Action.RECORD_AUDIT)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    errors: dict[str, str] = {}
    text = _text(note, "note", errors, required_message=_("Say what was done or decided."))
    if status not in FindingStatus.values:
        errors["status"] = _("Choose a status.")
    _raise(errors)
    before = finding.status
    if status != before:
        finding.status = status
        finding.closed_on = timezone.localdate() if status == FindingStatus.CLOSED else None
        finding.save(update_fields=["status", "closed_on", "updated_at"])
    update = FindingUpdate.objects.create(
        finding=finding, note=text, status=status, created_by=actor
    )
    _audit(
        actor,
        "contracts.finding_update",
        finding,
        contract,
        finding=finding.pk,
        update=update.pk,
        note=text,
        status_before=before,
        status=status,
        closed_on=finding.closed_on.isoformat() if finding.closed_on else None,
    )
    return update
