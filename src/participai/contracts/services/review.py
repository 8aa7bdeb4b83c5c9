"""The review of a deployed system, its exit checklist, and the lessons learned.

- :func:`review_record`: at the review stage (``Action.RECORD_REVIEW``: the
  organisation's admin, procurement officers and project leads), the
  evaluation of outcomes against the mission and the KPIs, the participation
  processes where people reviewed the system, and the decision. A decision
  to exit or to procure again opens the exit checklist from the contract's
  exit plan: one step per kind (data returned, data destroyed, handover,
  notices), unless the contract already has steps.
- :func:`exit_step_add`, :func:`exit_step_update`, :func:`exit_step_done`:
  the checklist, kept by the same roles at the same stage; a step is done
  only with what shows it (``evidence``).
- :func:`lesson_write`, :func:`lesson_update`: lessons learned
  (``Action.WRITE_LESSONS``: the procurement team, at any stage, also once
  the procurement is stopped or closed). The lesson keeps the stage the
  procurement was at when it was written.

Each write locks the procurement row, checks the actor's right, checks the
input (``ValidationError`` keyed by field, nothing saved) and writes its audit
event (``contracts.<thing>_<verb>``) in the same transaction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.participation.models import Process
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import (
    Contract,
    ContractStatus,
    ExitStep,
    ExitStepKind,
    Lesson,
    Review,
    ReviewDecision,
)
from ._common import SHORT_MAX, _line, _raise, _text

MAX_TAGS = 10
TAG_MAX = 40

# The decisions that end the contract, and so start its exit plan.
ENDING_DECISIONS = frozenset({ReviewDecision.EXIT, ReviewDecision.REPROCURE})

# The kinds of step the checklist starts with, and the words by which the
# exit plan's sentences are matched to each (English, Spanish, Catalan stems).
CHECKLIST_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ExitStepKind.DATA_RETURNED, ("return", "devol", "retorn", "export", "portab")),
    (ExitStepKind.DATA_DESTROYED, ("destr", "delet", "erase", "borr", "elimin", "certif")),
    (ExitStepKind.HANDOVER, ("handover", "hand over", "in-house", "in house", "transfer", "tras")),
    (ExitStepKind.NOTICES, ("notice", "notif", "inform", "aviso", "avís", "public")),
)

_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n+")


# --- Shared ------------------------------------------------------------------------------


def _locked(actor: User, procurement_id: int, action: Action) -> Procurement:
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=procurement_id)
    )
    require(actor, action, procurement)
    return procurement


def _audit(actor: User, action: str, target: Any, procurement: Procurement, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        organisation_id=procurement.organisation_id,
        data={"procurement": procurement.slug, **data},
    )


def _past_date(value: Any, field: str, errors: dict[str, str], *, required: str) -> Any:
    if not value:
        errors[field] = required
    elif not isinstance(value, datetime.date):
        errors[field] = _("Give a date.")
    elif value > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
    return value


def _choice(value: str, choices: Any, field: str, errors: dict[str, str]) -> str:
    if value not in choices.values:
        errors[field] = _("Choose one of the options.")
    return value


# --- The review --------------------------------------------------------------------------


def exit_plan_steps(exit_plan: str) -> list[tuple[str, str]]:
    """The checklist's first steps as ``(kind, description)``: one per kind of
    :data:`CHECKLIST_KINDS`, described by the exit plan's sentences that speak
    of it (a sentence may serve several kinds), or by the kind's own label
    when the plan says nothing of it."""
    sentences = [s.strip(" -*\t") for s in _SENTENCE.split(exit_plan or "") if s.strip(" -*\t")]
    steps = []
    for kind, stems in CHECKLIST_KINDS:
        matching = [s for s in sentences if any(stem in s.lower() for stem in stems)]
        description = " ".join(matching) if matching else str(ExitStepKind(kind).label)
        steps.append((str(kind), description))
    return steps


def _open_checklist(actor: User, contract: Contract, procurement: Procurement) -> list[ExitStep]:
    if ExitStep.objects.filter(contract=contract).exists():
        return []
    team = procurement.organisation.name
    owners = {
        ExitStepKind.DATA_RETURNED: contract.supplier_name,
        ExitStepKind.DATA_DESTROYED: contract.supplier_name,
        ExitStepKind.HANDOVER: team,
        ExitStepKind.NOTICES: team,
    }
    steps = [
        ExitStep.objects.create(
            contract=contract,
            kind=kind,
            description=description,
            owner=owners[ExitStepKind(kind)][:SHORT_MAX],
        )
        for kind, description in exit_plan_steps(contract.exit_plan)
    ]
    _audit(
        actor,
        "contracts.exit_checklist_open",
        contract,
        procurement,
        contract=contract.pk,
        steps=[step.kind for step in steps],
    )
    return steps


@transaction.atomic
def review_record(
    *,
    actor: User,
    procurement: Procurement,
    outcomes: str,
    kpi_assessment: str,
    sessions: Iterable[Process | int] = (),
    decision: str,
    rationale: str,
    decided_on: datetime.date,
) -> Review:
    """Record the review of the deployed system and its decision.

    Preconditions: ``actor`` may ``RECORD_REVIEW`` (review stage, active
    procurement); ``sessions`` are participation processes of this
    procurement. A decision to exit or procure again needs a signed contract
    and opens its exit checklist (see :func:`exit_plan_steps`) when it has
    no step yet.
    """
    procurement = _locked(actor, procurement.pk, Action.RECORD_REVIEW)
    errors: dict[str, str] = {}
    values = {
        "outcomes": _text(
            outcomes,
            "outcomes",
            errors,
            required_message=_("Say what the system achieved against the mission."),
        ),
        "kpi_assessment": _text(
            kpi_assessment,
            "kpi_assessment",
            errors,
            required_message=_("Say what the KPIs show."),
        ),
        "decision": _choice(decision, ReviewDecision, "decision", errors),
        "rationale": _text(
            rationale, "rationale", errors, required_message=_("Say why this decision.")
        ),
        "decided_on": _past_date(
            decided_on, "decided_on", errors, required=_("Give the date of the decision.")
        ),
    }
    session_ids = {s.pk if isinstance(s, Process) else int(s) for s in sessions}
    found = list(Process.objects.filter(procurement=procurement, pk__in=session_ids))
    if len(found) != len(session_ids):
        errors["sessions"] = _("Choose participation processes of this procurement.")
    contract = Contract.objects.filter(procurement=procurement).first()
    if decision in ENDING_DECISIONS and (
        contract is None or contract.status != ContractStatus.SIGNED
    ):
        errors["decision"] = _(
            "There is no signed contract to leave: the exit plan cannot be started."
        )
    _raise(errors)
    review = Review.objects.create(procurement=procurement, created_by=actor, **values)
    review.sessions.set(found)
    _audit(
        actor,
        "contracts.review_record",
        review,
        procurement,
        decision=review.decision,
        decided_on=review.decided_on.isoformat(),
        sessions=sorted(session_ids),
    )
    if review.decision in ENDING_DECISIONS:
        _open_checklist(actor, contract, procurement)
    return review


# --- The exit checklist ------------------------------------------------------------------


def _step_values(
    *, description: str, owner: str, due_on: datetime.date | None, errors: dict[str, str]
) -> dict[str, Any]:
    if due_on is not None and not isinstance(due_on, datetime.date):
        errors["due_on"] = _("Give a date.")
    return {
        "description": _text(
            description,
            "description",
            errors,
            required_message=_("Say what is to be done."),
        ),
        "owner": _line(
            owner, "owner", errors, required_message=_("Say who does it."), limit=SHORT_MAX
        ),
        "due_on": due_on,
    }


def _locked_step(actor: User, step_id: int) -> tuple[ExitStep, Procurement]:
    # A step never changes contract, nor a contract procurement: safe to read before the lock.
    procurement_id = ExitStep.objects.values_list("contract__procurement_id", flat=True).get(
        pk=step_id
    )
    procurement = _locked(actor, procurement_id, Action.RECORD_REVIEW)
    return ExitStep.objects.select_for_update().get(pk=step_id), procurement


@transaction.atomic
def exit_step_add(
    *,
    actor: User,
    contract: Contract,
    kind: str,
    description: str,
    owner: str,
    due_on: datetime.date | None = None,
) -> ExitStep:
    """Add a step to the contract's exit checklist (``RECORD_REVIEW``)."""
    procurement = _locked(actor, contract.procurement_id, Action.RECORD_REVIEW)
    errors: dict[str, str] = {}
    kind = _choice(kind, ExitStepKind, "kind", errors)
    values = _step_values(description=description, owner=owner, due_on=due_on, errors=errors)
    _raise(errors)
    step = ExitStep.objects.create(contract=contract, kind=kind, **values)
    _audit(actor, "contracts.exit_step_add", step, procurement, contract=contract.pk, kind=kind)
    return step


