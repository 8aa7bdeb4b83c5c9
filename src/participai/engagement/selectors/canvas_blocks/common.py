"""What the canvas block builders share: the vocabulary of questions and
document types each block reads, and small helpers to read them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from participai.assessment.models import (
    AssessmentStatus,
    ImpactAssessment,
)
from participai.assessment.questionnaire import Questionnaire
from participai.assessment.scoring import visible_questions
from participai.assessment.selectors.questionnaires import questionnaire_of
from participai.procurements import lifecycle
from participai.procurements.models import (
    Document,
    DocumentType,
)

from ...canvas import Column, Fact, Pending, Table

# Questionnaire answers shown on the canvas, by block. A key ending in ``_*``
# is answered once per project phase (``_design`` or ``_implementation``).
DATA_QUESTIONS = (
    "personal_data",
    "sensitive_data",
    "data_origin",
    "data_linking",
    "data_sharing",
    "data_representative",
    "data_known_bias",
    "data_documentation_*",
    "dpia_*",
)
INFRASTRUCTURE_QUESTIONS = ("model_provider", "learns_in_use", "fallback")
VALUE_QUESTIONS = ("drivers", "effectiveness_evidence", "non_ai_alternatives")
AFFECTED_QUESTIONS = ("vulnerable_groups", "reach")
MONITORING_QUESTIONS = ("outcome_testing_*", "data_monitoring_*")
REDRESS_QUESTIONS = (
    "notice_explanation_*",
    "appeal_redress_*",
    "human_review",
    "human_override_*",
)
# Documents that speak to a block.
DATA_DOCUMENTS = (DocumentType.CONTRACT, DocumentType.TENDER_NOTICE)
DELIVERY_DOCUMENTS = (
    DocumentType.MARKET_NOTICE,
    DocumentType.TENDER_NOTICE,
    DocumentType.EVALUATION_REPORT,
    DocumentType.CONTRACT,
)
MONITORING_DOCUMENTS = (DocumentType.MONITORING_REPORT, DocumentType.LESSONS_LEARNED)
TRANSPARENCY_DOCUMENTS = (
    DocumentType.PUBLIC_NOTICE,
    DocumentType.PLAIN_LANGUAGE_EXPLANATION,
    DocumentType.AI_USE_DISCLOSURE,
    DocumentType.INDIVIDUAL_EXPLANATIONS,
    DocumentType.HUMAN_OVERSIGHT_PLAN,
    DocumentType.TRANSPARENCY_RECORD,
    DocumentType.EU_DATABASE_ENTRY,
)
OBLIGATION_STATES = ("met", "exempt", "unmet", "blocking")


def stage_name(key: str) -> str:
    return str(lifecycle.stage(key).name) if key in lifecycle.STAGES_BY_KEY else key


def pending_note(template: str, stage_key: str, **values: str) -> Pending:
    """What is not defined yet and the stage where it will be: ``template``
    (translated) may name that stage as ``%(stage)s``, and use other ``values``."""
    return Pending(text=template % {"stage": stage_name(stage_key), **values}, stage=stage_key)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def iso_date(value: datetime.date | datetime.datetime | None) -> str:
    """A date as ``YYYY-MM-DD``; a moment is taken on the installation's local
    calendar (as the portal shows it), not in UTC."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def latest(rows: Sequence, *, public: bool):
    """The newest completed row; for staff, else the draft. Returns ``(row, is_draft)``."""
    for row in rows:
        if row.status == AssessmentStatus.COMPLETED:
            return row, False
    if not public:
        for row in rows:
            if row.status == AssessmentStatus.DRAFT:
                return row, True
    return None, False


class Answers:
    """Choice answers of one impact assessment, as the words people read.

    Free-text answers are never read: they are the team's working notes. An
    answer to a question the other answers hide (kept from an earlier choice)
    is not shown either.
    """

    def __init__(self, assessment: ImpactAssessment | None, lang: str) -> None:
        self.lang = lang
        self.answers: Mapping = assessment.answers if assessment else {}
        self.questionnaire: Questionnaire | None = None
        self.shown: frozenset[str] = frozenset()
        if assessment is not None:
            try:
                self.questionnaire = questionnaire_of(assessment)
            except KeyError:  # a questionnaire no longer shipped: nothing to read it with
                return
            self.shown = visible_questions(self.questionnaire, self.answers)

    def _key(self, key: str) -> str:
        if not key.endswith("_*"):
            return key
        base = key[:-2]
        phase = self.answers.get("phase")
        if phase and f"{base}_{phase}" in self.answers:
            return f"{base}_{phase}"
        for suffix in ("implementation", "design"):
            if f"{base}_{suffix}" in self.answers:
                return f"{base}_{suffix}"
        return f"{base}_design"

    def facts(self, keys: Iterable[str]) -> list[Fact]:
        """A fact per answered choice question among ``keys``, in that order."""
        if self.questionnaire is None:
            return []
        found = []
        for pattern in keys:
            key = self._key(pattern)
            if key not in self.questionnaire or key not in self.shown:
                continue
            question = self.questionnaire.question(key)
            value = self.answers.get(key)
            if not question.is_choice or value in (None, "", []):
                continue
            chosen = value if isinstance(value, list) else [value]
            labels = []
            for choice_key in chosen:
                try:
                    labels.append(question.choice(choice_key).label(self.lang))
                except KeyError:
                    continue
            if not labels:
                continue
            found.append(
                Fact(
                    key=pattern.removesuffix("_*"),
                    label=question.text(self.lang),
                    value=tuple(labels) if question.type == "multiple" else labels[0],
                    code=",".join(chosen) if question.type == "multiple" else chosen[0],
                )
            )
        return found


def documents_table(
    key: str, caption: str, documents: Iterable[Document], *, public: bool, empty: str = ""
) -> Table:
    columns = [
        Column("title", _("Title")),
        Column("type", _("Type")),
        Column("stage", _("Stage")),
        Column("date", _("Added")),
    ]
    if not public:
        columns.append(Column("visibility", _("Visibility")))
    rows = []
    for doc in documents:
        row = [
            doc.title,
            str(doc.get_document_type_display()),
            stage_name(doc.stage),
            iso_date(doc.created_at),
        ]
        if not public:
            row.append(_("Public") if doc.is_public else _("Internal"))
        rows.append(tuple(row))
    return Table(key, caption, tuple(columns), tuple(rows), empty or _("No document yet."))


def of_types(documents: Sequence[Document], types: Iterable[str]) -> list[Document]:
    wanted = set(types)
    return [doc for doc in documents if doc.document_type in wanted]
