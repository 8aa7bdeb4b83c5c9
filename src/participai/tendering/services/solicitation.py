"""Every write while the tender is prepared: its settings, requirements and their
sources, weighted criteria, contract clauses, publication, and the public review
of the draft.

Keyword-only, one transaction each. The procurement row is locked first, then
the tender (the order ``tendering.access.access_tender`` uses), then the
actor's right is checked (``Action.PREPARE_TENDER``: the procurement team,
while the stage enables the tender and the procurement is active;
``Action.PUBLISH_TENDER`` to publish), then the input is validated
(``ValidationError`` keyed by field, nothing saved), then the write and its
audit event.

Everything but the public review changes only a draft: publication freezes
the tender, so that suppliers bid on exactly what the public page shows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participai.accounts.models import User
from participai.assessment.models import AssessmentStatus, Consequence, RightsAssessment
from participai.assessment.selectors.obligations import latest_screening, obligation_statuses
from participai.core.audit import audit_record
from participai.core.languages import active_language
from participai.core.text import clean_plain
from participai.participation.models import (
    DecisionStage,
    DocumentVersion,
    ModuleKind,
    Process,
    Response,
)
from participai.participation.services import documents as document_services
from participai.participation.services import processes as process_services
from participai.procurements import lifecycle
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from .. import clauses as clause_library
from .. import scoring
from ..models import (
    Criterion,
    CriterionGroup,
    Requirement,
    RequirementKind,
    RequirementSource,
    ScoringMethod,
    SourceKind,
    Tender,
    TenderClause,
    TenderStatus,
)
from ..selectors.solicitation import ROMAN, format_number, tender_markdown

OUTCOMES_MAX = 20_000
TITLE_MAX = 200
TEXT_MAX = 10_000
DESCRIPTION_MAX = 5_000
DESCRIPTOR_MAX = 500
CLAUSE_MAX = 20_000
LABEL_MAX = RequirementSource._meta.get_field("label").max_length
THEME_MAX = TenderClause._meta.get_field("theme").max_length
SCALE_RANGE = (1, 100)
WEIGHT_RANGE = (Decimal(0), Decimal(100))
CENT = Decimal("0.01")
UP, DOWN = "up", "down"

PUBLISHED = gettext_lazy("The tender is published; what bidders answer to no longer changes.")

# The words of scoring.check_weights' problems, by code, for people: the pure
# module marks its own English for extraction but cannot translate.
WEIGHT_MESSAGES = {
    scoring.EMPTY: gettext_lazy("Add at least one evaluation criterion."),
    scoring.UNKNOWN_GROUP: gettext_lazy(
        "The criterion “%(key)s” is in the group “%(group)s”, which is not one of the "
        "criteria groups."
    ),
    scoring.NEGATIVE: gettext_lazy(
        "The criterion “%(key)s” has a weight of %(weight)s %%; a weight cannot be negative."
    ),
    scoring.SCALE: gettext_lazy(
        "The criterion “%(key)s” is scored from 0 to %(scale_max)s; the top of the scale "
        "must be a whole number of at least 1."
    ),
    scoring.SUM: gettext_lazy("The weights add up to %(total)s %%; they must add up to 100 %%."),
    scoring.RESPONSIBLE_AI_MINIMUM: gettext_lazy(
        "Responsible-AI criteria carry %(actual)s %% of the weight; at impact level "
        "%(level)s they must carry at least %(minimum)s %%."
    ),
}
RESPONSIBLE_AI_MINIMUM_UNASSESSED = gettext_lazy(
    "Responsible-AI criteria carry %(actual)s %% of the weight; while the impact level has "
    "not been assessed they must carry at least %(minimum)s %%, the minimum for the "
    "highest impact."
)


# --- Weights ------------------------------------------------------------------------------


def minimum_for(impact_level: int | None) -> Decimal:
    """The least weight responsible-AI criteria must carry at ``impact_level``
    under this installation's settings (the strictest when unassessed)."""
    return scoring.minimum_responsible_ai_weight(
        impact_level, settings.TENDER_MIN_RESPONSIBLE_AI_WEIGHT
    )


def criterion_specs(criteria: Iterable[Criterion]) -> list[scoring.CriterionSpec]:
    """The criteria as ``scoring`` reads them, keyed by primary key."""
    return [
        scoring.CriterionSpec(
            key=str(criterion.pk),
            group=criterion.group,
            weight=criterion.weight,
            scale_max=criterion.scale_max,
            method=criterion.method,
        )
        for criterion in criteria
    ]


def weight_problem_text(problem: scoring.WeightProblem, names: Mapping[str, str]) -> str:
    """``problem`` in the active language, the criterion named by its title
    (``names`` maps keys to titles), numbers and the impact level as people read them."""
    params = dict(problem.params)
    if "key" in params:
        params["key"] = names.get(params["key"], params["key"])
    for name in ("weight", "total", "actual", "minimum"):
        if isinstance(params.get(name), Decimal | int):
            params[name] = format_number(params[name])
    if problem.code == scoring.RESPONSIBLE_AI_MINIMUM and params.get("level") is None:
        return str(RESPONSIBLE_AI_MINIMUM_UNASSESSED) % params
    if "level" in params:
        params["level"] = ROMAN.get(params["level"], params["level"])
    message = WEIGHT_MESSAGES.get(problem.code)
    # A code this module does not know yet still says something true.
    return str(message) % params if message is not None else problem.message % params


