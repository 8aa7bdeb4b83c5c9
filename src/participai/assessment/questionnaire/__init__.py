"""Impact questionnaires as data: frozen dataclasses and a validating loader.

A questionnaire is a JSON document (see ``load_questionnaire``) of sections,
each holding questions whose choices carry points. Sections are ``context``
(unscored), ``impact`` (the risk score) or ``mitigation``; a section may apply
to one ``phase`` of the project only, chosen by the answer to the question keyed
``phase`` (choices ``design`` and ``implementation``), as in Canada's
Algorithmic Impact Assessment.

The dataclasses live in ``model``, validation and loading in ``loader``; every
public name is re-exported here. This package imports nothing from Django, so it
can be tested and benchmarked alone. Every object is immutable and hashable.
"""

from participai.assessment.questionnaire.loader import load_questionnaire
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

__all__ = [
    "DEFAULT_LANGUAGE",
    "PHASES",
    "PHASE_QUESTION",
    "Choice",
    "LocalizedText",
    "MitigationMaxRule",
    "Phase",
    "Question",
    "QuestionType",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "SectionKind",
    "VisibleIf",
    "load_questionnaire",
]
