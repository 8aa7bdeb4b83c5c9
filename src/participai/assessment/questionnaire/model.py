"""Impact questionnaires as data: frozen dataclasses, immutable and hashable.

A questionnaire is made of sections, each holding questions whose choices carry
points. Sections are ``context`` (unscored), ``impact`` (the risk score) or
``mitigation``; a section may apply to one ``phase`` of the project only, chosen
by the answer to the question keyed ``phase`` (choices ``design`` and
``implementation``), as in Canada's Algorithmic Impact Assessment. Build a
:class:`Questionnaire` with ``load_questionnaire`` (in ``loader``), which
validates it.

This module imports nothing from Django.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

SectionKind = Literal["context", "impact", "mitigation"]
Phase = Literal["both", "design", "implementation"]
QuestionType = Literal["single", "multiple", "text"]
MitigationMaxRule = Literal["phase", "half_of_all"]

DEFAULT_LANGUAGE = "en"
PHASE_QUESTION = "phase"
PHASES: tuple[str, str] = ("design", "implementation")


class QuestionnaireError(ValueError):
    """A questionnaire document breaks a rule; ``path`` names the offending value."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True)
class LocalizedText:
    """A text in several languages; call it with a language code to get one.

    ``text("es-ES")`` tries ``es-ES``, then ``es``, then English.
    """

    values: tuple[tuple[str, str], ...]
    # Django's templates call callables they meet; this one needs a language,
    # given with the ``call`` filter. (A plain attribute: no Django import.)
    do_not_call_in_templates: ClassVar[bool] = True

    @classmethod
    def of(cls, values: Mapping[str, str]) -> LocalizedText:
        """Build from a ``{language: text}`` mapping, keeping its order."""
        return cls(tuple(values.items()))

    def __call__(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The text in ``lang``, falling back to its base language, then to English."""
        values = dict(self.values)
        for candidate in (lang, lang.split("-")[0], DEFAULT_LANGUAGE):
            if candidate in values:
                return values[candidate]
        return self.values[0][1] if self.values else ""

    def as_dict(self) -> dict[str, str]:
        """The texts as a plain ``{language: text}`` dict."""
        return dict(self.values)


@dataclass(frozen=True)
class Choice:
    """One answer a question offers, worth ``points`` (a whole number ≥ 0)."""

    key: str
    label: LocalizedText
    points: int = 0


@dataclass(frozen=True)
class VisibleIf:
    """Show a question only when an earlier question's answer includes one of ``any_of``.

    A question whose condition refers to a hidden question is hidden too.
    """

    question: str
    any_of: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A question: ``single`` and ``multiple`` offer choices, ``text`` takes free text."""

    key: str
    type: QuestionType
    text: LocalizedText
    help: LocalizedText | None = None
    required: bool = False
    choices: tuple[Choice, ...] = ()
    visible_if: VisibleIf | None = None

    @property
    def is_choice(self) -> bool:
        """Whether the question is answered by picking choices."""
        return self.type != "text"

    @property
    def max_points(self) -> int:
        """The most points an answer can earn: the best choice, or every choice of a multiple."""
        points = [choice.points for choice in self.choices]
        if self.type == "multiple":
            return sum(points)
        return max(points, default=0)

    def choice(self, key: str) -> Choice:
        """The choice with this key; raises ``KeyError`` if there is none."""
        for choice in self.choices:
            if choice.key == key:
                return choice
        raise KeyError(key)


@dataclass(frozen=True)
class Section:
    """A group of questions of one kind, shown in one phase or in both."""

    key: str
    title: LocalizedText
    kind: SectionKind
    phase: Phase
    questions: tuple[Question, ...]
    intro: LocalizedText | None = None

    def applies_to(self, phase: str | None) -> bool:
        """Whether the section is shown for the chosen phase (``None``: not chosen yet)."""
        return self.phase == "both" or self.phase == phase


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire; build it with ``load_questionnaire``."""

    id: str
    version: str
    title: LocalizedText
    languages: tuple[str, ...]
    mitigation_max_rule: MitigationMaxRule
    sections: tuple[Section, ...]
    _index: dict[str, tuple[Section, Question]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        index = {q.key: (s, q) for s in self.sections for q in s.questions}
        object.__setattr__(self, "_index", index)

    def questions(self) -> Iterator[Question]:
        """Every question, in the order they are asked."""
        for section in self.sections:
            yield from section.questions

    def question(self, key: str) -> Question:
        """The question with this key; raises ``KeyError`` if there is none."""
        return self._index[key][1]

    def section_of(self, key: str) -> Section:
        """The section holding the question with this key; raises ``KeyError``."""
        return self._index[key][0]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    @property
    def phase_question(self) -> Question | None:
        """The question choosing between design and implementation, if there is one."""
        found = self._index.get(PHASE_QUESTION)
        return found[1] if found else None

    def to_dict(self) -> dict[str, Any]:
        """The questionnaire in its JSON format; ``load_questionnaire`` reads it back equal."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title.as_dict(),
            "languages": list(self.languages),
            "mitigation_max_rule": self.mitigation_max_rule,
            "sections": [_section_dict(s) for s in self.sections],
        }


def _section_dict(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"key": section.key, "title": section.title.as_dict()}
    if section.intro is not None:
        data["intro"] = section.intro.as_dict()
    data |= {"kind": section.kind, "phase": section.phase}
    data["questions"] = [_question_dict(q) for q in section.questions]
    return data


def _question_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "type": question.type,
        "text": question.text.as_dict(),
    }
    if question.help is not None:
        data["help"] = question.help.as_dict()
    data["required"] = question.required
    if question.is_choice:
        data["choices"] = [
            {"key": c.key, "label": c.label.as_dict(), "points": c.points}
            for c in question.choices
        ]
    if question.visible_if is not None:
        data["visible_if"] = {
            "question": question.visible_if.question,
            "any_of": list(question.visible_if.any_of),
        }
    return data
