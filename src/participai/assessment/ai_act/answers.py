"""Checking a set of screening answers, and a blank set to start from.

:func:`validate_answers` returns every problem keyed by question, in the
language asked for; :func:`blank_answers` gives answers that declare nothing.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from participai.assessment.datafiles import LANGUAGES

from .loader import load_screening
from .model import Screening

NON_FIELD_ERRORS = "__all__"

ANSWER_ERRORS: dict[str, dict[str, str]] = {
    "not_a_mapping": {
        "en": "The answers must be an object keyed by question.",
        "es": "Las respuestas deben ser un objeto con una clave por pregunta.",
        "ca": "Les respostes han de ser un objecte amb una clau per pregunta.",
    },
    "unknown_question": {
        "en": "This is not a question of the screening.",
        "es": "Esta no es una pregunta del cribado.",
        "ca": "Aquesta no és una pregunta del cribratge.",
    },
    "required": {
        "en": "Answer this question.",
        "es": "Responda a esta pregunta.",
        "ca": "Responeu aquesta pregunta.",
    },
    "yes_no": {
        "en": "Answer yes or no.",
        "es": "Responda sí o no.",
        "ca": "Responeu sí o no.",
    },
    "choice": {
        "en": "Choose one of: {options}.",
        "es": "Elija una de estas opciones: {options}.",
        "ca": "Trieu una d'aquestes opcions: {options}.",
    },
    "multi_choice": {
        "en": "Give a list of the options that apply (an empty list for none).",
        "es": (
            "Indique una lista de las opciones que correspondan "
            "(una lista vacía si no hay ninguna)."
        ),
        "ca": (
            "Indiqueu una llista de les opcions que corresponguin "
            "(una llista buida si no n'hi ha cap)."
        ),
    },
    "unknown_options": {
        "en": "Not an option of this question: {values}.",
        "es": "No es una opción de esta pregunta: {values}.",
        "ca": "No és una opció d'aquesta pregunta: {values}.",
    },
    "duplicates": {
        "en": "Each option may be chosen only once.",
        "es": "Cada opción solo puede elegirse una vez.",
        "ca": "Cada opció només es pot triar una vegada.",
    },
}


def _lang(lang: str) -> str:
    base = (lang or "en").split("-", 1)[0].split("_", 1)[0].lower()
    return base if base in LANGUAGES else "en"


def validate_answers(
    answers: Any, *, lang: str = "en", screening: Screening | None = None
) -> dict[str, str]:
    """Check a full set of answers; return ``{question key: message}``, empty when valid.

    Every question must be answered: ``yes_no`` with a boolean, ``choice`` with
    one option key, ``multi_choice`` with a list of distinct option keys (empty
    for none). Keys that are not questions are errors too. A non-object gets a
    single error under ``"__all__"``. Messages are in ``lang`` (``en``, ``es``
    or ``ca``; a regional variant such as ``es-ES`` is accepted, anything else
    falls back to English).
    """
    screening = screening or load_screening()
    lang = _lang(lang)

    def message(code: str, **values: str) -> str:
        return ANSWER_ERRORS[code][lang].format(**values)

    if not isinstance(answers, Mapping):
        return {NON_FIELD_ERRORS: message("not_a_mapping")}
    errors: dict[str, str] = {}
    for question in screening.questions:
        if question.key not in answers or answers[question.key] is None:
            errors[question.key] = message("required")
            continue
        value = answers[question.key]
        if question.kind == "yes_no":
            if not isinstance(value, bool):
                errors[question.key] = message("yes_no")
        elif question.kind == "choice":
            if not isinstance(value, str) or value not in question.option_keys:
                errors[question.key] = message("choice", options=", ".join(question.option_keys))
        elif not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors[question.key] = message("multi_choice")
        elif unknown := [v for v in value if v not in question.option_keys]:
            errors[question.key] = message("unknown_options", values=", ".join(unknown))
        elif len(set(value)) != len(value):
            errors[question.key] = message("duplicates")
    for key in answers:
        if key not in screening.questions_by_key:
            errors[str(key)] = message("unknown_question")
    return errors


def blank_answers(*, screening: Screening | None = None) -> dict[str, Any]:
    """Answers that declare nothing: every yes/no false, every choice its first option,
    every multi-choice empty. A starting point for forms and tests."""
    screening = screening or load_screening()
    blank: dict[str, Any] = {}
    for question in screening.questions:
        if question.kind == "yes_no":
            blank[question.key] = False
        elif question.kind == "choice":
            blank[question.key] = question.options[0].key
        else:
            blank[question.key] = []
    return blank