@transaction.atomic
def exit_step_update(
    *,
    actor: User,
    step: ExitStep,
    description: str,
    owner: str,
    due_on: datetime.date | None = None,
) -> ExitStep:
    """Change what a step says, who does it and by when (``RECORD_REVIEW``)."""
    locked, procurement = _locked_step(actor, step.pk)
    errors: dict[str, str] = {}
    values = _step_values(description=description, owner=owner, due_on=due_on, errors=errors)
    _raise(errors)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*values, "updated_at"])
    _audit(
        actor,
        "contracts.exit_step_update",
        locked,
        procurement,
        contract=locked.contract_id,
        due_on=locked.due_on.isoformat() if locked.due_on else None,
    )
    return locked


@transaction.atomic
def exit_step_done(
    *, actor: User, step: ExitStep, done_on: datetime.date, evidence: str
) -> ExitStep:
    """Mark a step done on ``done_on`` (not in the future) with what shows it
    (``evidence``, required). A step done once is not done again."""
    locked, procurement = _locked_step(actor, step.pk)
    errors: dict[str, str] = {}
    _past_date(done_on, "done_on", errors, required=_("Give the date it was done."))
    evidence = _text(
        evidence, "evidence", errors, required_message=_("Say what shows it is done.")
    )
    if locked.done_on is not None:
        errors["done_on"] = _("This step was already done on %(date)s.") % {
            "date": locked.done_on.isoformat()
        }
    _raise(errors)
    locked.done_on = done_on
    locked.evidence = evidence
    locked.save(update_fields=["done_on", "evidence", "updated_at"])
    _audit(
        actor,
        "contracts.exit_step_done",
        locked,
        procurement,
        contract=locked.contract_id,
        kind=locked.kind,
        done_on=done_on.isoformat(),
    )
    return locked