def weight_problems(criteria: Sequence[Criterion], impact_level: int | None) -> list[str]:
    """Every problem with the criteria's weights, groups and scales, in words."""
    problems = scoring.check_weights(
        criterion_specs(criteria),
        impact_level=impact_level,
        minimums=settings.TENDER_MIN_RESPONSIBLE_AI_WEIGHT,
    )
    names = {str(criterion.pk): criterion.name for criterion in criteria}
    return [weight_problem_text(problem, names) for problem in problems]


# --- Shared helpers -----------------------------------------------------------------------


def _locked(tender: Tender) -> Tender:
    """The tender row, locked after its procurement's, with the procurement loaded."""
    procurement = (
        Procurement.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=tender.procurement_id)
    )
    locked = Tender.objects.select_for_update().get(pk=tender.pk)
    locked.procurement = procurement
    return locked


def _prepare(actor: User, tender: Tender) -> Tender:
    """Lock ``tender``, check ``actor`` may write it and that it is still a draft."""
    tender = _locked(tender)
    require(actor, Action.PREPARE_TENDER, tender.procurement)
    if not tender.is_draft:
        raise ValidationError(str(PUBLISHED))
    return tender


def _audit(actor: User, action: str, target: Model, tender: Tender, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"tendering.{action}",
        target=target,
        organisation_id=tender.procurement.organisation_id,
        data={"procurement": tender.procurement.slug, "tender": tender.pk, **data},
    )


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _check_title(errors: dict[str, str], field: str, title: str) -> None:
    if not title:
        errors[field] = _("This field is required.")
    elif len(title) > TITLE_MAX:
        errors[field] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}


def _check_length(errors: dict[str, str], field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        errors[field] = _("At most %(limit)d characters; this text has %(length)d.") % {
            "limit": limit,
            "length": len(text),
        }


def _next_position(queryset: QuerySet) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _move(scope: QuerySet, item: Model, direction: str) -> bool:
    """Swap ``item`` with its neighbour in ``scope`` (ordered by position, then id).

    Returns whether anything moved: the first cannot go up nor the last down.
    The positions the scope already uses are handed out again in the new order,
    so items outside the scope keep theirs.
    """
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": _("Move it up or down.")})
    items = list(scope.order_by("position", "pk"))
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        return False
    slots = sorted(row.position for row in items)
    if len(set(slots)) != len(slots):
        # Rows placed by hand may share a position: spread them out first.
        slots = list(range(slots[0], slots[0] + len(slots)))
    items[index], items[other] = items[other], items[index]
    for row, slot in zip(items, slots, strict=True):
        row.position = slot
    type(item).objects.bulk_update(items, ["position"])
    item.position = next(row.position for row in items if row.pk == item.pk)
    return True


# --- The tender ---------------------------------------------------------------------------


@transaction.atomic
def tender_start(*, actor: User, procurement: Procurement) -> Tender:
    """The procurement's tender: the existing one, or a new, empty draft.

    Idempotent: a second call returns the same tender and records nothing.
    """
    procurement = (
        Procurement.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=procurement.pk)
    )
    require(actor, Action.PREPARE_TENDER, procurement)
    existing = Tender.objects.filter(procurement=procurement).first()
    if existing is not None:
        return existing
    tender = Tender.objects.create(procurement=procurement, created_by=actor)
    tender.procurement = procurement
    _audit(actor, "tender_start", tender, tender)
    return tender


@transaction.atomic
def tender_update(
    *,
    actor: User,
    tender: Tender,
    outcomes: str,
    clarification_deadline: datetime.datetime | None,
    submission_deadline: datetime.datetime | None,
    opening_at: datetime.datetime | None,
) -> Tender:
    """Set the outcomes sought and the timeline of a draft tender.

    The dates may stay empty while drafting; those given must follow each
    other: suppliers' questions close no later than the deadline for bids,
    and bids are opened no earlier than that deadline. (Whether they lie in
    the future is checked at publication.) Nothing is recorded when nothing
    changed.
    """
    tender = _prepare(actor, tender)
    values = {
        "outcomes": _text(outcomes),
        "clarification_deadline": clarification_deadline,
        "submission_deadline": submission_deadline,
        "opening_at": opening_at,
    }
    errors: dict[str, str] = {}
    _check_length(errors, "outcomes", values["outcomes"], OUTCOMES_MAX)
    for name in ("clarification_deadline", "submission_deadline", "opening_at"):
        value = values[name]
        if value is not None and (
            not isinstance(value, datetime.datetime) or timezone.is_naive(value)
        ):
            errors[name] = _("Give a date and a time.")
    if not errors:
        if (
            clarification_deadline
            and submission_deadline
            and clarification_deadline > submission_deadline
        ):
            errors["clarification_deadline"] = _(
                "Suppliers' questions must close no later than the deadline for bids."
            )
        if submission_deadline and opening_at and opening_at < submission_deadline:
            errors["opening_at"] = _("Bids cannot be opened before the deadline for bids.")
        if clarification_deadline and opening_at and clarification_deadline > opening_at:
            errors.setdefault(
                "clarification_deadline",
                _("Suppliers' questions must close no later than the opening of the bids."),
            )
    if errors:
        raise ValidationError(errors)
    changed = sorted(name for name, value in values.items() if getattr(tender, name) != value)
    if not changed:
        return tender
    for name in changed:
        setattr(tender, name, values[name])
    tender.save(update_fields=[*changed, "updated_at"])
    _audit(
        actor,
        "tender_update",
        tender,
        tender,
        fields=changed,
        **{name: values[name] for name in changed if name != "outcomes"},
    )
    return tender


