"""Demographic questions and the answers participants choose to give.

Organisers (``Action.MANAGE_PARTICIPATION``) set a process's optional
questions with the population benchmarks of the area; participants answer
them, with explicit consent, in a profile kept apart from what they wrote
(``models.demographics``). Answers are addressed by option position, so a
question's options are frozen once someone answered it; its benchmarks and
their source may still be corrected.

Every write is one transaction with its audit event. Audit events never
carry the answers themselves: the trail is append-only, and a profile must
be deletable for good. Bad input raises ``ValidationError`` keyed by field
and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import Participant, User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require

from .. import policy
from ..models import (
    DemographicAnswer,
    DemographicKind,
    DemographicProfile,
    DemographicQuestion,
    Process,
)
from ..representativeness import benchmark_problems

LABEL_MAX = 300
OPTION_MAX = 100
OPTIONS_RANGE = (2, 20)
SOURCE_MAX = 300
# A few questions, not a census: each one asked is one more reason to leave.
QUESTIONS_MAX = 10
# The fields ``question_update`` accepts.
QUESTION_FIELDS = ("kind", "label", "options", "benchmarks", "benchmark_source")
# Once answered, only these may change (answers point at option positions).
FIELDS_AFTER_ANSWERS = frozenset({"benchmarks", "benchmark_source"})


def answer_field(question: DemographicQuestion | int) -> str:
    """The key under which errors (and form fields) about one question's answer go."""
    pk = question if isinstance(question, int) else question.pk
    return f"question_{pk}"


def _clean_options(options: Any) -> tuple[list[str], str | None]:
    if not isinstance(options, list | tuple) or not all(isinstance(o, str) for o in options):
        return [], _("List the answers offered, one per line.")
    cleaned = [" ".join(clean_plain(option).split()) for option in options]
    low, high = OPTIONS_RANGE
    if any(not option for option in cleaned):
        return cleaned, _("An answer cannot be empty.")
    if not low <= len(cleaned) <= high:
        return cleaned, _("Offer %(low)d to %(high)d answers (“Prefer not to say” is added).") % {
            "low": low,
            "high": high,
        }
    if any(len(option) > OPTION_MAX for option in cleaned):
        return cleaned, _("An answer has at most %(max)d characters.") % {"max": OPTION_MAX}
    if len({option.casefold() for option in cleaned}) != len(cleaned):
        return cleaned, _("Each answer is offered once.")
    return cleaned, None


def _clean_question(values: dict[str, Any]) -> dict[str, Any]:
    """The question's fields cleaned, or ``ValidationError`` keyed by field."""
    errors: dict[str, str] = {}
    kind = values.get("kind")
    if kind not in DemographicKind.values:
        errors["kind"] = _("Choose what the question is about.")
    label = " ".join(clean_plain(values.get("label") or "").split())
    if not label:
        errors["label"] = _("This field is required.")
    elif len(label) > LABEL_MAX:
        errors["label"] = _("At most %(max)d characters.") % {"max": LABEL_MAX}
    options, problem = _clean_options(values.get("options"))
    if problem:
        errors["options"] = problem
    benchmarks = values.get("benchmarks") or []
    if not isinstance(benchmarks, list | tuple):
        errors["benchmarks"] = _("Give one population share per answer, or none at all.")
        benchmarks = []
    elif not problem:
        problems = benchmark_problems(len(options), benchmarks)
        if problems:
            errors["benchmarks"] = _(problems[0])
    source = clean_plain(values.get("benchmark_source") or "")
    if len(source) > SOURCE_MAX:
        errors["benchmark_source"] = _("At most %(max)d characters.") % {"max": SOURCE_MAX}
    elif any(b is not None for b in benchmarks) and not source:
        errors["benchmark_source"] = _(
            "Say where the population figures come from (e.g. the 2021 census)."
        )
    if errors:
        raise ValidationError(errors)
    benchmarks = [None if b is None else float(b) for b in benchmarks]
    if not any(b is not None for b in benchmarks):
        benchmarks = []
    return {
        "kind": kind,
        "label": label,
        "options": options,
        "benchmarks": benchmarks,
        "benchmark_source": source,
    }