# --- Lessons -----------------------------------------------------------------------------


def normalise_tags(tags: Sequence[str] | str | None, errors: dict[str, str]) -> list[str]:
    """Tags as stored: lower case, inner spaces collapsed, empty ones and
    repeats dropped, in the order given (a string is split on commas). At
    most :data:`MAX_TAGS`, each at most :data:`TAG_MAX` characters."""
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: list[str] = []
    for tag in tags or ():
        text = " ".join(str(tag).split()).lower()
        if text and text not in seen:
            seen.append(text)
    if len(seen) > MAX_TAGS:
        errors["tags"] = _("Use at most %(n)d tags.") % {"n": MAX_TAGS}
    elif any(len(tag) > TAG_MAX for tag in seen):
        errors["tags"] = _("Keep each tag under %(n)d characters.") % {"n": TAG_MAX}
    return seen


def _lesson_values(
    *,
    what_worked: str,
    what_failed: str,
    do_differently: str,
    tags: Sequence[str] | str | None,
    shareable: bool,
    errors: dict[str, str],
) -> dict[str, Any]:
    return {
        "what_worked": _text(
            what_worked, "what_worked", errors, required_message=_("Say what worked.")
        ),
        "what_failed": _text(
            what_failed,
            "what_failed",
            errors,
            required_message=_("Say what failed, and why."),
        ),
        "do_differently": _text(
            do_differently,
            "do_differently",
            errors,
            required_message=_("Say what you would do differently."),
        ),
        "tags": normalise_tags(tags, errors),
        "shareable": bool(shareable),
    }


@transaction.atomic
def lesson_write(
    *,
    actor: User,
    procurement: Procurement,
    what_worked: str,
    what_failed: str,
    do_differently: str,
    tags: Sequence[str] | str | None = (),
    shareable: bool = False,
) -> Lesson:
    """Write a lesson learned (``WRITE_LESSONS``: at any stage, and after the
    procurement was stopped or closed). It keeps the procurement's current
    stage."""
    procurement = _locked(actor, procurement.pk, Action.WRITE_LESSONS)
    errors: dict[str, str] = {}
    values = _lesson_values(
        what_worked=what_worked,
        what_failed=what_failed,
        do_differently=do_differently,
        tags=tags,
        shareable=shareable,
        errors=errors,
    )
    _raise(errors)
    lesson = Lesson.objects.create(
        procurement=procurement, stage=procurement.stage, created_by=actor, **values
    )
    _audit(
        actor,
        "contracts.lesson_write",
        lesson,
        procurement,
        stage=lesson.stage,
        tags=lesson.tags,
        shareable=lesson.shareable,
    )
    return lesson


@transaction.atomic
def lesson_update(
    *,
    actor: User,
    lesson: Lesson,
    what_worked: str,
    what_failed: str,
    do_differently: str,
    tags: Sequence[str] | str | None = (),
    shareable: bool = False,
) -> Lesson:
    """Change a lesson (``WRITE_LESSONS``); the stage it was written at stays."""
    procurement = _locked(actor, lesson.procurement_id, Action.WRITE_LESSONS)
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    errors: dict[str, str] = {}
    values = _lesson_values(
        what_worked=what_worked,
        what_failed=what_failed,
        do_differently=do_differently,
        tags=tags,
        shareable=shareable,
        errors=errors,
    )
    _raise(errors)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*values, "updated_at"])
    _audit(
        actor,
        "contracts.lesson_update",
        locked,
        procurement,
        tags=locked.tags,
        shareable=locked.shareable,
    )
    return locked
