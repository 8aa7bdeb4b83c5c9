"""Every write to a survey module: its questions (add, change, remove,
reorder) and people's answers.

Staff set questions up with ``Action.MANAGE_PARTICIPATION``. Answers are
stored by option index, so once anyone has answered, the questions are
frozen: only their help text and their order may change; adding, changing
or removing a question is refused. Answering follows the process's rules
for contributing (``contributions.check_may`` with ``"contribute"``): one
response per participant and module, and answering again while the module
is open replaces every earlier answer. ``Module.contribution_count`` counts
responses. Facilitators enter a paper, phone or in-person response with
``Action.ASSIST_PARTICIPATION``, tagged with its channel, under a new guest
(:func:`survey_answer_for_guest`).

Keyword-only, one transaction each, an audit event in the same transaction;
bad input raises ``ValidationError`` keyed by field (an answer by
:func:`answer_field` of its question) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils.translation import gettext as _

from participai.accounts.models import Participant, User
from participai.core.audit import audit_record
from participai.procurements.access import Action, require

from .. import surveying
from ..models import (
    Channel,
    Module,
    ModuleKind,
    QuestionKind,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from ..spam import spam_reasons
from .contributions import check_entry
from .insights import topics_request
from .participants import guest_join

# What a question form sets; ``question_add`` and ``question_update`` take these.
QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "options",
    "max_choices",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
)
# What may still change once people have answered: it does not change what
# their answers mean.
EDITABLE_WHEN_ANSWERED = frozenset({"help_text"})
QUESTIONS_MAX = 50
MOVES = ("up", "down")


def answer_field(question_id: int) -> str:
    """The field name under which an answer to a question is given and refused."""
    return f"question_{question_id}"


def problem_text(problem: surveying.Problem) -> str:
    """A :class:`surveying.Problem` in the current language, filled in."""
    message = _(problem.message)
    return message % dict(problem.params) if problem.params else message


def _survey(module: Module, *, lock: str = "") -> Module:
    """The survey module again, with its process and procurement, its row
    locked when ``lock`` says so: ``"edit"`` (FOR UPDATE) for a change to
    the questions, ``"answer"`` (FOR NO KEY UPDATE) for saving answers.

    The two conflict, so a question never changes while an answer checked
    against it is being saved: whichever comes second sees what the first
    committed (a response, which freezes the questions; or the changed
    question, against which the answer is checked). Answers queue behind
    each other too, as the response counter on the module row would make
    them anyway. Callers take this lock before anything they audit, so the
    audit trail's own lock always comes after it (no deadlock between them).
    """
    rows = Module.objects.select_related("process__procurement")
    if lock:
        rows = rows.select_for_update(of=("self",), no_key=lock == "answer")
    module = rows.get(pk=module.pk)
    if module.kind != ModuleKind.SURVEY:
        raise ValidationError(_("This module is not a survey."))
    return module


def _refuse_when_answered(module: Module) -> None:
    if SurveyResponse.objects.filter(module=module).exists():
        raise ValidationError(
            _(
                "People have answered this survey, and their answers point at its questions "
                "as they are: questions can no longer be added, changed or removed. You can "
                "still edit their help text and their order."
            ),
            code="answered",
        )


def _spec(values: Mapping[str, Any]) -> surveying.QuestionSpec:
    options = values.get("options") or ()
    if isinstance(options, str):
        options = options.splitlines()
    return surveying.QuestionSpec(
        kind=values.get("kind", ""),
        text=values.get("text", ""),
        help_text=values.get("help_text", ""),
        required=bool(values.get("required", False)),
        options=tuple(str(o) for o in options),
        max_choices=values.get("max_choices", 0),
        scale_min=values.get("scale_min", 1),
        scale_max=values.get("scale_max", 5),
        scale_min_label=values.get("scale_min_label", ""),
        scale_max_label=values.get("scale_max_label", ""),
    ).normalised()


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """The question's fields, normalised and checked (``ValidationError`` by field)."""
    spec = _spec(values)
    problems = surveying.check_question(spec)
    if problems:
        raise ValidationError({name: problem_text(p) for name, p in problems.items()})
    fields = {name: getattr(spec, name) for name in QUESTION_FIELDS}
    fields["options"] = list(spec.options)
    return fields


def _renumber(module: Module) -> list[SurveyQuestion]:
    """The module's questions in order, numbered 1, 2, 3… again."""
    questions = list(SurveyQuestion.objects.filter(module=module).order_by("position", "pk"))
    for number, question in enumerate(questions, start=1):
        if question.position != number:
            question.position = number
            question.save(update_fields=["position"])
    return questions


