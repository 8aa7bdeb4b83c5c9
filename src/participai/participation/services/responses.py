"""Staff answering what people said: "you said, we did".

A response answers one or many contributions of one process with what
became of them (status), what it changed (``change_kind`` and, where that is
a record, ``target``), why (``reason``), and the gate decision it fed.
Writing one needs ``Action.MANAGE_PARTICIPATION``; it is public at once, so
the procurement's cached public page is refreshed, each answered
contribution's ``response_count`` moves in the same transaction, and the
people concerned are told: the authors of the answered contributions and
the process's followers, once each per response (see :func:`_notify`).
Bad input raises ``ValidationError`` keyed by field and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from participai.accounts.models import EmailFrequency, Participant, User
from participai.core.audit import audit_record
from participai.core.text import clean_plain, render_markdown
from participai.engagement.models import Actor
from participai.procurements.access import Action, require
from participai.procurements.models import Document, GateDecision, Procurement

from ..models import (
    ChangeKind,
    Contribution,
    ContributionStatus,
    Follow,
    Notification,
    NotificationKind,
    Process,
    Response,
    ResponseStatus,
)
from ..tasks import send_response_notification
from .notifications import notification_address

logger = logging.getLogger(__name__)

CHANGE_MAX = 2000
REASON_MAX = 5000
LABEL_MAX = 300
# What each kind of change points to: a record of the procurement, a name
# typed in (requirements, criteria, KPIs and clauses have no records yet),
# the gate decision itself, or nothing.
TARGET_MODELS: dict[str, type[models.Model]] = {
    ChangeKind.ACTOR: Actor,
    ChangeKind.DOCUMENT: Document,
}
LABELLED_KINDS = frozenset(
    {ChangeKind.REQUIREMENT, ChangeKind.CRITERION, ChangeKind.KPI, ChangeKind.CLAUSE}
)
# The fields ``response_update`` accepts.
RESPONSE_FIELDS = (
    "contributions",
    "status",
    "change_kind",
    "change",
    "reason",
    "decision",
    "target",
    "target_label",
)


def _refresh_portal(procurement_id: int) -> None:
    """The procurement's public page shows its answers and is cached by the
    procurement's version (as ``services.processes._refresh_portal``): move
    the version so the page is built again."""
    Procurement.objects.filter(pk=procurement_id).update(version=F("version") + 1)


def _ids(contributions: Iterable[Contribution | int]) -> list[int]:
    return sorted({c if isinstance(c, int) else c.pk for c in contributions})


def _check(process: Process, values: dict[str, Any], *, added: set[int]) -> dict[str, Any]:
    """Validate a response's values; return them cleaned (``target_label``
    set from the target when it has one). ``added``: the contribution ids
    new to the response, which must be visible."""
    errors: dict[str, str] = {}
    procurement = process.procurement
    ids = values["contributions"]
    if not ids:
        errors["contributions"] = _("Choose at least one contribution to answer.")
    else:
        found = dict(
            Contribution.objects.filter(pk__in=ids, module__process=process).values_list(
                "pk", "status"
            )
        )
        if len(found) != len(ids):
            errors["contributions"] = _("Answer only contributions made in this process.")
        elif any(found[pk] != ContributionStatus.VISIBLE for pk in added):
            errors["contributions"] = _(
                "Hidden contributions and those removed by their authors cannot be answered."
            )
    if values["status"] not in ResponseStatus.values:
        errors["status"] = _("Choose what became of it.")
    kind = values["change_kind"]
    if kind not in ChangeKind.values:
        errors["change_kind"] = _("Choose what it changed.")
    if not values["reason"]:
        errors["reason"] = _("Say why: people read the reason first.")
    elif len(values["reason"]) > REASON_MAX:
        errors["reason"] = _("At most %(limit)d characters.") % {"limit": REASON_MAX}
    if kind != ChangeKind.NO_CHANGE and not values["change"]:
        errors["change"] = _("Say what you did, unless nothing changed.")
    elif len(values["change"]) > CHANGE_MAX:
        errors["change"] = _("At most %(limit)d characters.") % {"limit": CHANGE_MAX}
    decision = values["decision"]
    if decision is not None and (
        not isinstance(decision, GateDecision) or decision.procurement_id != procurement.pk
    ):
        errors["decision"] = _("Choose a decision taken in this procurement.")
    elif decision is None and kind == ChangeKind.DECISION:
        errors["decision"] = _("Choose the decision it changed.")
    target, label = values["target"], values["target_label"]
    model = TARGET_MODELS.get(kind)
    if model is not None:
        if (
            not isinstance(target, model)
            or target.pk is None
            or target.procurement_id != procurement.pk
        ):
            errors["target"] = (
                _("Choose who is involved, from this procurement's actor map.")
                if model is Actor
                else _("Choose a document of this procurement.")
            )
        elif isinstance(target, Document) and not target.is_public:
            # The answer is public, so what it points to must be too.
            errors["target"] = _("Choose a public document: the answer is public.")
        else:
            label = str(target)[:LABEL_MAX]
    elif target is not None:
        errors["target"] = _("This kind of change does not point to a record.")
    elif kind in LABELLED_KINDS:
        if not label:
            errors["target_label"] = _("Name what it changed.")
        elif len(label) > LABEL_MAX:
            errors["target_label"] = _("At most %(limit)d characters.") % {"limit": LABEL_MAX}
    else:
        label = ""
    if errors:
        raise ValidationError(errors)
    return {**values, "target_label": label}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {
        **values,
        "contributions": _ids(values["contributions"]),
        "change": (values["change"] or "").strip(),
        "reason": (values["reason"] or "").strip(),
        "target_label": clean_plain(values["target_label"] or ""),
    }


def _apply(response: Response, values: dict[str, Any]) -> None:
    response.status = values["status"]
    response.change_kind = values["change_kind"]
    response.change = values["change"]
    response.reason = values["reason"]
    response.reason_html = render_markdown(values["reason"])
    response.decision = values["decision"]
    target = values["target"]
    if target is None:
        response.target_type, response.target_id = None, None
    else:
        response.target_type = ContentType.objects.get_for_model(target)
        response.target_id = target.pk
    response.target_label = values["target_label"]


def _snapshot(response: Response) -> dict[str, Any]:
    return {
        "status": response.status,
        "change_kind": response.change_kind,
        "change": response.change,
        "reason": response.reason,
        "decision": response.decision_id,
        "target": (response.target_type_id, response.target_id),
        "target_label": response.target_label,
    }


def _audit_data(response: Response, process: Process) -> dict[str, Any]:
    return {
        "procurement": process.procurement.slug,
        "process": process.slug,
        "contributions": sorted(c.pk for c in response.contributions.all()),
        "status": response.status,
        "change_kind": response.change_kind,
        "decision": response.decision_id,
        "target": (
            f"{response.target_type.app_label}.{response.target_type.model}:{response.target_id}"
            if response.target_type_id
            else None
        ),
        "target_label": response.target_label,
    }


def _notify(response: Response, process: Process, *, authors_of: list[int], followers: bool):
    """Make the notifications a response brings, and have the immediate ones
    mailed once the transaction commits.

    One per participant per response: the authors of the contributions
    ``authors_of`` ("your contribution was answered"), and with
    ``followers`` the process's followers ("a new answer"), an author who
    also follows hearing once, as an author. Nobody who deleted their data,
    asked for no mail, or has no address we may use; nobody who already
    has one for this response. Queuing happens after the commit and never
    fails the caller (see ``enqueue``).
    """
    authors = set(
        Contribution.objects.filter(pk__in=authors_of).values_list("participant_id", flat=True)
    )
    wanted = set(authors)
    if followers:
        wanted |= set(
            Follow.objects.filter(process=process).values_list("participant_id", flat=True)
        )
    if not wanted:
        return
    already = set(
        Notification.objects.filter(response=response, participant_id__in=wanted).values_list(
            "participant_id", flat=True
        )
    )
    people = (
        Participant.objects.filter(pk__in=wanted - already, removed_at__isnull=True)
        .exclude(email_frequency=EmailFrequency.NEVER)
        .select_related("user")
    )
    rows = [
        Notification(
            participant=person,
            kind=NotificationKind.ANSWERED
            if person.pk in authors
            else NotificationKind.PROCESS_RESPONSE,
            process=process,
            response=response,
        )
        for person in people
        if notification_address(person)
    ]
    if not rows:
        return
    # SQLite and PostgreSQL both give the new rows their ids here.
    Notification.objects.bulk_create(rows)
    immediate = [
        row.pk for row in rows if row.participant.email_frequency == EmailFrequency.IMMEDIATELY
    ]
    if immediate:

        def enqueue() -> None:
            # After the commit the answer is saved whatever happens here: a
            # queue that is down must neither fail the staff's request nor
            # stop the others; the row waits for send_overdue_notifications.
            for pk in immediate:
                try:
                    send_response_notification.enqueue(notification_id=pk)
                except Exception:
                    logger.exception("Could not queue the mail of notification %s", pk)

        transaction.on_commit(enqueue)


def _process(process: Process) -> Process:
    return Process.objects.select_related("procurement").get(pk=process.pk)


@transaction.atomic
def response_create(
    *,
    actor: User,
    process: Process,
    contributions: Iterable[Contribution | int],
    status: str,
    change_kind: str,
    reason: str,
    change: str = "",
    decision: GateDecision | None = None,
    target: models.Model | None = None,
    target_label: str = "",
) -> Response:
    """Answer ``contributions`` (visible ones of ``process``) with one response.

    ``reason`` (Markdown) is required; ``change`` too unless ``change_kind``
    is ``no_change``. ``decision``, if given, is a gate decision of the same
    procurement (required when the change is a decision). ``target`` is the
    record changed: an actor of the procurement's actor map for ``actor``, a
    public document of the procurement for ``document``; for a requirement,
    criterion, KPI or clause (no records yet) ``target_label`` names it.
    """
    process = _process(process)
    require(actor, Action.MANAGE_PARTICIPATION, process.procurement)
    values = _clean(
        {
            "contributions": contributions,
            "status": status,
            "change_kind": change_kind,
            "change": change,
            "reason": reason,
            "decision": decision,
            "target": target,
            "target_label": target_label,
        }
    )
    values = _check(process, values, added=set(values["contributions"]))
    response = Response(procurement=process.procurement, process=process, created_by=actor)
    _apply(response, values)
    response.save()
    response.contributions.set(values["contributions"])
    Contribution.objects.filter(pk__in=values["contributions"]).update(
        response_count=F("response_count") + 1
    )
    _refresh_portal(process.procurement_id)
    audit_record(
        actor=actor,
        action="response.created",
        target=response,
        organisation_id=process.procurement.organisation_id,
        data=_audit_data(response, process),
    )
    _notify(response, process, authors_of=values["contributions"], followers=True)
    return response


@transaction.atomic
def response_update(*, actor: User, response: Response, **changes: Any) -> Response:
    """Change any of :data:`RESPONSE_FIELDS`, with the same checks as on
    creation (contributions added must be visible; those kept may have been
    hidden since). Counters follow the contributions added and dropped; the
    authors of added ones are told, followers are not told again.

    Precondition: ``changes`` names only those fields (``TypeError`` otherwise).
    """
    unknown = set(changes) - set(RESPONSE_FIELDS)
    if unknown:
        raise TypeError(f"response_update got unknown fields {sorted(unknown)}")
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("process__procurement", "decision", "target_type")
        .get(pk=response.pk)
    )
    process = response.process
    require(actor, Action.MANAGE_PARTICIPATION, process.procurement)
    before = set(response.contributions.values_list("pk", flat=True))
    values = {
        "contributions": before,
        "status": response.status,
        "change_kind": response.change_kind,
        "change": response.change,
        "reason": response.reason,
        "decision": response.decision,
        "target": response.target,
        "target_label": response.target_label,
        **changes,
    }
    if "target" not in changes and TARGET_MODELS.get(values["change_kind"]) is not type(
        values["target"]
    ):
        # A new kind of change drops a record that no longer fits it.
        values["target"] = None
    values = _clean(values)
    after = set(values["contributions"])
    values = _check(process, values, added=after - before)
    stored = _snapshot(response)
    _apply(response, values)
    # Compared on what is stored, so a form sending everything again changes nothing.
    changed = [name for name, value in _snapshot(response).items() if stored[name] != value]
    if before != after:
        changed.append("contributions")
    if not changed:
        return response
    response.save()
    if before != after:
        response.contributions.set(sorted(after))
        Contribution.objects.filter(pk__in=after - before).update(
            response_count=F("response_count") + 1
        )
        Contribution.objects.filter(pk__in=before - after, response_count__gt=0).update(
            response_count=F("response_count") - 1
        )
    _refresh_portal(process.procurement_id)
    audit_record(
        actor=actor,
        action="response.updated",
        target=response,
        organisation_id=process.procurement.organisation_id,
        data={**_audit_data(response, process), "fields": sorted(changed)},
    )
    _notify(response, process, authors_of=sorted(after - before), followers=False)
    return response
