"""Surveys without Django: what a question may look like, what an answer to
it may be, and what the answers add up to.

A question has a ``kind`` (the values of ``models.QuestionKind``):

- ``single``: one option, stored as its index in ``options``;
- ``multiple``: several options, stored as the sorted list of their indexes,
  at most ``max_choices`` of them when that is not 0;
- ``scale``: a whole number from ``scale_min`` to ``scale_max``;
- ``ranking``: every item of ``options`` in the order given, best first,
  stored as the list of their indexes (a full permutation);
- ``text``: free text of at most :data:`TEXT_MAX` characters.

Anything with those attributes (the model, or :class:`QuestionSpec`) is a
question here. Problems come back as :class:`Problem`: an English message
marked with ``gettext_noop`` and its parameters, which the web layer
translates and fills in. Results are plain numbers: counts and shares per
option, a scale's mean and distribution, a ranking's Borda score (with
``n`` items, first place earns ``n - 1`` points and last place none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from participai.core.marks import gettext_noop

SINGLE, MULTIPLE, SCALE, RANKING, TEXT = "single", "multiple", "scale", "ranking", "text"
KINDS: tuple[str, ...] = (SINGLE, MULTIPLE, SCALE, RANKING, TEXT)
CHOICE_KINDS = frozenset({SINGLE, MULTIPLE})
# The kinds whose answers are numbers that can be added up and shown to the
# public; free text is read by staff only.
COUNTED_KINDS = frozenset({SINGLE, MULTIPLE, SCALE, RANKING})

QUESTION_TEXT_MAX = 500
OPTION_MAX = 200
SCALE_LABEL_MAX = 80
TEXT_MAX = 2000
# Enough options to be useful, few enough to read on a phone or a paper form.
OPTIONS_RANGE = {SINGLE: (2, 30), MULTIPLE: (2, 30), RANKING: (2, 12)}
# The ends a scale may have, and at most this many points on it (0 to 10).
SCALE_BOUNDS = (-10, 10)
SCALE_POINTS_MAX = 11


@dataclass(frozen=True)
class Problem:
    """Why a question or an answer is refused: ``message`` (English, marked
    for translation) to fill in with ``params``."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


