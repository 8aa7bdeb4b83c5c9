"""Every write to a procurement, its gates and its documents.

Each service is keyword-only, runs in one transaction, checks the actor's
right through ``access.require`` and writes its audit event in that same
transaction. Bad input raises ``ValidationError`` (keyed by field) before
anything is written.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participai.accounts.models import Organisation, User
from participai.core.audit import audit_record
from participai.core.text import clean_plain

from . import lifecycle, uploads
from .access import Action, is_member, require, require_in_organisation
from .checks import CheckResult
from .models import (
    Document,
    DocumentType,
    EntryRoute,
    GateDecision,
    GateOutcome,
    ImpactLevel,
    Procurement,
    ProcurementStatus,
)
from .selectors import gate_checklist
from .uploads import UploadRejected, check_upload

MIN_RATIONALE_CHARS = 20
OTHER_DECIDERS_MAX = GateDecision._meta.get_field("other_deciders").max_length
TITLE_MAX = Document._meta.get_field("title").max_length
EDITABLE_FIELDS = (
    "title",
    "mission",
    "problem_statement",
    "affected_people",
    "non_ai_alternatives",
    "entry_route",
    "estimated_value",
    "currency",
)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80] or "procurement"
    slug, n = base, 2
    while Procurement.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _validate_definition(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not values.get("title", "").strip():
        errors["title"] = _("Give the procurement a title.")
    if not values.get("mission", "").strip():
        errors["mission"] = _("State the public mission this purchase serves.")
    if not values.get("problem_statement", "").strip():
        errors["problem_statement"] = _("Describe the problem to be solved.")
    if values.get("entry_route") not in EntryRoute.values:
        errors["entry_route"] = _("Choose how the AI would enter.")
    value = values.get("estimated_value")
    if value is not None:
        try:
            if Decimal(value) < 0:
                errors["estimated_value"] = _("The estimated value cannot be negative.")
        except (InvalidOperation, TypeError, ValueError):
            errors["estimated_value"] = _("Give the estimated value as a number.")
    currency = values.get("currency", "EUR")
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        errors["currency"] = _("Use a three-letter currency code such as EUR.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def procurement_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    mission: str,
    problem_statement: str,
    affected_people: str = "",
    non_ai_alternatives: str = "",
    entry_route: str = EntryRoute.FORMAL_TENDER,
    estimated_value: Decimal | None = None,
    currency: str = "EUR",
) -> Procurement:
    """Open a new procurement at the first stage, as an unpublished draft."""
    require_in_organisation(actor, Action.CREATE, organisation)
    values = {
        "title": clean_plain(title),
        "mission": mission.strip(),
        "problem_statement": problem_statement.strip(),
        "affected_people": affected_people.strip(),
        "non_ai_alternatives": non_ai_alternatives.strip(),
        "entry_route": entry_route,
        "estimated_value": estimated_value,
        "currency": (currency or "EUR").upper(),
    }
    _validate_definition(values)
    procurement = Procurement(
        organisation=organisation,
        slug=_unique_slug(values["title"]),
        created_by=actor,
        **values,
    )
    procurement.full_clean()
    procurement.save()
    audit_record(
        actor=actor,
        action="procurement.created",
        target=procurement,
        organisation_id=organisation.id,
        data={"title": procurement.title, "stage": procurement.stage},
    )
    return procurement


@transaction.atomic
def procurement_update(*, actor: User, procurement: Procurement, **changes: Any) -> Procurement:
    """Change the definition (mission, problem, route, value) while the stage allows it.

    Only fields in :data:`EDITABLE_FIELDS` may change; the audit event names
    each changed field with its previous and new value.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in unknown}
        )
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.EDIT, procurement)
    if "title" in changes:
        changes["title"] = clean_plain(changes["title"])
    if "currency" in changes:
        changes["currency"] = (changes["currency"] or "").upper()
    for field in ("mission", "problem_statement", "affected_people", "non_ai_alternatives"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    merged = {field: getattr(procurement, field) for field in EDITABLE_FIELDS} | changes
    _validate_definition(merged)
    diff = {
        field: {"from": getattr(procurement, field), "to": value}
        for field, value in changes.items()
        if getattr(procurement, field) != value
    }
    if not diff:
        return procurement
    for field, value in changes.items():
        setattr(procurement, field, value)
    procurement.full_clean()
    procurement.save()
    audit_record(
        actor=actor,
        action="procurement.updated",
        target=procurement,
        organisation_id=procurement.organisation_id,
        data={"changes": diff},
    )
    return procurement


@transaction.atomic
def procurement_publish(*, actor: User, procurement: Procurement) -> Procurement:
    """Make the procurement, its decisions and its public documents visible
    on the portal. Publication cannot be withdrawn; publishing twice is a no-op."""
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.PUBLISH, procurement)
    if procurement.is_published:
        return procurement
    procurement.is_published = True
    procurement.published_at = timezone.now()
    procurement.save(update_fields=["is_published", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="procurement.published",
        target=procurement,
        organisation_id=procurement.organisation_id,
        data={"stage": procurement.stage},
    )
    return procurement


@transaction.atomic
def procurement_record_impact_level(
    *, actor: User, procurement: Procurement, level: int, source: str
) -> Procurement:
    """Record the impact level an assessment arrived at. ``source`` says which
    assessment (the impact questionnaire records its own id here)."""
    if level not in ImpactLevel.values:
        raise ValidationError({"level": _("The impact level must be 1, 2, 3 or 4.")})
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.ASSESS, procurement)
    previous = procurement.impact_level
    procurement.impact_level = level
    procurement.save(update_fields=["impact_level", "updated_at"])
    audit_record(
        actor=actor,
        action="procurement.impact_level_recorded",
        target=procurement,
        organisation_id=procurement.organisation_id,
        data={"from": previous, "to": level, "source": source},
    )
    return procurement