def _question_in(module: Module, question: SurveyQuestion) -> SurveyQuestion:
    found = SurveyQuestion.objects.filter(module=module, pk=question.pk).first()
    if found is None:
        raise ValidationError(_("This question is not part of this survey."))
    return found


def _audit(actor: User, action: str, question: SurveyQuestion, module: Module, **data: Any):
    audit_record(
        actor=actor,
        action=action,
        target=question,
        organisation_id=module.process.procurement.organisation_id,
        data={"process": module.process.slug, "module": module.pk, **data},
    )


@transaction.atomic
def question_add(
    *,
    actor: User,
    module: Module,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    options: Sequence[str] | str = (),
    max_choices: int = 0,
    scale_min: int = 1,
    scale_max: int = 5,
    scale_min_label: str = "",
    scale_max_label: str = "",
) -> SurveyQuestion:
    """Add a question at the end of a survey nobody has answered yet.

    ``options`` (a list, or one per line) are the choices or the items to
    rank; the fields a kind does not use are ignored. At most
    :data:`QUESTIONS_MAX` questions per survey.
    """
    module = _survey(module, lock="edit")
    require(actor, Action.MANAGE_PARTICIPATION, module.process.procurement)
    _refuse_when_answered(module)
    fields = _checked(
        {
            "kind": kind,
            "text": text,
            "help_text": help_text,
            "required": required,
            "options": options,
            "max_choices": max_choices,
            "scale_min": scale_min,
            "scale_max": scale_max,
            "scale_min_label": scale_min_label,
            "scale_max_label": scale_max_label,
        }
    )
    existing = SurveyQuestion.objects.filter(module=module).aggregate(
        last=Max("position"), total=Count("pk")
    )
    if existing["total"] >= QUESTIONS_MAX:
        raise ValidationError(
            _("A survey holds at most %(limit)d questions.") % {"limit": QUESTIONS_MAX}
        )
    position = (existing["last"] or 0) + 1
    question = SurveyQuestion.objects.create(module=module, position=position, **fields)
    _audit(
        actor,
        "survey.question_added",
        question,
        module,
        kind=question.kind,
        position=position,
        required=question.required,
    )
    return question


@transaction.atomic
def question_update(*, actor: User, question: SurveyQuestion, **changes: Any) -> SurveyQuestion:
    """Change any of :data:`QUESTION_FIELDS` of a question, with the same
    checks as on adding. Once people have answered, only the help text may
    change (:data:`EDITABLE_WHEN_ANSWERED`); other changes are refused and
    nothing is saved. Precondition: ``changes`` names only those fields
    (``TypeError`` otherwise)."""
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"question_update got unknown fields {sorted(unknown)}")
    module = _survey(question.module, lock="edit")
    require(actor, Action.MANAGE_PARTICIPATION, module.process.procurement)
    question = _question_in(module, question)
    current = {name: getattr(question, name) for name in QUESTION_FIELDS}
    fields = _checked({**current, **changes})
    changed = sorted(name for name in QUESTION_FIELDS if fields[name] != current[name])
    if not changed:
        return question
    if set(changed) - EDITABLE_WHEN_ANSWERED:
        _refuse_when_answered(module)
    for name in changed:
        setattr(question, name, fields[name])
    question.save(update_fields=changed)
    _audit(actor, "survey.question_updated", question, module, fields=changed)
    return question


@transaction.atomic
def question_remove(*, actor: User, question: SurveyQuestion) -> None:
    """Remove a question from a survey nobody has answered yet; the others
    close up behind it."""
    module = _survey(question.module, lock="edit")
    require(actor, Action.MANAGE_PARTICIPATION, module.process.procurement)
    question = _question_in(module, question)
    _refuse_when_answered(module)
    _audit(
        actor,
        "survey.question_removed",
        question,
        module,
        kind=question.kind,
        text=question.text,
        position=question.position,
    )
    question.delete()
    _renumber(module)


@transaction.atomic
def question_move(*, actor: User, question: SurveyQuestion, direction: str) -> SurveyQuestion:
    """Move a question one place ``up`` or ``down``; allowed after people
    answered too, as answers point at questions, not at places. Moving the
    first question up, or the last down, changes nothing."""
    if direction not in MOVES:
        raise ValidationError({"direction": _("Move a question up or down.")})
    module = _survey(question.module, lock="edit")
    require(actor, Action.MANAGE_PARTICIPATION, module.process.procurement)
    question = _question_in(module, question)
    questions = _renumber(module)
    here = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    there = here - 1 if direction == "up" else here + 1
    if not 0 <= there < len(questions):
        return questions[here]
    moved, other = questions[here], questions[there]
    moved.position, other.position = other.position, moved.position
    moved.save(update_fields=["position"])
    other.save(update_fields=["position"])
    _audit(
        actor,
        "survey.question_moved",
        moved,
        module,
        direction=direction,
        position=moved.position,
    )
    return moved