def _locked_process(actor: User, process: Process) -> Process:
    process = (
        Process.objects.select_for_update(of=("self",))
        .select_related("procurement")
        .get(pk=process.pk)
    )
    require(actor, Action.MANAGE_PARTICIPATION, process.procurement)
    return process


def _audit_question(actor: User, action: str, question: DemographicQuestion, **data: Any) -> None:
    process = question.process
    audit_record(
        actor=actor,
        action=action,
        target=question,
        organisation_id=process.procurement.organisation_id,
        data={"process": process.slug, "kind": question.kind, **data},
    )


@transaction.atomic
def question_add(
    *,
    actor: User,
    process: Process,
    kind: str,
    label: str,
    options: Sequence[str],
    benchmarks: Sequence[float | None] | None = None,
    benchmark_source: str = "",
) -> DemographicQuestion:
    """Add an optional demographic question at the end of the process's.

    ``options`` are the answers offered (2 to 20, distinct; "prefer not to
    say" is always offered besides); ``benchmarks`` is empty or gives, per
    option, its population share in percent (``None`` where unknown), 0 to
    100 each and at most 100 together (half a point of rounding allowed),
    with ``benchmark_source`` saying where they come from.
    """
    process = _locked_process(actor, process)
    values = _clean_question(
        {
            "kind": kind,
            "label": label,
            "options": list(options) if isinstance(options, list | tuple) else options,
            "benchmarks": benchmarks,
            "benchmark_source": benchmark_source,
        }
    )
    existing = process.demographic_questions.aggregate(last=Max("position"), n=Count("pk"))
    if existing["n"] >= QUESTIONS_MAX:
        raise ValidationError(
            _("A process asks at most %(max)d such questions.") % {"max": QUESTIONS_MAX}
        )
    question = DemographicQuestion.objects.create(
        process=process, position=(existing["last"] or 0) + 1, **values
    )
    _audit_question(
        actor,
        "demographics.question_added",
        question,
        options=len(values["options"]),
        benchmarks=bool(values["benchmarks"]),
    )
    return question


@transaction.atomic
def question_update(
    *, actor: User, question: DemographicQuestion, **changes: Any
) -> DemographicQuestion:
    """Change any of :data:`QUESTION_FIELDS`, with the checks of
    :func:`question_add`. Once someone answered, only the benchmarks and
    their source may change: answers point at option positions, and a
    reworded question would no longer be the one they answered.

    Precondition: ``changes`` names only those fields (``TypeError`` otherwise).
    """
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"question_update got unknown fields {sorted(unknown)}")
    process = _locked_process(actor, question.process)
    question = DemographicQuestion.objects.select_for_update().get(pk=question.pk)
    question.process = process
    values = {name: getattr(question, name) for name in QUESTION_FIELDS}
    values.update(changes)
    values = _clean_question(values)
    changed = sorted(name for name in QUESTION_FIELDS if values[name] != getattr(question, name))
    if not changed:
        return question
    frozen = set(changed) - FIELDS_AFTER_ANSWERS
    if frozen and question.answers.exists():
        raise ValidationError(
            {
                sorted(frozen)[0]: _(
                    "People have answered this question: only its population figures "
                    "can change now. Add a new question instead."
                )
            }
        )
    for name in changed:
        setattr(question, name, values[name])
    question.save()
    _audit_question(actor, "demographics.question_updated", question, fields=changed)
    return question


@transaction.atomic
def question_remove(*, actor: User, question: DemographicQuestion) -> int:
    """Stop asking a question; the answers given to it are deleted with it.
    Returns how many answers went."""
    process = _locked_process(actor, question.process)
    question = DemographicQuestion.objects.select_for_update().get(pk=question.pk)
    question.process = process
    answers = question.answers.count()
    _audit_question(actor, "demographics.question_removed", question, answers_deleted=answers)
    question.delete()
    return answers


