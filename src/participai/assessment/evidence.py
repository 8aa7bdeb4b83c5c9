"""How the platform knows an obligation is met: a registry of evidence functions.

The proportionality engine says *what* a procurement owes; each capability
says *how it shows* that the debt is paid, by registering a function for an
obligation kind and, optionally, its subject (the requirement's ``subject``,
``document``, ``measure`` or ``actor``)::

    @obligation_evidence("role")
    def _actors_on_the_map(context, obligation) -> Evidence: ...

The most specific registration wins (kind and subject, then kind alone).
Publications, reviews and human-oversight measures without a function of their
own are met by a document of the matching type (``EVIDENCE_DOCUMENTS``) in the
procurement, public where the audience is the public. Nothing here branches on
an obligation's key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from participai.procurements.models import Document, DocumentType, Procurement

from .proportionality import Obligation

# The document type that evidences a publication, review or oversight measure.
EVIDENCE_DOCUMENTS: dict[str, str] = {
    "public_notice": DocumentType.PUBLIC_NOTICE,
    "plain_language_explanation": DocumentType.PLAIN_LANGUAGE_EXPLANATION,
    "individual_explanations": DocumentType.INDIVIDUAL_EXPLANATIONS,
    "ai_use_disclosure": DocumentType.AI_USE_DISCLOSURE,
    "transparency_record": DocumentType.TRANSPARENCY_RECORD,
    "eu_database_entry": DocumentType.EU_DATABASE_ENTRY,
    "equity_analysis": DocumentType.EQUITY_ANALYSIS,
    "system": DocumentType.EXPERT_REVIEW,
    "human_final_decision": DocumentType.HUMAN_OVERSIGHT_PLAN,
    "recurring_training": DocumentType.HUMAN_OVERSIGHT_PLAN,
}
# The requirement field that names an obligation's subject, per kind.
SUBJECT_FIELDS: dict[str, str] = {
    "review": "subject",
    "publication": "document",
    "human_oversight": "measure",
    "role": "actor",
}


@dataclass(frozen=True)
class Evidence:
    """Whether an obligation is met, and a short sentence saying what shows it."""

    met: bool
    detail: str


@dataclass
class EvidenceContext:
    """What evidence functions look at, loaded once per procurement.

    ``documents`` are all the procurement's documents. ``cache`` lets a
    capability load its rows once for several obligations (key it by app).
    """

    procurement: Procurement
    documents: tuple[Document, ...]
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, procurement: Procurement) -> EvidenceContext:
        return cls(procurement=procurement, documents=tuple(procurement.documents.all()))

    def cached(self, key: str, load: Callable[[], Any]) -> Any:
        """``load()`` once per context under ``key``."""
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


EvidenceFunction = Callable[[EvidenceContext, Obligation], Evidence]
REGISTRY: dict[tuple[str, str | None], EvidenceFunction] = {}


def obligation_evidence(
    kind: str, subject: str | None = None
) -> Callable[[EvidenceFunction], EvidenceFunction]:
    """Register the decorated function as the evidence for ``kind`` (and ``subject``)."""

    def register(function: EvidenceFunction) -> EvidenceFunction:
        if (kind, subject) in REGISTRY:
            raise ValueError(f"evidence for {kind!r} {subject!r} is registered twice")
        REGISTRY[(kind, subject)] = function
        return function

    return register


def subject_of(obligation: Obligation) -> str | None:
    name = SUBJECT_FIELDS.get(obligation.kind)
    return obligation.requirement.get(name) if name else None


def evidence_for(context: EvidenceContext, obligation: Obligation) -> Evidence:
    """Whether ``obligation`` is met for the context's procurement, and why.

    A blocking obligation is never met. Falls back on evidence documents, then
    on "not met: nothing records it".
    """
    if obligation.blocking:
        return Evidence(False, _("This cannot be met: the procurement must not go ahead."))
    subject = subject_of(obligation)
    function = REGISTRY.get((obligation.kind, subject)) or REGISTRY.get((obligation.kind, None))
    if function is not None:
        return function(context, obligation)
    if subject in EVIDENCE_DOCUMENTS:
        return _document_evidence(context, obligation, EVIDENCE_DOCUMENTS[subject])
    return Evidence(False, _("Nothing on the platform records this yet."))


def _document_evidence(
    context: EvidenceContext, obligation: Obligation, document_type: str
) -> Evidence:
    must_be_public = obligation.requirement.get("audience") == "public"
    label = DocumentType(document_type).label
    found = [d for d in context.documents if d.document_type == document_type]
    if must_be_public:
        public = [d for d in found if d.is_public]
        if public:
            return Evidence(True, _("Published: “%(title)s”.") % {"title": public[-1].title})
        if found:
            return Evidence(
                False,
                _("“%(title)s” is added but not public; the public must be able to read it.")
                % {"title": found[-1].title},
            )
    elif found:
        return Evidence(True, _("Recorded: “%(title)s”.") % {"title": found[-1].title})
    return Evidence(
        False, _("Add a document of the type “%(type)s” to the procurement.") % {"type": label}
    )