# --- Requirements -------------------------------------------------------------------------


def _requirement_values(kind: str, title: str, text: str) -> dict[str, str]:
    values = {"kind": kind, "title": clean_plain(title), "text": _text(text)}
    errors: dict[str, str] = {}
    if kind not in RequirementKind.values:
        errors["kind"] = _("Say whether it is an outcome or a constraint.")
    _check_title(errors, "title", values["title"])
    _check_length(errors, "text", values["text"], TEXT_MAX)
    if errors:
        raise ValidationError(errors)
    return values


def _requirement(actor: User, requirement: Requirement) -> tuple[Tender, Requirement]:
    tender = _prepare(actor, requirement.tender)
    requirement = Requirement.objects.get(pk=requirement.pk, tender=tender)
    requirement.tender = tender
    return tender, requirement


@transaction.atomic
def requirement_add(
    *, actor: User, tender: Tender, kind: str, title: str, text: str = ""
) -> Requirement:
    """Add an outcome the solution must achieve, or a constraint it must respect,
    at the end of the list. Its sources are linked afterwards."""
    tender = _prepare(actor, tender)
    values = _requirement_values(kind, title, text)
    requirement = Requirement.objects.create(
        tender=tender,
        position=_next_position(tender.requirements.all()),
        created_by=actor,
        **values,
    )
    _audit(actor, "requirement_add", requirement, tender, kind=kind, title=values["title"])
    return requirement


@transaction.atomic
def requirement_update(
    *, actor: User, requirement: Requirement, kind: str, title: str, text: str = ""
) -> Requirement:
    """Reword a requirement of a draft tender; its sources and criteria stay."""
    tender, requirement = _requirement(actor, requirement)
    values = _requirement_values(kind, title, text)
    changed = sorted(name for name, value in values.items() if getattr(requirement, name) != value)
    if not changed:
        return requirement
    for name in changed:
        setattr(requirement, name, values[name])
    requirement.save(update_fields=[*changed, "updated_at"])
    _audit(
        actor, "requirement_update", requirement, tender, fields=changed, title=requirement.title
    )
    return requirement


@transaction.atomic
def requirement_remove(*, actor: User, requirement: Requirement) -> None:
    """Remove a requirement of a draft tender, with its sources; the criteria
    that assessed it stay and no longer name it."""
    tender, requirement = _requirement(actor, requirement)
    sources = list(requirement.sources.values_list("kind", "label"))
    _audit(
        actor,
        "requirement_remove",
        requirement,
        tender,
        title=requirement.title,
        kind=requirement.kind,
        sources=[{"kind": kind, "label": label} for kind, label in sources],
    )
    requirement.delete()


@transaction.atomic
def requirement_move(*, actor: User, requirement: Requirement, direction: str) -> Requirement:
    """Move a requirement one place ``"up"`` or ``"down"`` in the list."""
    tender, requirement = _requirement(actor, requirement)
    if _move(tender.requirements.all(), requirement, direction):
        _audit(actor, "requirement_move", requirement, tender, direction=direction)
    return requirement


# --- Sources of a requirement -------------------------------------------------------------


def _label(text: str) -> str:
    """A source as it reads now, on one line, cut to fit the label."""
    line = re.sub(r"\s+", " ", text or "").strip()
    return line if len(line) <= LABEL_MAX else line[: LABEL_MAX - 1].rstrip() + "…"


def fria_risk_lines(assessment: RightsAssessment) -> list[str]:
    """The risks a fundamental rights assessment names, one per non-blank line."""
    return [line.strip() for line in assessment.risks.splitlines() if line.strip()]


