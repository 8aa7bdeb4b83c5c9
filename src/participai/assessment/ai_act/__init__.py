"""EU AI Act screening: the questionnaire is data, this package is its engine.

The questions, the Annex III areas and points, the banned practices, the
transparency duties and every text shown to people live in
``data/ai_act_screening.json`` (in the product's own words, in English,
Spanish and Catalan). This package loads and checks that file, checks a set of
answers, and turns valid answers into a :class:`ScreeningResult`:

- any banned practice (Art. 5) makes the use ``"prohibited"``;
- otherwise a use in an Annex III point makes it ``"high_risk"``, unless the
  limited-task exception (Art. 6(3)) is claimed, which is refused when the
  system profiles people;
- otherwise any duty to tell people (Art. 50) makes it ``"limited"``;
- otherwise it is ``"minimal"``.

For a high-risk use deployed by a public body, a fundamental rights impact
assessment (Art. 27) is required unless every point is in Annex III area 2
(critical infrastructure), and so is registration of the use in the EU database
(Art. 49(3), with the same area-2 exception: those systems are registered
nationally).

The package is laid out as: :mod:`.model` (vocabulary, errors and data types),
:mod:`.loader` and :mod:`.questions` (reading and validating the data file),
:mod:`.answers` (checking answers) and :mod:`.engine` (:func:`screen`). Import
from the package itself: ``from participai.assessment.ai_act import screen``.

Pure: no Django import, so it can be tested and benchmarked alone.
"""

from participai.assessment.datafiles import LANGUAGES, Text

from .answers import ANSWER_ERRORS, NON_FIELD_ERRORS, blank_answers, validate_answers
from .engine import screen
from .loader import DATA_PATH, load_screening, parse_screening
from .model import (
    CLASSIFICATIONS,
    EFFECT_KEYS,
    ENGINE_REASONS,
    FLAGS,
    MESSAGE_FIELDS,
    OPTION_SOURCES,
    QUESTION_KINDS,
    AnnexIIIArea,
    AnnexIIIPoint,
    Effects,
    InvalidAnswers,
    Option,
    Question,
    Reason,
    Screening,
    ScreeningDataError,
    ScreeningResult,
    Section,
    TransparencyDuty,
)

__all__ = [
    "ANSWER_ERRORS",
    "CLASSIFICATIONS",
    "DATA_PATH",
    "EFFECT_KEYS",
    "ENGINE_REASONS",
    "FLAGS",
    "LANGUAGES",
    "MESSAGE_FIELDS",
    "NON_FIELD_ERRORS",
    "OPTION_SOURCES",
    "QUESTION_KINDS",
    "AnnexIIIArea",
    "AnnexIIIPoint",
    "Effects",
    "InvalidAnswers",
    "Option",
    "Question",
    "Reason",
    "Screening",
    "ScreeningDataError",
    "ScreeningResult",
    "Section",
    "Text",
    "TransparencyDuty",
    "blank_answers",
    "load_screening",
    "parse_screening",
    "screen",
    "validate_answers",
]