class AnswerError(ValueError):
    """An answer that does not fit its question."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class Question(Protocol):
    kind: str
    options: Sequence[str]
    required: bool
    max_choices: int
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class QuestionSpec:
    """What a question says, as staff set it up."""

    kind: str
    text: str
    options: tuple[str, ...] = ()
    required: bool = False
    max_choices: int = 0
    scale_min: int = 1
    scale_max: int = 5
    scale_min_label: str = ""
    scale_max_label: str = ""
    help_text: str = ""

    def normalised(self) -> QuestionSpec:
        """The same question with white space trimmed, blank options dropped,
        and the fields its kind does not use set back to their defaults (so
        switching a question from one kind to another leaves nothing stale)."""
        options = tuple(o for o in (_plain(o) for o in self.options) if o)
        spec = replace(
            self,
            text=_plain(self.text),
            help_text=(self.help_text or "").strip(),
            options=options if self.kind in OPTIONS_RANGE else (),
            max_choices=self.max_choices if self.kind == MULTIPLE else 0,
        )
        if self.kind != SCALE:
            spec = replace(spec, scale_min=1, scale_max=5, scale_min_label="", scale_max_label="")
        else:
            spec = replace(
                spec,
                scale_min_label=_plain(self.scale_min_label),
                scale_max_label=_plain(self.scale_max_label),
            )
        return spec


def _plain(text: str) -> str:
    """Strip control characters and surrounding white space (one line or many)."""
    return "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32).strip()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_question(spec: QuestionSpec) -> dict[str, Problem]:
    """The problems of a question's set-up, by field; empty when it is fine.
    ``spec`` should be :meth:`QuestionSpec.normalised` first."""
    problems: dict[str, Problem] = {}
    if spec.kind not in KINDS:
        return {"kind": Problem(gettext_noop("Choose a kind of question."))}
    if not spec.text:
        problems["text"] = Problem(gettext_noop("Write the question."))
    elif len(spec.text) > QUESTION_TEXT_MAX:
        problems["text"] = Problem(
            gettext_noop("At most %(limit)d characters; this text has %(length)d."),
            {"limit": QUESTION_TEXT_MAX, "length": len(spec.text)},
        )
    if spec.kind in OPTIONS_RANGE:
        low, high = OPTIONS_RANGE[spec.kind]
        folded = [o.casefold() for o in spec.options]
        if not low <= len(spec.options) <= high:
            problems["options"] = Problem(
                gettext_noop("Give %(low)d to %(high)d options, one per line."),
                {"low": low, "high": high},
            )
        elif any(len(o) > OPTION_MAX for o in spec.options):
            problems["options"] = Problem(
                gettext_noop("Each option has at most %(limit)d characters."),
                {"limit": OPTION_MAX},
            )
        elif len(set(folded)) != len(folded):
            problems["options"] = Problem(gettext_noop("Each option must differ from the others."))
    if spec.kind == MULTIPLE and (
        not _is_int(spec.max_choices) or not 0 <= spec.max_choices <= len(spec.options)
    ):
        problems["max_choices"] = Problem(
            gettext_noop("Allow 0 (no limit) to %(high)d choices."),
            {"high": len(spec.options)},
        )
    if spec.kind == SCALE:
        low, high = SCALE_BOUNDS
        ends = (spec.scale_min, spec.scale_max)
        if not all(_is_int(end) and low <= end <= high for end in ends):
            problems["scale_max"] = Problem(
                gettext_noop("A scale runs between %(low)d and %(high)d."),
                {"low": low, "high": high},
            )
        elif not spec.scale_min < spec.scale_max < spec.scale_min + SCALE_POINTS_MAX:
            problems["scale_max"] = Problem(
                gettext_noop("A scale has 2 to %(points)d points, running upwards."),
                {"points": SCALE_POINTS_MAX},
            )
        for name in ("scale_min_label", "scale_max_label"):
            if len(getattr(spec, name)) > SCALE_LABEL_MAX:
                problems[name] = Problem(
                    gettext_noop("At most %(limit)d characters."), {"limit": SCALE_LABEL_MAX}
                )
    return problems


# --------------------------------------------------------------------------- answers


def _blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, (list, tuple)) and not raw


_INTEGER = re.compile(r"-?[0-9]{1,6}")


def _index(raw: Any) -> int | None:
    """An integer from an int or a string of digits (forms send strings)."""
    if _is_int(raw):
        return raw
    if isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        return int(raw.strip())
    return None


_NOT_AN_OPTION = gettext_noop("Choose one of the options given.")


def clean_answer(question: Question, raw: Any) -> Any:
    """The value to store for ``raw`` as an answer to ``question``, or
    ``None`` when it was left blank (whether that is allowed is
    :func:`check_answers`'s business). Raises :class:`AnswerError`."""
    if _blank(raw):
        return None
    kind = question.kind
    options = list(question.options)
    if kind == SINGLE:
        index = _index(raw)
        if index is None or not 0 <= index < len(options):
            raise AnswerError(Problem(_NOT_AN_OPTION))
        return index
    if kind == MULTIPLE:
        if not isinstance(raw, (list, tuple)):
            raw = [raw]
        indexes = [_index(item) for item in raw]
        if any(i is None or not 0 <= i < len(options) for i in indexes):
            raise AnswerError(Problem(_NOT_AN_OPTION))
        if len(set(indexes)) != len(indexes):
            raise AnswerError(Problem(gettext_noop("Choose each option at most once.")))
        if question.max_choices and len(indexes) > question.max_choices:
            raise AnswerError(
                Problem(
                    gettext_noop("Choose at most %(limit)d of the options."),
                    {"limit": question.max_choices},
                )
            )
        return sorted(indexes)
    if kind == SCALE:
        point = _index(raw)
        if point is None or not question.scale_min <= point <= question.scale_max:
            raise AnswerError(
                Problem(
                    gettext_noop("Choose a whole number from %(low)d to %(high)d."),
                    {"low": question.scale_min, "high": question.scale_max},
                )
            )
        return point
    if kind == RANKING:
        order = [_index(item) for item in raw] if isinstance(raw, (list, tuple)) else [None]
        if None in order or sorted(order) != list(range(len(options))):  # type: ignore[type-var]
            raise AnswerError(
                Problem(gettext_noop("Put every item in order, each in a place of its own."))
            )
        return order
    if kind == TEXT:
        if not isinstance(raw, str):
            raise AnswerError(Problem(gettext_noop("Write your answer as text.")))
        text = _plain(raw)
        if len(text) > TEXT_MAX:
            raise AnswerError(
                Problem(
                    gettext_noop("At most %(limit)d characters; this text has %(length)d."),
                    {"limit": TEXT_MAX, "length": len(text)},
                )
            )
        return text or None
    raise ValueError(f"unknown question kind {kind!r}")


@dataclass(frozen=True)
class Checked:
    """A whole response checked: ``values`` to store (only the questions
    answered), ``problems`` by question id, and the ids given that are no
    question of the survey."""

    values: dict[int, Any]
    problems: dict[int, Problem]
    unknown: tuple[Any, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unknown


def check_answers(questions: Iterable[Question], raw: Mapping[Any, Any]) -> Checked:
    """Check every answer in ``raw`` (question id → raw answer) against the
    survey's ``questions`` (each with an ``id``): required questions must be
    answered, the others may be left blank."""
    values: dict[int, Any] = {}
    problems: dict[int, Problem] = {}
    known: set[int] = set()
    for question in questions:
        qid = question.id  # type: ignore[attr-defined]
        known.add(qid)
        try:
            value = clean_answer(question, raw.get(qid))
        except AnswerError as error:
            problems[qid] = error.problem
            continue
        if value is None:
            if question.required:
                problems[qid] = Problem(gettext_noop("Answer this question; it is required."))
        else:
            values[qid] = value
    unknown = tuple(key for key in raw if key not in known)
    return Checked(values=values, problems=problems, unknown=unknown)


def order_from_places(places: Sequence[int | None], count: int) -> list[int] | None:
    """A ranking given as the place (1 to ``count``) of each item, in the
    items' order, as the order of their indexes (best first); ``None`` when
    no place was given. Raises :class:`AnswerError` when only some items
    have a place, or two share one."""
    given = [p for p in places if p is not None]
    if not given:
        return None
    if len(given) != count or len(places) != count:
        raise AnswerError(Problem(gettext_noop("Give every item a place, or none of them.")))
    if sorted(given) != list(range(1, count + 1)):
        raise AnswerError(Problem(gettext_noop("Give each item a different place.")))
    return sorted(range(count), key=lambda item: places[item])  # type: ignore[arg-type,return-value]


def places_from_order(order: Sequence[int]) -> list[int]:
    """The place (from 1) of each item, in the items' order: the inverse of
    :func:`order_from_places`."""
    places = [0] * len(order)
    for place, item in enumerate(order, start=1):
        places[item] = place
    return places


def display_value(question: Question, value: Any) -> str:
    """An answer in words, for a results table or a spreadsheet: option
    labels (``;`` between several, ``>`` between ranked items), the point of
    a scale, or the text. A value that no longer fits shows as it is."""
    options = list(question.options)

    def label(index: Any) -> str:
        return options[index] if _is_int(index) and 0 <= index < len(options) else str(index)

    if value is None:
        return ""
    if question.kind == SINGLE:
        return label(value)
    if question.kind == MULTIPLE and isinstance(value, list):
        return "; ".join(label(i) for i in value)
    if question.kind == RANKING and isinstance(value, list):
        return " > ".join(label(i) for i in value)
    return str(value)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Count:
    """How many respondents gave ``label`` and their ``share`` (0 to 1) of
    the respondents to the question."""

    label: str
    count: int
    share: float

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class RankedItem:
    """An item of a ranking: its Borda ``score``, that score's ``share`` of
    the most it could have had (first place for everyone), and the average
    place people gave it (1 is first)."""

    label: str
    score: int
    share: float
    mean_place: float | None

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class Result:
    """What the answers to one question add up to.

    ``respondents``: how many answered it. ``counts``: per option (single,
    multiple; for several choices the shares add up to more than 1) or per
    point of a scale. ``mean``: a scale's average. ``ranked``: a ranking's
    items, highest score first (ties in the options' order).
    """

    kind: str
    respondents: int
    counts: tuple[Count, ...] = ()
    mean: float | None = None
    ranked: tuple[RankedItem, ...] = ()


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def aggregate(question: Question, values: Iterable[Any]) -> Result:
    """Add up the stored answers to ``question``. Values that do not fit it
    (which the frozen questions should prevent) are left out."""
    kind = question.kind
    options = list(question.options)
    fitting = []
    for value in values:
        try:
            cleaned = clean_answer(question, value)
        except AnswerError:
            continue
        if cleaned is not None:
            fitting.append(cleaned)
    respondents = len(fitting)
    if kind in CHOICE_KINDS:
        tally = [0] * len(options)
        for value in fitting:
            for index in [value] if kind == SINGLE else value:
                tally[index] += 1
        counts = tuple(
            Count(label, n, _share(n, respondents))
            for label, n in zip(options, tally, strict=True)
        )
        return Result(kind=kind, respondents=respondents, counts=counts)
    if kind == SCALE:
        points = range(question.scale_min, question.scale_max + 1)
        tally = dict.fromkeys(points, 0)
        for value in fitting:
            tally[value] += 1
        counts = tuple(Count(str(p), tally[p], _share(tally[p], respondents)) for p in points)
        mean = sum(fitting) / respondents if respondents else None
        return Result(kind=kind, respondents=respondents, counts=counts, mean=mean)
    if kind == RANKING:
        size = len(options)
        scores = [0] * size
        place_sums = [0] * size
        for order in fitting:
            for place, item in enumerate(order):
                scores[item] += size - 1 - place
                place_sums[item] += place + 1
        best = respondents * (size - 1)
        items = [
            RankedItem(
                label=options[i],
                score=scores[i],
                share=_share(scores[i], best),
                mean_place=place_sums[i] / respondents if respondents else None,
            )
            for i in range(size)
        ]
        ranked = tuple(sorted(items, key=lambda item: -item.score))
        return Result(kind=kind, respondents=respondents, ranked=ranked)
    return Result(kind=kind, respondents=respondents)