def _source_values(
    procurement: Procurement,
    kind: str,
    response: Response | None,
    consequence: Consequence | None,
    obligation_key: str,
    rights_assessment: RightsAssessment | None,
    fria_risk: str,
) -> dict[str, Any]:
    """The fields of the source of ``kind``, its label included; only the
    argument ``kind`` names is read."""
    if kind == SourceKind.RESPONSE:
        response = (
            Response.objects.select_related("process").filter(pk=response.pk).first()
            if response is not None
            else None
        )
        if (
            response is None
            or response.procurement_id != procurement.pk
            or not response.process.is_published
        ):
            raise ValidationError(
                {
                    "response": _(
                        "Choose a published answer (“you said, we did”) of this procurement."
                    )
                }
            )
        return {"response": response, "label": _label(response.change or response.reason)}
    if kind == SourceKind.CONSEQUENCE:
        if consequence is None or consequence.procurement_id != procurement.pk:
            raise ValidationError(
                {"consequence": _("Choose a consequence found for this procurement.")}
            )
        return {"consequence": consequence, "label": _label(consequence.description)}
    if kind == SourceKind.OBLIGATION:
        key = (obligation_key or "").strip()
        texts = {status.obligation.key: status.text for status in obligation_statuses(procurement)}
        if key not in texts:
            raise ValidationError(
                {"obligation_key": _("Choose one of the obligations the stakes impose now.")}
            )
        return {"obligation_key": key, "label": _label(texts[key])}
    if kind == SourceKind.FRIA_RISK:
        if (
            rights_assessment is None
            or rights_assessment.procurement_id != procurement.pk
            or rights_assessment.status != AssessmentStatus.COMPLETED
        ):
            raise ValidationError(
                {
                    "rights_assessment": _(
                        "Choose a completed fundamental rights assessment of this procurement."
                    )
                }
            )
        risk = re.sub(r"\s+", " ", fria_risk or "").strip()
        if risk not in fria_risk_lines(rights_assessment):
            raise ValidationError(
                {"fria_risk": _("Choose one of the risks the assessment names.")}
            )
        return {"rights_assessment": rights_assessment, "fria_risk": risk, "label": _label(risk)}
    raise ValidationError({"kind": _("Choose where the requirement comes from.")})


@transaction.atomic
def requirement_source_add(
    *,
    actor: User,
    requirement: Requirement,
    kind: str,
    response: Response | None = None,
    consequence: Consequence | None = None,
    obligation_key: str = "",
    rights_assessment: RightsAssessment | None = None,
    fria_risk: str = "",
) -> RequirementSource:
    """Trace a requirement to one source of ``kind``: a published answer to what
    people said, a consequence, an obligation the stakes impose now, or a risk
    named by a completed fundamental rights assessment; all of the same
    procurement. The source is linked as it reads now (``label``), so the trace
    still reads the same if it is later reworded. A source already linked to
    the requirement is refused. The source itself is left untouched.
    """
    tender, requirement = _requirement(actor, requirement)
    values = _source_values(
        tender.procurement,
        kind,
        response,
        consequence,
        obligation_key,
        rights_assessment,
        fria_risk,
    )
    identity = {name: value for name, value in values.items() if name != "label"}
    if requirement.sources.filter(kind=kind, **identity).exists():
        field = next(name for name in identity if name != "rights_assessment")
        raise ValidationError({field: _("This source is already linked to the requirement.")})
    source = RequirementSource.objects.create(requirement=requirement, kind=kind, **values)
    _audit(
        actor,
        "requirement_source_add",
        source,
        tender,
        requirement=requirement.pk,
        kind=kind,
        ref=_source_ref(source),
        label=source.label,
    )
    return source


def _source_ref(source: RequirementSource) -> str:
    if source.kind == SourceKind.RESPONSE:
        return f"response:{source.response_id}"
    if source.kind == SourceKind.CONSEQUENCE:
        return f"consequence:{source.consequence_id}"
    if source.kind == SourceKind.OBLIGATION:
        return f"obligation:{source.obligation_key}"
    return f"rights_assessment:{source.rights_assessment_id}"


@transaction.atomic
def requirement_source_remove(*, actor: User, source: RequirementSource) -> None:
    """Unlink a source from a requirement of a draft tender."""
    tender, requirement = _requirement(actor, source.requirement)
    source = RequirementSource.objects.get(pk=source.pk, requirement=requirement)
    _audit(
        actor,
        "requirement_source_remove",
        source,
        tender,
        requirement=requirement.pk,
        kind=source.kind,
        ref=_source_ref(source),
        label=source.label,
    )
    source.delete()


# --- Criteria -----------------------------------------------------------------------------


