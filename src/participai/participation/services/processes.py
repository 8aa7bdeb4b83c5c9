"""Every write to a participation process and its modules: create, update,
add a module, publish.

Keyword-only, one transaction each, the actor's right checked through the
procurement's access rules (``Action.MANAGE_PARTICIPATION``), an audit event
in the same transaction. Bad input raises ``ValidationError`` keyed by field
and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.engagement.models import EngagementActivity
from participai.procurements import lifecycle
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import (
    DecisionStage,
    Module,
    ModuleKind,
    PrioritisationMethod,
    Process,
    ReadRequires,
    WriteRequires,
)

# The fields a process form sets; ``process_update`` accepts these only.
PROCESS_FIELDS = (
    "title",
    "slug",
    "question",
    "description",
    "negotiable",
    "not_negotiable",
    "decision_stage",
    "opens_at",
    "closes_at",
    "activity",
    "read_requires",
    "contribute_requires",
    "vote_requires",
)
# Short names that pages of the workspace and the portal use where a
# procurement's process slugs go (/p/<slug>/tender/, …/report/).
RESERVED_SLUGS = frozenset({"new", "report", "tender", "monitoring"})
# A dot vote's budget: enough to spread, few enough to force a choice.
DOT_BUDGET_RANGE = (1, 100)


def _check_process(procurement: Procurement, values: dict[str, Any], *, exclude: int | None):
    errors: dict[str, str] = {}
    for name in ("title", "question", "negotiable"):
        if not clean_plain(values.get(name, "")):
            errors[name] = _("This field is required.")
    slug = values.get("slug", "")
    if not slug:
        errors["slug"] = _("This field is required.")
    elif slug in RESERVED_SLUGS:
        errors["slug"] = _("“%(slug)s” names a page of its own; choose another short name.") % {
            "slug": slug
        }
    elif Process.objects.filter(procurement=procurement, slug=slug).exclude(pk=exclude).exists():
        errors["slug"] = _("Another process of this procurement has this short name.")
    if values.get("decision_stage") not in DecisionStage.values:
        errors["decision_stage"] = _("Choose a decision stage.")
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if not isinstance(opens, datetime):
        errors["opens_at"] = _("Give the date and time it opens.")
    if not isinstance(closes, datetime):
        errors["closes_at"] = _("Give the date and time it closes.")
    elif isinstance(opens, datetime) and closes <= opens:
        errors["closes_at"] = _("It must close after it opens.")
    activity = values.get("activity")
    if activity is not None and activity.procurement_id != procurement.pk:
        errors["activity"] = _("This activity belongs to another procurement.")
    if values.get("read_requires") not in ReadRequires.values:
        errors["read_requires"] = _("Choose who may read.")
    for name in ("contribute_requires", "vote_requires"):
        if values.get(name) not in WriteRequires.values:
            errors[name] = _("Choose who may take part.")
    if errors:
        raise ValidationError(errors)


def _refresh_portal(process: Process) -> None:
    """The procurement's public page lists its published processes and is
    cached by the procurement's version: move the version (atomically, the
    procurement row is not locked here) so the page is built again."""
    Procurement.objects.filter(pk=process.procurement_id).update(version=F("version") + 1)


def _audit_data(process: Process) -> dict[str, Any]:
    return {
        "procurement": process.procurement.slug,
        "process": process.slug,
        "stage": process.stage,
        "opens_at": process.opens_at,
        "closes_at": process.closes_at,
        "requires": {
            "read": process.read_requires,
            "contribute": process.contribute_requires,
            "vote": process.vote_requires,
        },
    }


@transaction.atomic
def process_create(
    *,
    actor: User,
    procurement: Procurement,
    title: str,
    slug: str,
    question: str,
    negotiable: str,
    decision_stage: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    not_negotiable: str = "",
    activity: EngagementActivity | None = None,
    read_requires: str = ReadRequires.NONE,
    contribute_requires: str = WriteRequires.GUEST,
    vote_requires: str = WriteRequires.GUEST,
) -> Process:
    """Open a draft process at the procurement's current stage.

    It stays unpublished until :func:`process_publish`. ``activity``, if
    given, is the engagement-plan activity it runs, of the same procurement.
    """
    require(actor, Action.MANAGE_PARTICIPATION, procurement)
    values = {
        "title": clean_plain(title),
        "slug": slug,
        "question": question.strip(),
        "description": description.strip(),
        "negotiable": negotiable.strip(),
        "not_negotiable": not_negotiable.strip(),
        "decision_stage": decision_stage,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "activity": activity,
        "read_requires": read_requires,
        "contribute_requires": contribute_requires,
        "vote_requires": vote_requires,
    }
    _check_process(procurement, values, exclude=None)
    process = Process.objects.create(
        procurement=procurement, stage=procurement.stage, created_by=actor, **values
    )
    audit_record(
        actor=actor,
        action="process.created",
        target=process,
        organisation_id=procurement.organisation_id,
        data=_audit_data(process),
    )
    return process


@transaction.atomic
def process_update(*, actor: User, process: Process, **changes: Any) -> Process:
    """Change any of :data:`PROCESS_FIELDS`; the same checks as on creation.

    Precondition: ``changes`` names only those fields (``TypeError`` otherwise).
    """
    unknown = set(changes) - set(PROCESS_FIELDS)
    if unknown:
        raise TypeError(f"process_update got unknown fields {sorted(unknown)}")
    process = (
        Process.objects.select_for_update(of=("self",))
        .select_related("procurement")
        .get(pk=process.pk)
    )
    require(actor, Action.MANAGE_PARTICIPATION, process.procurement)
    values = {name: getattr(process, name) for name in PROCESS_FIELDS}
    for name, value in changes.items():
        values[name] = value.strip() if isinstance(value, str) else value
    values["title"] = clean_plain(values["title"])
    _check_process(process.procurement, values, exclude=process.pk)
    changed = sorted(name for name in PROCESS_FIELDS if values[name] != getattr(process, name))
    if not changed:
        return process
    for name in changed:
        setattr(process, name, values[name])
    process.save()
    if process.is_published:
        _refresh_portal(process)
    audit_record(
        actor=actor,
        action="process.updated",
        target=process,
        organisation_id=process.procurement.organisation_id,
        data={**_audit_data(process), "fields": changed},
    )
    return process


def _check_module(
    process: Process,
    kind: str,
    title: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    config: dict[str, Any],
) -> None:
    errors: dict[str, str] = {}
    if kind not in ModuleKind.values:
        errors["kind"] = _("Choose a kind of module.")
    elif not lifecycle.stage(process.stage).enables_module(kind):
        errors["kind"] = _("The stage “%(stage)s” does not take this kind of module.") % {
            "stage": lifecycle.stage(process.stage).name
        }
    if not title:
        errors["title"] = _("This field is required.")
    opens = opens_at or process.opens_at
    closes = closes_at or process.closes_at
    if closes <= opens:
        errors["closes_at"] = _("It must close after it opens.")
    if kind == ModuleKind.PRIORITISATION:
        # A config without a method is a dot vote (modules set up before ranking existed).
        method = config.get("method", PrioritisationMethod.DOTS)
        budget = config.get("budget")
        low, high = DOT_BUDGET_RANGE
        if method not in PrioritisationMethod.values:
            errors["config"] = _("Choose dot voting or ranking.")
        elif method == PrioritisationMethod.DOTS and (
            not isinstance(budget, int) or isinstance(budget, bool) or not low <= budget <= high
        ):
            errors["config"] = _("A dot vote needs a budget of %(low)d to %(high)d points.") % {
                "low": low,
                "high": high,
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def module_add(
    *,
    actor: User,
    process: Process,
    kind: str,
    title: str,
    description: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    config: dict[str, Any] | None = None,
) -> Module:
    """Add a module at the end of the process. Its kind must be one the
    process's stage takes (``lifecycle.Stage.modules``); its own dates, if
    given, override the process's."""
    process = (
        Process.objects.select_for_update(of=("self",))
        .select_related("procurement")
        .get(pk=process.pk)
    )
    require(actor, Action.MANAGE_PARTICIPATION, process.procurement)
    config = dict(config or {})
    title = clean_plain(title)
    _check_module(process, kind, title, opens_at, closes_at, config)
    position = (process.modules.aggregate(p=Max("position"))["p"] or 0) + 1
    module = Module.objects.create(
        process=process,
        kind=kind,
        title=title,
        description=description.strip(),
        position=position,
        opens_at=opens_at,
        closes_at=closes_at,
        config=config,
    )
    audit_record(
        actor=actor,
        action="module.added",
        target=module,
        organisation_id=process.procurement.organisation_id,
        data={"process": process.slug, "kind": kind, "position": position},
    )
    return module


@transaction.atomic
def process_publish(*, actor: User, process: Process) -> Process:
    """Show the process to the public. It needs at least one module, and the
    procurement itself must be published (a public process on a hidden
    procurement would lead nowhere)."""
    process = (
        Process.objects.select_for_update(of=("self",))
        .select_related("procurement")
        .get(pk=process.pk)
    )
    require(actor, Action.MANAGE_PARTICIPATION, process.procurement)
    if process.is_published:
        return process
    if not process.modules.exists():
        raise ValidationError(_("Add at least one module before publishing."))
    if not process.procurement.is_published:
        raise ValidationError(_("Publish the procurement first; the process is part of it."))
    process.is_published = True
    process.save(update_fields=["is_published", "updated_at"])
    _refresh_portal(process)
    audit_record(
        actor=actor,
        action="process.published",
        target=process,
        organisation_id=process.procurement.organisation_id,
        data=_audit_data(process),
    )
    return process