def _failed(checks: list[CheckResult]) -> list[CheckResult]:
    return [check for check in checks if not check.passed]


@transaction.atomic
def gate_decide(
    *,
    actor: User,
    procurement: Procurement,
    outcome: str,
    rationale: str,
    decided_on: datetime.date | None = None,
    deciders: list[User] | None = None,
    other_deciders: str = "",
    return_to_stage: str = "",
    notify: bool = True,
) -> GateDecision:
    """Take the decision that closes the current stage.

    *proceed* moves to the next stage (or completes the lifecycle after
    review) and requires every check of the gate to pass; *revise* stays, or
    returns to ``return_to_stage`` (an earlier stage); *stop* and *do not use
    AI* close the procurement. The decision is immutable once written, keeps a
    snapshot of the checklist, and notifies the organisation's members unless
    ``notify`` is false (for recording past decisions in bulk, as the demo does).
    """
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=procurement.pk)
    )
    require(actor, Action.DECIDE_GATE, procurement)
    today = timezone.localdate()
    decided_on = decided_on or today
    deciders = list(dict.fromkeys(deciders)) if deciders else [actor]
    errors: dict[str, str] = {}
    if outcome not in GateOutcome.values:
        errors["outcome"] = _("Choose proceed, revise, stop or do not use AI.")
    rationale = (rationale or "").strip()
    if len(rationale) < MIN_RATIONALE_CHARS:
        errors["rationale"] = _("Explain the decision in at least %(n)d characters.") % {
            "n": MIN_RATIONALE_CHARS
        }
    if decided_on > today:
        errors["decided_on"] = _("A decision cannot be dated in the future.")
    last = procurement.decisions.order_by("-decided_on").values_list("decided_on", flat=True)
    if last and decided_on < last[0]:
        errors["decided_on"] = _(
            "This procurement already has a decision dated %(date)s; a new one cannot be earlier."
        ) % {"date": last[0].isoformat()}
    other_deciders = clean_plain(other_deciders)
    if len(other_deciders) > OTHER_DECIDERS_MAX:
        errors["other_deciders"] = _("Keep this under %(n)d characters.") % {
            "n": OTHER_DECIDERS_MAX
        }
    outsiders = [
        user
        for user in deciders
        if not (user.is_active and is_member(user, procurement.organisation_id))
    ]
    if outsiders:
        errors["deciders"] = _(
            "Only members of %(org)s can be named here; name others under 'also taken by'."
        ) % {"org": procurement.organisation.name}
    if return_to_stage:
        if outcome != GateOutcome.REVISE:
            errors["return_to_stage"] = _("Only a decision to revise returns to a stage.")
        elif return_to_stage not in lifecycle.STAGE_KEYS or lifecycle.is_before(
            procurement.stage, return_to_stage
        ):
            errors["return_to_stage"] = _("Return to this stage or an earlier one.")
    checks = gate_checklist(procurement)
    if outcome == GateOutcome.PROCEED and _failed(checks) and "outcome" not in errors:
        errors["outcome"] = _("The gate's checks do not all pass: %(list)s.") % {
            "list": "; ".join(check.label for check in _failed(checks))
        }
    if errors:
        raise ValidationError(errors)

    decision = GateDecision(
        procurement=procurement,
        stage=procurement.stage,
        outcome=outcome,
        rationale=rationale,
        decided_on=decided_on,
        other_deciders=other_deciders,
        return_to_stage=return_to_stage,
        checks=[check.as_dict() for check in checks],
        recorded_by=actor,
    )
    decision.save()
    decision.deciders.set(deciders)

    from_stage = procurement.stage
    if outcome == GateOutcome.PROCEED:
        following = lifecycle.next_stage(procurement.stage)
        if following is None:
            procurement.status = ProcurementStatus.COMPLETED
            procurement.closed_at = timezone.now()
        else:
            procurement.stage = following.key
            procurement.phase = following.phase
    elif outcome == GateOutcome.REVISE and return_to_stage:
        procurement.stage = return_to_stage
        procurement.phase = lifecycle.stage(return_to_stage).phase
    elif outcome == GateOutcome.STOP:
        procurement.status = ProcurementStatus.STOPPED
        procurement.closed_at = timezone.now()
    elif outcome == GateOutcome.NO_AI:
        procurement.status = ProcurementStatus.NO_AI
        procurement.closed_at = timezone.now()
    procurement.save(update_fields=["stage", "phase", "status", "closed_at", "updated_at"])

    audit_record(
        actor=actor,
        action="gate.decided",
        target=decision,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "stage": from_stage,
            "outcome": outcome,
            "decided_on": decided_on.isoformat(),
            "deciders": sorted(user.username for user in deciders),
            "to_stage": procurement.stage,
            "status": procurement.status,
            "failed_checks": [check.key for check in _failed(checks)],
        },
    )
    if notify:
        from .tasks import notify_gate_decision

        transaction.on_commit(lambda: notify_gate_decision.enqueue(decision_id=decision.pk))
    return decision


