"""Blocks of the canvas about how the system is delivered and run: data and
infrastructure, delivery approach and criteria, KPIs and monitoring,
transparency and redress, and the documents."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from participai.assessment.models import (
    AiActScreening,
    RightsAssessment,
)
from participai.core.languages import in_language
from participai.procurements.models import (
    Document,
    EntryRoute,
    Procurement,
)

from ...canvas import Block, Fact
from .common import (
    DATA_DOCUMENTS,
    DATA_QUESTIONS,
    DELIVERY_DOCUMENTS,
    INFRASTRUCTURE_QUESTIONS,
    MONITORING_DOCUMENTS,
    MONITORING_QUESTIONS,
    REDRESS_QUESTIONS,
    TRANSPARENCY_DOCUMENTS,
    Answers,
    documents_table,
    iso_date,
    of_types,
    pending_note,
    stage_name,
)


def data_block(
    answers: Answers, documents: Sequence[Document], *, public: bool, note: str
) -> Block:
    data = answers.facts(DATA_QUESTIONS)
    infrastructure = answers.facts(INFRASTRUCTURE_QUESTIONS)
    pending = []
    if not data and not infrastructure:
        pending.append(
            pending_note(
                _(
                    "The data sources, personal data and model come from the impact "
                    "questionnaire at the stage “%(stage)s”."
                ),
                "impact_assessment",
            )
        )
    contracts = of_types(documents, DATA_DOCUMENTS)
    pending.append(
        pending_note(
            _(
                "Rights to the data and to what is built from it, lock-in and the exit and "
                "portability plan are agreed at the stage “%(stage)s”."
            ),
            "contract_negotiation",
        )
    )
    tables = ()
    if contracts:
        tables = (
            documents_table(
                "documents",
                _("Documents that set data rights, IP and exit"),
                contracts,
                public=public,
            ),
        )
    return Block(
        "data",
        _("Data and infrastructure"),
        facts=tuple(data + infrastructure),
        tables=tables,
        pending=tuple(pending),
        note=note if data or infrastructure else "",
    )


def delivery_block(p: Procurement, documents: Sequence[Document], *, public: bool) -> Block:
    facts = (
        Fact(
            "approach",
            _("Delivery approach"),
            str(EntryRoute(p.entry_route).label),
            p.entry_route,
        ),
    )
    docs = of_types(documents, DELIVERY_DOCUMENTS)
    tables = ()
    if docs:
        tables = (documents_table("documents", _("Delivery documents"), docs, public=public),)
    pending = (
        pending_note(
            _(
                "Outcome-based requirements and weighted award criteria are set at the "
                "stage “%(stage)s”."
            ),
            "solicitation_preparation",
        ),
    )
    return Block(
        "delivery",
        _("Delivery approach and criteria"),
        facts=facts,
        tables=tables,
        pending=pending,
    )


def monitoring_block(
    answers: Answers, documents: Sequence[Document], *, public: bool, note: str
) -> Block:
    facts = answers.facts(MONITORING_QUESTIONS)
    docs = of_types(documents, MONITORING_DOCUMENTS)
    tables = ()
    if docs:
        tables = (documents_table("documents", _("Monitoring reports"), docs, public=public),)
    pending = (
        pending_note(
            _(
                "KPIs are agreed at the stage “%(agreed)s” and measured at the stage "
                "“%(measured)s”."
            ),
            "contract_negotiation",
            agreed=stage_name("contract_negotiation"),
            measured=stage_name("contract_monitoring"),
        ),
    )
    return Block(
        "kpis",
        _("KPIs and monitoring"),
        facts=tuple(facts),
        tables=tables,
        pending=pending,
        note=note if facts else "",
    )


def transparency_block(
    p: Procurement,
    answers: Answers,
    *,
    screening: AiActScreening | None,
    rights: RightsAssessment | None,
    rights_is_draft: bool,
    documents: Sequence[Document],
    lang: str,
    public: bool,
    note: str,
) -> Block:
    """Publication, AI Act duties to tell people, human oversight and redress
    (from the fundamental rights assessment), the related answers and documents."""
    published = (
        _("Published on the portal on %(date)s.") % {"date": iso_date(p.published_at)}
        if p.published_at
        else _("Not published yet.")
    )
    facts = [Fact("published", _("On the public portal"), published, p.is_published)]
    if screening is not None:
        duties = tuple(
            in_language(d.get("text"), lang)
            for d in (screening.result or {}).get("transparency_duties", [])
        )
        if duties:
            facts.append(Fact("transparency_duties", _("AI Act duties to tell people"), duties))
    if rights is not None:
        if rights.oversight_measures:
            facts.append(
                Fact("oversight_measures", _("Human oversight"), rights.oversight_measures)
            )
        if rights.response_measures:
            facts.append(
                Fact(
                    "response_measures",
                    _("If risks materialise: governance, complaints and redress"),
                    rights.response_measures,
                )
            )
        if rights.summary:
            facts.append(
                Fact("fria_summary", _("Fundamental rights assessment summary"), rights.summary)
            )
    answered = answers.facts(REDRESS_QUESTIONS)
    facts += answered
    docs = of_types(documents, TRANSPARENCY_DOCUMENTS)
    tables = ()
    if docs:
        tables = (
            documents_table(
                "documents", _("Notices, explanations and records"), docs, public=public
            ),
        )
    pending = ()
    if rights is None or not rights.response_measures:
        pending = (
            pending_note(
                _(
                    "How people can complain and get redress is set out in the fundamental "
                    "rights assessment at the stage “%(stage)s”, and in the contract."
                ),
                "impact_assessment",
            ),
        )
    notes = [note] if note and answered else []
    if rights is not None and rights_is_draft:
        notes.append(_("The fundamental rights assessment is a draft, not completed yet."))
    return Block(
        "transparency",
        _("Transparency and redress"),
        facts=tuple(facts),
        tables=tables,
        pending=pending,
        note=" ".join(notes),
        wide=True,
    )


def documents_block(documents: Sequence[Document], *, public: bool) -> Block:
    table = documents_table("documents", _("Documents"), documents, public=public)
    return Block("documents", _("Documents"), tables=(table,))
