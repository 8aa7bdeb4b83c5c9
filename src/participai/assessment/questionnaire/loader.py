"""Reading and validating questionnaire documents: ``load_questionnaire``.

The JSON format is the one ``Questionnaire.to_dict`` writes. Validation stops
at the first problem and raises ``QuestionnaireError`` naming its JSON path.

This module imports nothing from Django.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any, get_args

from participai.assessment.questionnaire.model import (
    DEFAULT_LANGUAGE,
    PHASE_QUESTION,
    PHASES,
    Choice,
    LocalizedText,
    MitigationMaxRule,
    Phase,
    Question,
    Questionnaire,
    QuestionnaireError,
    QuestionType,
    Section,
    SectionKind,
    VisibleIf,
)

_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_MAX_CHOICE_KEY = 200


def load_questionnaire(source: str | PathLike[str] | Mapping[str, Any]) -> Questionnaire:
    """Read and validate a questionnaire from a JSON file path or an already parsed dict.

    Raises ``QuestionnaireError`` naming the first offending value, e.g.
    ``sections[3].questions[2].choices[1].points: must be a whole number ≥ 0``.
    """
    if not isinstance(source, str | PathLike):
        data: Any = source
    else:
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise QuestionnaireError("", f"cannot read {path}: {exc.strerror}") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise QuestionnaireError("", f"{path} is not valid JSON: {exc}") from exc
    return _Loader().questionnaire(data)


class _Loader:
    """Validates one document; keeps the languages and the keys seen so far."""

    def __init__(self) -> None:
        self.languages: tuple[str, ...] = ()
        self.questions: dict[str, Question] = {}
        self.section_keys: set[str] = set()

    def questionnaire(self, data: Any) -> Questionnaire:
        _fields(
            data,
            "",
            required={"id", "version", "title", "mitigation_max_rule", "sections"},
            optional={"languages"},
        )
        title = data["title"]
        if not isinstance(title, Mapping) or not title:
            raise QuestionnaireError("title", "must be an object of texts by language")
        languages = data.get("languages", list(title))
        if not isinstance(languages, list | tuple) or not languages:
            raise QuestionnaireError("languages", "must be a non-empty list of language codes")
        for i, lang in enumerate(languages):
            if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
                raise QuestionnaireError(f"languages[{i}]", "must be a language code like 'es'")
        if len(set(languages)) != len(languages):
            raise QuestionnaireError("languages", "lists a language twice")
        if DEFAULT_LANGUAGE not in languages:
            raise QuestionnaireError("languages", "must include 'en', the fallback language")
        self.languages = tuple(languages)
        rule = _choice_of(data["mitigation_max_rule"], "mitigation_max_rule", MitigationMaxRule)
        sections_data = data["sections"]
        if not isinstance(sections_data, list | tuple) or not sections_data:
            raise QuestionnaireError("sections", "must be a non-empty list")
        questionnaire = Questionnaire(
            id=_string(data["id"], "id"),
            version=_string(data["version"], "version"),
            title=self.text(title, "title"),
            languages=self.languages,
            mitigation_max_rule=rule,
            sections=tuple(self.section(s, f"sections[{i}]") for i, s in enumerate(sections_data)),
        )
        self.check_phases(questionnaire)
        return questionnaire

    def text(self, value: Any, path: str) -> LocalizedText:
        if not isinstance(value, Mapping):
            raise QuestionnaireError(path, "must be an object of texts by language")
        for lang, text in value.items():
            if lang not in self.languages:
                declared = ", ".join(self.languages)
                raise QuestionnaireError(
                    f"{path}.{lang}", f"language not declared (declared: {declared})"
                )
            if not isinstance(text, str) or not text.strip():
                raise QuestionnaireError(f"{path}.{lang}", "must be a non-empty string")
        missing = [lang for lang in self.languages if lang not in value]
        if missing:
            raise QuestionnaireError(path, f"missing the text in {', '.join(missing)}")
        return LocalizedText(tuple((lang, value[lang]) for lang in self.languages))

    def section(self, data: Any, path: str) -> Section:
        _fields(
            data, path, required={"key", "title", "kind", "phase", "questions"}, optional={"intro"}
        )
        key = _key(data["key"], f"{path}.key")
        if key in self.section_keys:
            raise QuestionnaireError(f"{path}.key", f"duplicate section key {key!r}")
        self.section_keys.add(key)
        kind = _choice_of(data["kind"], f"{path}.kind", SectionKind)
        phase = _choice_of(data["phase"], f"{path}.phase", Phase)
        if phase != "both" and PHASE_QUESTION not in self.questions:
            raise QuestionnaireError(
                f"{path}.phase",
                f"a {phase}-only section needs an earlier single-choice question "
                f"keyed {PHASE_QUESTION!r} with choices 'design' and 'implementation'",
            )
        questions_data = data["questions"]
        if not isinstance(questions_data, list | tuple) or not questions_data:
            raise QuestionnaireError(f"{path}.questions", "must be a non-empty list")
        questions = []
        for i, q in enumerate(questions_data):
            question = self.question(q, f"{path}.questions[{i}]", kind)
            self.questions[question.key] = question
            questions.append(question)
        intro = data.get("intro")
        return Section(
            key=key,
            title=self.text(data["title"], f"{path}.title"),
            kind=kind,
            phase=phase,
            questions=tuple(questions),
            intro=None if intro is None else self.text(intro, f"{path}.intro"),
        )

    def question(self, data: Any, path: str, kind: str) -> Question:
        _fields(
            data,
            path,
            required={"key", "type", "text"},
            optional={"help", "required", "choices", "visible_if"},
        )
        key = _key(data["key"], f"{path}.key")
        if key in self.questions:
            raise QuestionnaireError(f"{path}.key", f"duplicate question key {key!r}")
        qtype = _choice_of(data["type"], f"{path}.type", QuestionType)
        required = data.get("required", False)
        if not isinstance(required, bool):
            raise QuestionnaireError(f"{path}.required", "must be true or false")
        if qtype == "text":
            if "choices" in data:
                raise QuestionnaireError(
                    f"{path}.choices", "only single and multiple have choices"
                )
            choices: tuple[Choice, ...] = ()
        else:
            choices = self.choices(data.get("choices"), f"{path}.choices", kind)
        help_text = data.get("help")
        visible_if = data.get("visible_if")
        return Question(
            key=key,
            type=qtype,
            text=self.text(data["text"], f"{path}.text"),
            help=None if help_text is None else self.text(help_text, f"{path}.help"),
            required=required,
            choices=choices,
            visible_if=None if visible_if is None else self.visible_if(visible_if, path, key),
        )

    def choices(self, data: Any, path: str, kind: str) -> tuple[Choice, ...]:
        if not isinstance(data, list | tuple) or not data:
            raise QuestionnaireError(path, "single and multiple need a non-empty list of choices")
        choices: list[Choice] = []
        for i, item in enumerate(data):
            here = f"{path}[{i}]"
            # Points are optional only where nothing is scored.
            required = {"key", "label"} | ({"points"} if kind != "context" else set())
            _fields(item, here, required=required, optional={"points"})
            key = item["key"]
            if (
                not isinstance(key, str)
                or key != key.strip()
                or not 0 < len(key) <= _MAX_CHOICE_KEY
            ):
                raise QuestionnaireError(
                    f"{here}.key", f"must be 1–{_MAX_CHOICE_KEY} characters, no outer spaces"
                )
            if any(c.key == key for c in choices):
                raise QuestionnaireError(f"{here}.key", f"duplicate choice key {key!r}")
            points = item.get("points", 0)
            if isinstance(points, bool) or not isinstance(points, int) or points < 0:
                raise QuestionnaireError(f"{here}.points", "must be a whole number ≥ 0")
            choices.append(Choice(key, self.text(item["label"], f"{here}.label"), points))
        return tuple(choices)

    def visible_if(self, data: Any, path: str, own_key: str) -> VisibleIf:
        path = f"{path}.visible_if"
        _fields(data, path, required={"question", "any_of"}, optional=set())
        ref = data["question"]
        if ref == own_key:
            raise QuestionnaireError(f"{path}.question", "a question cannot depend on itself")
        target = self.questions.get(ref) if isinstance(ref, str) else None
        if target is None:
            raise QuestionnaireError(
                f"{path}.question", f"{ref!r} is not the key of an earlier question"
            )
        if not target.is_choice:
            raise QuestionnaireError(
                f"{path}.question", f"{ref!r} is a text question; refer to a choice question"
            )
        any_of = data["any_of"]
        if not isinstance(any_of, list | tuple) or not any_of:
            raise QuestionnaireError(f"{path}.any_of", "must be a non-empty list of choice keys")
        keys = {c.key for c in target.choices}
        for i, choice in enumerate(any_of):
            if not isinstance(choice, str) or choice not in keys:
                raise QuestionnaireError(
                    f"{path}.any_of[{i}]", f"{choice!r} is not a choice of {ref!r}"
                )
        if len(set(any_of)) != len(any_of):
            raise QuestionnaireError(f"{path}.any_of", "lists a choice twice")
        return VisibleIf(ref, tuple(any_of))

    def check_phases(self, questionnaire: Questionnaire) -> None:
        """The ``phase`` question, when present, must be a plain always-shown fork."""
        if PHASE_QUESTION not in questionnaire:
            return
        section = questionnaire.section_of(PHASE_QUESTION)
        question = questionnaire.question(PHASE_QUESTION)
        s = questionnaire.sections.index(section)
        path = f"sections[{s}].questions[{section.questions.index(question)}]"
        if section.kind != "context" or section.phase != "both":
            raise QuestionnaireError(
                path, "the 'phase' question must sit in a context section shown in both phases"
            )
        if question.type != "single" or sorted(c.key for c in question.choices) != sorted(PHASES):
            raise QuestionnaireError(
                path, "the 'phase' question must be single with choices 'design', 'implementation'"
            )
        if not question.required or question.visible_if is not None:
            raise QuestionnaireError(
                path, "the 'phase' question must be required and always visible"
            )


def _fields(data: Any, path: str, *, required: set[str], optional: set[str]) -> None:
    """Check ``data`` is an object with every required field and no unknown one."""
    if not isinstance(data, Mapping):
        raise QuestionnaireError(path or "$", "must be an object")
    for name in sorted(required):
        if name not in data:
            raise QuestionnaireError(_join(path, name), "is required")
    for name in data:
        if name not in required | optional:
            allowed = ", ".join(sorted(required | optional))
            raise QuestionnaireError(_join(path, str(name)), f"unknown field (allowed: {allowed})")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(path, "must be a non-empty string")
    return value


def _key(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise QuestionnaireError(
            path,
            "must be 1–100 of A-Z a-z 0-9 _ . : -, not starting with . : or -",
        )
    return value


def _choice_of(value: Any, path: str, literal: Any) -> Any:
    allowed = get_args(literal)
    if value not in allowed:
        raise QuestionnaireError(path, f"must be one of {', '.join(map(repr, allowed))}")
    return value