@transaction.atomic
def survey_answer(
    *,
    participant: Participant,
    module: Module,
    answers: Mapping[int, Any],
    channel: str = Channel.ONLINE,
    entered_by: User | None = None,
) -> tuple[SurveyResponse, bool]:
    """Save ``participant``'s answers to a survey: ``answers`` maps question
    ids to raw answers (see :func:`surveying.clean_answer`; a question left
    out or blank is unanswered, which a required question refuses).

    Returns the response and whether it is new; answering again while the
    module is open replaces every earlier answer (a question answered before
    and left blank now loses its answer). ``entered_by`` is a facilitator
    entering a response given on paper, by phone or in person
    (``Action.ASSIST_PARTICIPATION``), tagged with ``channel``; such entries
    skip the verification and spam checks, not the module's dates. Guests'
    free-text answers get the spam check of contributions. There is no rate
    limit: one response per person, replaced in place, cannot flood anything.
    """
    module = _survey(module, lock="answer")
    process = module.process
    check_entry(participant, module, "contribute", channel=channel, entered_by=entered_by)
    # The module's row is locked (see ``_survey``): these questions cannot
    # change before this commits.
    questions = list(SurveyQuestion.objects.filter(module=module).order_by("position", "pk"))
    if not questions:
        raise ValidationError(_("This survey has no questions yet."))
    checked = surveying.check_answers(questions, answers)
    errors: dict[str, list[str]] = {
        answer_field(qid): [problem_text(p)] for qid, p in checked.problems.items()
    }
    if checked.unknown:
        errors["answers"] = [
            _("Answers to questions that are not part of this survey: %(ids)s.")
            % {"ids": ", ".join(str(key) for key in checked.unknown)}
        ]
    if entered_by is None and participant.is_guest:
        for question in questions:
            value = checked.values.get(question.pk)
            if question.kind == surveying.TEXT and value:
                reasons = spam_reasons(value)
                if reasons:
                    errors.setdefault(answer_field(question.pk), []).extend(
                        _(reason) for reason in reasons
                    )
    if errors:
        raise ValidationError(errors)
    # The lock also queues one person's racing requests: the second finds the
    # response the first made, and replaces its answers.
    response = SurveyResponse.objects.filter(module=module, participant=participant).first()
    created = response is None
    if created:
        response = SurveyResponse.objects.create(
            module=module, participant=participant, channel=channel, entered_by=entered_by
        )
    else:
        SurveyAnswer.objects.filter(response=response).delete()
        response.channel = channel
        response.entered_by = entered_by
        response.save(update_fields=["channel", "entered_by", "updated_at"])
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=qid, value=value)
        for qid, value in checked.values.items()
    )
    if created:
        Module.objects.filter(pk=module.pk).update(contribution_count=F("contribution_count") + 1)
    audit_record(
        actor=entered_by or participant.user,
        action="survey.answered",
        target=response,
        organisation_id=process.procurement.organisation_id,
        # Which questions were answered, never what was said: the audit trail
        # is append-only, and a person may delete their answers.
        data={
            "process": process.slug,
            "module": module.pk,
            "participant": participant.pk,
            "answered": sorted(checked.values),
            "replaced": not created,
            "channel": channel,
            "assisted": entered_by is not None,
        },
    )
    if any(question.kind == QuestionKind.TEXT for question in questions):
        topics_request(module=module)
    return response, created


@transaction.atomic
def survey_answer_for_guest(
    *,
    entered_by: User,
    module: Module,
    pseudonym: str,
    answers: Mapping[int, Any],
    channel: str,
) -> SurveyResponse:
    """A facilitator enters a response someone gave on paper, by phone or in
    person: a new guest participant for the ``pseudonym`` they chose, and
    their answers (see :func:`survey_answer` with ``entered_by``), saved
    together or not at all. The module is locked before the guest is made,
    keeping the order of locks every survey write keeps (see ``_survey``);
    the response's audit event, by the facilitator, records the new guest
    (see ``participants.guest_join``)."""
    module = _survey(module, lock="answer")
    require(entered_by, Action.ASSIST_PARTICIPATION, module.process.procurement)
    participant = guest_join(pseudonym=pseudonym, audited=False)
    response, _created = survey_answer(
        participant=participant,
        module=module,
        answers=answers,
        channel=channel,
        entered_by=entered_by,
    )
    return response
