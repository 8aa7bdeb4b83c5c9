"""The tender itself: starting it, its outcomes and timeline, and its
publication, with the check of the criteria's weights (and those checks'
messages in words) that publication relies on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participai.accounts.models import User
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ... import scoring
from ...models import Criterion, Tender, TenderStatus
from ...selectors.solicitation import ROMAN, format_number
from ._common import PUBLISHED, _audit, _check_length, _locked, _prepare, _text

OUTCOMES_MAX = 20_000

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
