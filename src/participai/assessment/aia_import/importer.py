"""The entry point: ``import_aia_surveyjs`` and the ``AiaImport`` it returns.

The walk itself is in ``surveyjs``; its result is validated here by
``load_questionnaire``, so an import either yields a valid questionnaire or
raises ``AiaImportError``.

This module imports nothing from Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from participai.assessment.aia_import.expressions import _js_str
from participai.assessment.aia_import.surveyjs import AiaImportError, _Importer
from participai.assessment.questionnaire import (
    DEFAULT_LANGUAGE,
    PHASE_QUESTION,
    Questionnaire,
    QuestionnaireError,
    load_questionnaire,
)


@dataclass(frozen=True)
class AiaImport:
    """An imported questionnaire, the warnings raised on the way, and how names were mapped.

    ``key_map`` pairs SurveyJS question names with the questionnaire's keys
    where they differ; ``phase_values`` pairs the fork question's values with
    ``design`` / ``implementation``.
    """

    questionnaire: Questionnaire
    warnings: tuple[str, ...]
    key_map: tuple[tuple[str, str], ...] = ()
    phase_values: tuple[tuple[str, str], ...] = ()

    def convert_answers(self, data: Mapping[str, Any]) -> dict[str, str | list[str]]:
        """Turn answers saved by the Canadian tool (``{name: value}``) into our answers.

        Values of names that are not questions here (e.g. SurveyJS comments) are dropped.
        """
        keys = dict(self.key_map)
        phases = dict(self.phase_values)
        answers: dict[str, str | list[str]] = {}
        for name, value in data.items():
            key = keys.get(name, name)
            if key not in self.questionnaire or value is None:
                continue
            question = self.questionnaire.question(key)
            if question.type == "multiple":
                values = value if isinstance(value, list) else [value]
                answers[key] = [_js_str(v) for v in values]
            elif key == PHASE_QUESTION and phases:
                answers[key] = phases.get(_js_str(value), _js_str(value))
            elif isinstance(value, str | int | float):
                answers[key] = _js_str(value)
        return answers


def import_aia_surveyjs(
    data: Mapping[str, Any],
    *,
    languages: Sequence[str] = ("en", "fr"),
    questionnaire_id: str = "canada-aia",
    version: str | None = None,
) -> AiaImport:
    """Build a questionnaire from a SurveyJS definition of the AIA (see the module docstring).

    ``languages`` are the languages to keep; SurveyJS's ``default`` text is
    English. ``version`` defaults to the ``vX.Y.Z`` found in the definition's
    text. Raises ``AiaImportError`` if the definition cannot be read as a whole.
    """
    languages = tuple(languages)
    if DEFAULT_LANGUAGE not in languages:
        raise AiaImportError("languages must include 'en'")
    importer = _Importer(languages)
    questionnaire_dict = importer.run(data, questionnaire_id, version)
    try:
        questionnaire = load_questionnaire(questionnaire_dict)
    except QuestionnaireError as exc:
        raise AiaImportError(f"the imported questionnaire is invalid: {exc}") from exc
    return AiaImport(
        questionnaire=questionnaire,
        warnings=tuple(importer.warnings),
        key_map=tuple((n, k) for n, k in importer.keys.items() if n != k),
        phase_values=tuple(importer.phase_values.items()),
    )