def answer_refusal(level: str, process: Process) -> str | None:
    """Why someone at verification ``level`` (``policy.VERIFICATION``) may not
    answer ``process``'s questions now: a ``policy.REASONS`` key or ``None``.
    Anyone who may read the published process may answer while it is open.
    ``process.procurement`` should be loaded."""
    reason = policy.refusal(
        "read",
        level=level,
        required=process.read_requires,
        published=process.is_published and process.procurement.is_published,
    )
    if reason is None:
        state = policy.Window(process.opens_at, process.closes_at).state(timezone.now())
        reason = {"upcoming": "not_open_yet", "closed": "closed"}.get(state)
    return reason


@transaction.atomic
def profile_save(
    *,
    participant: Participant,
    process: Process,
    answers: Mapping[int, int | None],
    consent: bool,
) -> DemographicProfile:
    """Save ``participant``'s answers to ``process``'s demographic questions,
    replacing any given before.

    ``answers`` maps a question's id to the position of the option chosen,
    or ``None`` for "prefer not to say"; a question left out counts as
    "prefer not to say". ``consent`` must be true: nothing is kept without
    it. The process must be published, readable by the participant and open.
    Errors are keyed ``consent``, or :func:`answer_field` of the question.
    """
    if consent is not True:
        raise ValidationError({"consent": _("Tick the box to agree; without it nothing is kept.")})
    process = Process.objects.select_related("procurement").get(pk=process.pk)
    # One person's concurrent saves queue on their own row, so the replace
    # below never meets a half-replaced profile.
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.removed_at is not None:
        raise ValidationError(_("These data were deleted; take part again to answer."))
    reason = answer_refusal(participant.verification, process)
    if reason is not None:
        raise ValidationError(_(policy.REASONS[reason]), code=reason)
    questions = list(process.demographic_questions.all())
    if not questions:
        raise ValidationError(_("This process asks no questions about who takes part."))
    by_id = {question.pk: question for question in questions}
    errors: dict[str, str] = {}
    unknown = [key for key in answers if key not in by_id]
    if unknown:
        errors["answers"] = _("Answer only this process's questions.")
    for key, option in answers.items():
        question = by_id.get(key)
        if question is None or option is None:
            continue
        is_index = isinstance(option, int) and not isinstance(option, bool)
        if not is_index or not 0 <= option < len(question.options):
            errors[answer_field(key)] = _("Choose one of the answers offered.")
    if errors:
        raise ValidationError(errors)
    profile, created = DemographicProfile.objects.update_or_create(
        process=process, participant=participant, defaults={"consented_at": timezone.now()}
    )
    if not created:
        profile.answers.all().delete()
    DemographicAnswer.objects.bulk_create(
        DemographicAnswer(profile=profile, question=question, option=answers.get(question.pk))
        for question in questions
    )
    audit_record(
        actor=participant.user,
        action="demographics.profile_saved",
        target=profile,
        organisation_id=process.procurement.organisation_id,
        # That they answered, never what: the trail cannot be deleted.
        data={
            "process": process.slug,
            "participant": participant.pk,
            "replaced": not created,
        },
    )
    return profile


@transaction.atomic
def profile_delete(*, participant: Participant, process: Process) -> bool:
    """Delete ``participant``'s answers to ``process``'s questions, and the
    consent given; ``False`` if there were none. Allowed at any time."""
    profile = (
        DemographicProfile.objects.select_for_update(of=("self",))
        .select_related("process__procurement")
        .filter(process=process, participant=participant)
        .first()
    )
    if profile is None:
        return False
    audit_record(
        actor=participant.user,
        action="demographics.profile_deleted",
        target=profile,
        organisation_id=profile.process.procurement.organisation_id,
        data={"process": profile.process.slug, "participant": participant.pk},
    )
    profile.delete()
    return True