def _weight(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        return None
    try:
        weight = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None
    return weight if weight.is_finite() else None


def _criterion_values(
    tender: Tender,
    *,
    exclude: int | None,
    group: str,
    name: str,
    description: str,
    weight: Any,
    scale_max: Any,
    method: str,
    descriptors: Iterable[Mapping[str, Any]],
    requirements: Iterable[Requirement | int],
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "group": group,
        "name": clean_plain(name),
        "description": _text(description),
        "method": method,
    }
    errors: dict[str, str] = {}
    if group not in CriterionGroup.values:
        errors["group"] = _("Choose the group the criterion belongs to.")
    _check_title(errors, "name", values["name"])
    _check_length(errors, "description", values["description"], DESCRIPTION_MAX)

    amount = _weight(weight)
    low, high = WEIGHT_RANGE
    if amount is None or not low <= amount <= high:
        errors["weight"] = _("Give a weight from 0 to 100 %.")
    elif amount != amount.quantize(CENT):
        errors["weight"] = _("A weight has at most two decimals.")
    else:
        values["weight"] = amount.quantize(CENT)

    low_scale, high_scale = SCALE_RANGE
    if (
        isinstance(scale_max, bool)
        or not isinstance(scale_max, int)
        or not low_scale <= scale_max <= high_scale
    ):
        errors["scale_max"] = _(
            "The top of the scale is a whole number from %(low)d to %(high)d."
        ) % {
            "low": low_scale,
            "high": high_scale,
        }
    else:
        values["scale_max"] = scale_max

    if method not in ScoringMethod.values:
        errors["method"] = _("Choose how the criterion is scored.")
    elif method == ScoringMethod.LOWEST_PRICE:
        if group != CriterionGroup.PRICE:
            errors["method"] = _("Only a price criterion can be scored by the price formula.")
        elif (
            tender.criteria.filter(method=ScoringMethod.LOWEST_PRICE).exclude(pk=exclude).exists()
        ):
            errors["method"] = _("Another criterion is already scored by the price formula.")

    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in descriptors or ():
        score = row.get("score") if isinstance(row, Mapping) else None
        text = clean_plain(str(row.get("text") or "")) if isinstance(row, Mapping) else ""
        if isinstance(score, bool) or not isinstance(score, int):
            errors["descriptors"] = _("Each description needs a whole-number score.")
            break
        if score < 0 or ("scale_max" in values and score > values["scale_max"]):
            errors["descriptors"] = _(
                "The score %(score)d is outside the scale, which runs from 0 to %(top)s."
            ) % {"score": score, "top": values.get("scale_max", scale_max)}
            break
        if score in seen:
            errors["descriptors"] = _("The score %(score)d is described twice.") % {"score": score}
            break
        if not text:
            errors["descriptors"] = _("Say what the score %(score)d means.") % {"score": score}
            break
        if len(text) > DESCRIPTOR_MAX:
            errors["descriptors"] = _("Each description has at most %(limit)d characters.") % {
                "limit": DESCRIPTOR_MAX
            }
            break
        seen.add(score)
        cleaned.append({"score": score, "text": text})
    values["descriptors"] = sorted(cleaned, key=lambda row: row["score"])

    wanted = {item if isinstance(item, int) else item.pk for item in requirements or ()}
    found = list(tender.requirements.filter(pk__in=wanted))
    if len(found) != len(wanted):
        errors["requirements"] = _("Choose requirements of this tender.")
    values["requirements"] = found

    if errors:
        raise ValidationError(errors)
    return values


def _criterion(actor: User, criterion: Criterion) -> tuple[Tender, Criterion]:
    tender = _prepare(actor, criterion.tender)
    criterion = Criterion.objects.get(pk=criterion.pk, tender=tender)
    criterion.tender = tender
    return tender, criterion


def _criterion_audit(criterion: Criterion, requirements: Sequence[Requirement]) -> dict[str, Any]:
    return {
        "name": criterion.name,
        "group": criterion.group,
        "weight": criterion.weight,
        "scale_max": criterion.scale_max,
        "method": criterion.method,
        "requirements": sorted(requirement.pk for requirement in requirements),
    }


@transaction.atomic
def criterion_add(
    *,
    actor: User,
    tender: Tender,
    group: str,
    name: str,
    weight: Decimal,
    description: str = "",
    scale_max: int = 5,
    method: str = ScoringMethod.JUDGEMENT,
    descriptors: Iterable[Mapping[str, Any]] = (),
    requirements: Iterable[Requirement | int] = (),
) -> Criterion:
    """Add a weighted evaluation criterion at the end of its group.

    ``weight`` is in percent (0 to 100, two decimals at most); while drafting
    the weights need not add up to 100, publication checks them. ``scale_max``
    is the top of the scale (1 to 100); ``descriptors`` say what scores mean
    (``{"score": int, "text": str}``, scores unique and within the scale),
    stored from the bottom of the scale up. ``method`` ``lowest_price`` is for
    one price criterion only. ``requirements`` (ids or rows) are those of this
    tender it assesses.
    """
    tender = _prepare(actor, tender)
    values = _criterion_values(
        tender,
        exclude=None,
        group=group,
        name=name,
        description=description,
        weight=weight,
        scale_max=scale_max,
        method=method,
        descriptors=descriptors,
        requirements=requirements,
    )
    linked = values.pop("requirements")
    criterion = Criterion.objects.create(
        tender=tender, position=_next_position(tender.criteria.all()), **values
    )
    criterion.requirements.set(linked)
    _audit(actor, "criterion_add", criterion, tender, **_criterion_audit(criterion, linked))
    return criterion


@transaction.atomic
def criterion_update(
    *,
    actor: User,
    criterion: Criterion,
    group: str,
    name: str,
    weight: Decimal,
    description: str = "",
    scale_max: int = 5,
    method: str = ScoringMethod.JUDGEMENT,
    descriptors: Iterable[Mapping[str, Any]] = (),
    requirements: Iterable[Requirement | int] = (),
) -> Criterion:
    """Change every field of a criterion of a draft tender (see :func:`criterion_add`)."""
    tender, criterion = _criterion(actor, criterion)
    values = _criterion_values(
        tender,
        exclude=criterion.pk,
        group=group,
        name=name,
        description=description,
        weight=weight,
        scale_max=scale_max,
        method=method,
        descriptors=descriptors,
        requirements=requirements,
    )
    linked = values.pop("requirements")
    before = _criterion_audit(criterion, list(criterion.requirements.all()))
    for field, value in values.items():
        setattr(criterion, field, value)
    criterion.save()
    criterion.requirements.set(linked)
    after = _criterion_audit(criterion, linked)
    _audit(
        actor,
        "criterion_update",
        criterion,
        tender,
        **after,
        changed=sorted(key for key in after if str(after[key]) != str(before[key])),
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor: User, criterion: Criterion) -> None:
    """Remove a criterion of a draft tender."""
    tender, criterion = _criterion(actor, criterion)
    _audit(
        actor,
        "criterion_remove",
        criterion,
        tender,
        **_criterion_audit(criterion, list(criterion.requirements.all())),
    )
    criterion.delete()


@transaction.atomic
def criterion_move(*, actor: User, criterion: Criterion, direction: str) -> Criterion:
    """Move a criterion one place ``"up"`` or ``"down"`` within its group."""
    tender, criterion = _criterion(actor, criterion)
    if _move(tender.criteria.filter(group=criterion.group), criterion, direction):
        _audit(actor, "criterion_move", criterion, tender, direction=direction)
    return criterion


# --- Clauses ------------------------------------------------------------------------------


def is_high_risk(procurement: Procurement) -> bool:
    """Whether the last completed AI Act screening found a high-risk use."""
    screening = latest_screening(procurement)
    return screening is not None and screening.classification == "high_risk"


def _rendered(clause: clause_library.Clause, procurement: Procurement) -> tuple[str, str]:
    """The clause's title and text in the active language, the parties named."""
    language = active_language()
    text = clause.render(
        language,
        buyer=procurement.organisation.name,
        # Before a supplier is chosen, the clause names them by their role.
        supplier=_("the supplier"),
    )
    return clause.title_in(language), text


def _library_clause(tender: Tender, position: int, clause: clause_library.Clause) -> TenderClause:
    title, text = _rendered(clause, tender.procurement)
    return TenderClause(
        tender=tender,
        library_key=clause.key,
        theme=clause.theme,
        title=title[:TITLE_MAX],
        text=text,
        library_text=text,
        position=position,
    )


@transaction.atomic
def clause_propose(*, actor: User, tender: Tender) -> list[TenderClause]:
    """Add the library's proposed clauses for the stakes to a draft tender.

    A procurement whose last completed AI Act screening says ``high_risk``
    gets the high-risk set, any other the light set. Clauses already in the
    tender are skipped, so a second call adds nothing. Each is written in the
    active language with the organisation named as the buyer. One audit
    event lists what was added; none when nothing was.
    """
    tender = _prepare(actor, tender)
    high_risk = is_high_risk(tender.procurement)
    present = set(tender.clauses.exclude(library_key="").values_list("library_key", flat=True))
    wanted = [
        clause
        for clause in clause_library.library().proposed(high_risk=high_risk)
        if clause.key not in present
    ]
    if not wanted:
        return []
    start = _next_position(tender.clauses.all())
    created = TenderClause.objects.bulk_create(
        _library_clause(tender, start + offset, clause) for offset, clause in enumerate(wanted)
    )
    _audit(
        actor,
        "clause_propose",
        tender,
        tender,
        high_risk=high_risk,
        keys=[clause.key for clause in wanted],
    )
    return created


@transaction.atomic
def clause_add_from_library(*, actor: User, tender: Tender, key: str) -> TenderClause:
    """Add the library clause ``key`` to a draft tender, unless it is there already."""
    tender = _prepare(actor, tender)
    try:
        clause = clause_library.library().clause(key)
    except KeyError:
        raise ValidationError({"key": _("There is no such clause in the library.")}) from None
    if tender.clauses.filter(library_key=key).exists():
        raise ValidationError({"key": _("This clause is already in the tender.")})
    row = _library_clause(tender, _next_position(tender.clauses.all()), clause)
    row.save()
    _audit(actor, "clause_add", row, tender, key=key, theme=row.theme, title=row.title)
    return row


def _clause_values(title: str, text: str) -> dict[str, str]:
    values = {"title": clean_plain(title), "text": _text(text)}
    errors: dict[str, str] = {}
    _check_title(errors, "title", values["title"])
    if not values["text"]:
        errors["text"] = _("This field is required.")
    else:
        _check_length(errors, "text", values["text"], CLAUSE_MAX)
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def clause_add_custom(
    *, actor: User, tender: Tender, theme: str, title: str, text: str
) -> TenderClause:
    """Add a clause the team wrote itself, under one of the library's themes."""
    tender = _prepare(actor, tender)
    errors: dict[str, str] = {}
    try:
        clause_library.library().theme(theme)
    except KeyError:
        errors["theme"] = _("Choose one of the themes.")
    try:
        values = _clause_values(title, text)
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    row = TenderClause.objects.create(
        tender=tender, theme=theme, position=_next_position(tender.clauses.all()), **values
    )
    _audit(actor, "clause_add", row, tender, key="", theme=theme, title=row.title)
    return row


def _clause(actor: User, clause: TenderClause) -> tuple[Tender, TenderClause]:
    tender = _prepare(actor, clause.tender)
    clause = TenderClause.objects.get(pk=clause.pk, tender=tender)
    clause.tender = tender
    return tender, clause


@transaction.atomic
def clause_update(*, actor: User, clause: TenderClause, title: str, text: str) -> TenderClause:
    """Adapt a clause of a draft tender. A library clause keeps the text it
    was picked with (``library_text``), so it shows as adapted."""
    tender, clause = _clause(actor, clause)
    values = _clause_values(title, text)
    changed = sorted(name for name, value in values.items() if getattr(clause, name) != value)
    if not changed:
        return clause
    for name in changed:
        setattr(clause, name, values[name])
    clause.save(update_fields=[*changed, "updated_at"])
    _audit(
        actor,
        "clause_update",
        clause,
        tender,
        key=clause.library_key,
        fields=changed,
        adapted=clause.is_adapted,
    )
    return clause


@transaction.atomic
def clause_remove(*, actor: User, clause: TenderClause) -> None:
    """Remove a clause from a draft tender (a library clause can be added again)."""
    tender, clause = _clause(actor, clause)
    _audit(
        actor,
        "clause_remove",
        clause,
        tender,
        key=clause.library_key,
        theme=clause.theme,
        title=clause.title,
    )
    clause.delete()


@transaction.atomic
def clause_move(*, actor: User, clause: TenderClause, direction: str) -> TenderClause:
    """Move a clause one place ``"up"`` or ``"down"`` within its theme."""
    tender, clause = _clause(actor, clause)
    if _move(tender.clauses.filter(theme=clause.theme), clause, direction):
        _audit(actor, "clause_move", clause, tender, direction=direction)
    return clause


# --- Publication --------------------------------------------------------------------------


@transaction.atomic
def tender_publish(*, actor: User, tender: Tender) -> Tender:
    """Publish a draft tender: from now on suppliers bid on exactly this.

    Refuses with every problem at once (``ValidationError`` keyed by
    ``criteria``, ``requirements``, ``clauses``, ``submission_deadline``,
    ``opening_at`` and ``procurement``): the weights must pass
    ``scoring.check_weights`` for the procurement's impact level under
    ``settings.TENDER_MIN_RESPONSIBLE_AI_WEIGHT``; there must be at least one
    requirement, criterion and clause; the deadline for bids and the opening
    must be set, in the future, the opening no earlier than the deadline; and
    the procurement must be published, so the public sees what is tendered.
    Records the impact level and the responsible-AI minimum it was checked
    against.
    """
    tender = _locked(tender)
    procurement = tender.procurement
    require(actor, Action.PUBLISH_TENDER, procurement)
    if not tender.is_draft:
        raise ValidationError(str(PUBLISHED))
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    criteria = list(tender.criteria.all())
    for message in weight_problems(criteria, procurement.impact_level):
        refuse("criteria", message)
    if not tender.requirements.exists():
        refuse("requirements", _("Add at least one requirement."))
    if not tender.clauses.exists():
        refuse("clauses", _("Add at least one contract clause."))
    now = timezone.now()
    if tender.submission_deadline is None:
        refuse("submission_deadline", _("Set the deadline for bids."))
    elif tender.submission_deadline <= now:
        refuse("submission_deadline", _("The deadline for bids has passed: set a later one."))
    if tender.opening_at is None:
        refuse("opening_at", _("Set when the bids are opened."))
    elif tender.opening_at <= now:
        refuse("opening_at", _("The opening of the bids has passed: set a later one."))
    elif tender.submission_deadline and tender.opening_at < tender.submission_deadline:
        refuse("opening_at", _("Bids cannot be opened before the deadline for bids."))
    if not procurement.is_published:
        refuse(
            "procurement",
            _("Publish the procurement first: the public must see what is tendered."),
        )
    if errors:
        raise ValidationError(errors)
    tender.status = TenderStatus.PUBLISHED
    tender.published_at = now
    tender.impact_level = procurement.impact_level
    tender.min_responsible_ai_weight = minimum_for(procurement.impact_level)
    tender.save(
        update_fields=[
            "status",
            "published_at",
            "impact_level",
            "min_responsible_ai_weight",
            "updated_at",
        ]
    )
    weights = scoring.group_weights(criterion_specs(criteria))
    _audit(
        actor,
        "tender_publish",
        tender,
        tender,
        impact_level=tender.impact_level,
        min_responsible_ai_weight=tender.min_responsible_ai_weight,
        group_weights={group: weight for group, weight in weights.items() if weight},
        submission_deadline=tender.submission_deadline,
        opening_at=tender.opening_at,
        requirements=tender.requirements.count(),
        criteria=len(criteria),
        clauses=tender.clauses.count(),
    )
    return tender


# --- The public review of the draft -------------------------------------------------------


def review_stage_takes_documents(process: Process) -> bool:
    """Whether ``process``'s stage takes a document review."""
    return lifecycle.stage(process.stage).enables_module(ModuleKind.DOCUMENT_REVIEW)


def _free_slug(procurement: Procurement, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "tender-review"
    taken = set(Process.objects.filter(procurement=procurement).values_list("slug", flat=True))
    taken |= process_services.RESERVED_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _review_process(
    actor: User, procurement: Procurement, title: str, closes_at: datetime.datetime | None
) -> Process:
    """A new process, open from now until ``closes_at``, to hold the review."""
    title = clean_plain(title)
    errors: dict[str, str] = {}
    if not title:
        errors["process_title"] = _("Give the new process a title.")
    elif len(title) > TITLE_MAX:
        errors["process_title"] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}
    now = timezone.now()
    if not isinstance(closes_at, datetime.datetime):
        errors["closes_at"] = _("Say until when people can comment.")
    elif closes_at <= now:
        errors["closes_at"] = _("Comments must close in the future.")
    if errors:
        raise ValidationError(errors)
    try:
        return process_services.process_create(
            actor=actor,
            procurement=procurement,
            title=title,
            slug=_free_slug(procurement, title),
            question=_("What do you think of the draft tender before it goes out?"),
            negotiable=_(
                "The requirements, the evaluation criteria and their weights, and the "
                "contract clauses."
            ),
            decision_stage=DecisionStage.DELIBERATION,
            opens_at=now,
            closes_at=closes_at,
        )
    except ValidationError as error:
        rename = {"title": "process_title"}
        raise ValidationError(
            {rename.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from None


@transaction.atomic
def tender_send_to_review(
    *,
    actor: User,
    tender: Tender,
    process: Process | None = None,
    process_title: str = "",
    closes_at: datetime.datetime | None = None,
    change_note: str = "",
) -> DocumentVersion:
    """Put the draft tender to the public as a new version of a document review.

    The text is :func:`tendering.selectors.solicitation.tender_markdown`. The
    first time, a "document_review" module is added to ``process`` (of this
    procurement, at a stage that takes document reviews) or, without a
    process, to a new one titled ``process_title`` open from now until
    ``closes_at`` (published at once when the procurement is); the module is
    kept as ``tender.review_module``. Afterwards each call publishes the next
    version into that module; ``change_note`` says what changed (a dated note
    is written when it is blank). Only while the tender is a draft. Reuses the
    participation services, so their rights and checks apply too (an
    unchanged text is refused) and each writes its own audit event.
    """
    tender = _prepare(actor, tender)
    procurement = tender.procurement
    module = tender.review_module
    created_process = False
    if module is None:
        if process is None:
            process = _review_process(actor, procurement, process_title, closes_at)
            created_process = True
        elif process.procurement_id != procurement.pk:
            raise ValidationError({"process": _("Choose a process of this procurement.")})
        elif not review_stage_takes_documents(process):
            raise ValidationError(
                {
                    "process": _(
                        "A process at the stage “%(stage)s” takes no document review: "
                        "choose another or create one."
                    )
                    % {"stage": lifecycle.stage(process.stage).name}
                }
            )
        module = process_services.module_add(
            actor=actor,
            process=process,
            kind=ModuleKind.DOCUMENT_REVIEW,
            title=_("The draft tender"),
            description=_(
                "Comment on the requirements, the evaluation criteria and their weights, "
                "and the contract clauses before the tender is published."
            ),
        )
        tender.review_module = module
        tender.save(update_fields=["review_module", "updated_at"])
    has_versions = DocumentVersion.objects.filter(module=module).exists()
    note = _text(change_note)
    if has_versions and not note:
        note = _("The draft tender as it stood on %(date)s.") % {
            "date": timezone.localdate().isoformat()
        }
    version = document_services.version_publish(
        actor=actor,
        module=module,
        title=_("Draft tender: %(title)s") % {"title": procurement.title},
        body=tender_markdown(tender),
        change_note=note,
    )
    if created_process and procurement.is_published:
        process_services.process_publish(actor=actor, process=module.process)
    _audit(
        actor,
        "tender_review_send",
        tender,
        tender,
        module=module.pk,
        process=module.process.slug,
        version=version.number,
    )
    return version
