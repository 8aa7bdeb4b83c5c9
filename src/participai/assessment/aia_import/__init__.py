"""Import Canada's Algorithmic Impact Assessment from the SurveyJS definition a user supplies.

The definition (``survey-enfr.json`` of ``canada-ca/aia-eia-js``, MIT) is read
from wherever the user keeps it, never copied into this repository. Mapping:

* Each panel (or a page's own questions) becomes a section. As in the tool's
  ``getScoreType``, a question's kind comes from the suffix of its own name,
  else of its parent's name: ``-RS`` impact, ``-MS`` mitigation, anything else
  context. Titles are the page title, then `` - `` and the panel title if any.
* ``radiogroup`` and ``dropdown`` become ``single``, ``checkbox`` ``multiple``,
  ``text`` and ``comment`` ``text``; ``html`` elements become the section's
  intro; other element types are left out with a warning (the tool scores only
  the first three types). Texts are reduced to plain text (links keep their
  address in brackets): the file is user input and never rendered as HTML.
* A choice value ``"itemN-S"`` is worth S points: the tool reads the number
  after the last ``-`` and counts anything unparsable as 0.
* The design/implementation fork is the question that the ``visibleIf`` of the
  pages whose names end in ``Design`` / ``Implementation`` test with
  ``{question} = "value"`` (``projectDetailsPhase``, values ``item1`` and
  ``item2``, in v1.0.1). It becomes the ``phase`` question; pages conditioned on
  it give their sections' phase.
* ``visibleIf`` becomes ``visible_if`` when it is ``=``, ``contains``, ``anyof``
  or ``notempty`` on one earlier choice question, possibly joined by ``or``.
  ``contains`` follows SurveyJS: on a single answer it is a substring test, on
  a multiple answer it tests the selected values. An ``and`` is kept when all
  but one of its parts are implied by the visibility of the remaining one (as
  in ``{a} = "x" and {b} = "y"`` where ``b`` is shown only when ``a`` is
  ``x``). Anything else leaves the question always shown and adds a warning.
* ``mitigation_max_rule`` is ``half_of_all``, as the tool halves the maximum.

The package is split by concern: ``expressions`` parses ``visibleIf``,
``html_text`` reduces texts to plain text, ``surveyjs`` walks the pages, panels
and elements, ``conditions`` converts the conditions, and ``importer`` holds the
entry point. Every public name is re-exported here. This package imports
nothing from Django.
"""

from participai.assessment.aia_import.importer import AiaImport, import_aia_surveyjs
from participai.assessment.aia_import.surveyjs import (
    KINDS,
    PHASE_PAGE_SUFFIXES,
    TITLE,
    TYPES,
    AiaImportError,
)

__all__ = [
    "KINDS",
    "PHASE_PAGE_SUFFIXES",
    "TITLE",
    "TYPES",
    "AiaImport",
    "AiaImportError",
    "import_aia_surveyjs",
]