def hash_and_head(upload: IO[bytes]) -> tuple[str, bytes, int]:
    digest = hashlib.sha256()
    head = b""
    size = 0
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        if not head:
            head = chunk[:8192]
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), head, size


@transaction.atomic
def document_add(
    *,
    actor: User,
    procurement: Procurement,
    title: str,
    document_type: str = DocumentType.OTHER,
    description: str = "",
    body: str = "",
    upload: IO[bytes] | None = None,
    filename: str = "",
    is_public: bool = True,
) -> Document:
    """Attach a file or an authored text to the procurement's current stage.

    Exactly one of ``upload`` (with its ``filename``) and ``body`` is given. A
    file is accepted only if its type and size pass :func:`uploads.check_upload`;
    it is stored under its SHA-256, never under the name the user chose.
    """
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.ADD_DOCUMENT, procurement)
    errors: dict[str, str] = {}
    title = clean_plain(title)
    body = (body or "").strip()
    if not title:
        errors["title"] = _("Give the document a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)d characters.") % {"n": TITLE_MAX}
    if document_type not in DocumentType.values:
        errors["document_type"] = _("Choose a document type.")
    if upload is None and not body:
        errors["body"] = _("Upload a file or write the text.")
    if upload is not None and body:
        errors["body"] = _("Upload a file or write the text, not both.")
    document = Document(
        procurement=procurement,
        stage=procurement.stage,
        document_type=document_type,
        title=title,
        description=(description or "").strip(),
        body=body,
        is_public=is_public,
        created_by=actor,
    )
    if upload is not None:
        sha256, head, size = hash_and_head(upload)
        try:
            kind = check_upload(
                filename=filename, size=size, head=head, max_bytes=settings.DOCUMENT_MAX_BYTES
            )
        except UploadRejected as rejected:
            # Marked params (a kind's label) have a translation; the others
            # (extensions, sizes) have none and come back as they are. (An
            # empty one is kept as it is: gettext("") is the catalogue's header.)
            params = {name: value and _(value) for name, value in rejected.params.items()}
            errors["file"] = _(uploads.MESSAGES[rejected.code]) % params
        else:
            document.sha256 = sha256
            document.size = size
            document.extension = kind.extension
            document.content_type = kind.content_type
            document.original_filename = clean_plain(filename.rsplit("/", 1)[-1])[:255]
    if errors:
        raise ValidationError(errors)
    if upload is not None:
        document.file.save("upload", File(upload), save=False)
    try:
        document.save()
        # The public page shows documents: a new one makes its cache stale.
        procurement.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="document.added",
            target=document,
            organisation_id=procurement.organisation_id,
            data={
                "procurement": procurement.slug,
                "stage": document.stage,
                "title": document.title,
                "sha256": document.sha256 or hashlib.sha256(body.encode()).hexdigest(),
                "public": document.is_public,
            },
        )
    except Exception:
        # Nothing half-saved: the row rolls back with the transaction, and the
        # stored file goes with it.
        if document.file:
            document.file.delete(save=False)
        raise
    return document
