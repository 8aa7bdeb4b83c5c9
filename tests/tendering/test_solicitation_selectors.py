"""Reads of the tender's preparation: the workspace page (in a fixed number of
queries), the sources a requirement can be traced to, and the draft as Markdown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from participai.participation.models import Response
from participai.tendering import clauses as clause_library
from participai.tendering.models import Tender, TenderStatus
from participai.tendering.selectors import solicitation as selectors
from participai.tendering.services import solicitation as services

from .test_solicitation_services import (
    STAGE,
    criterion,
    in_days,
    make_consequence,
    make_process,
    make_response,
    make_rights_assessment,
)


@pytest.fixture
def procurement(make_procurement, settle_stakes):
    return settle_stakes(make_procurement(stage=STAGE, published=True), level=3)


@pytest.fixture
def tender(procurement, officer) -> Tender:
    return services.tender_start(actor=officer, procurement=procurement)


def fill(procurement, tender, officer, n: int) -> None:
    """``n`` more requirements each with two sources, ``n`` more criteria each
    assessing the new requirements, ``n`` more clauses across themes."""
    library = clause_library.library()
    requirements = []
    for i in range(n):
        requirement = services.requirement_add(
            actor=officer, tender=tender, kind="outcome", title=f"Requirement {i}"
        )
        for _ in range(2):
            services.requirement_source_add(
                actor=officer,
                requirement=requirement,
                kind="consequence",
                consequence=make_consequence(procurement, officer, f"Consequence {i}.{_}"),
            )
        requirements.append(requirement)
    for i in range(n):
        criterion(
            tender,
            officer,
            name=f"Criterion {i}",
            group=["quality", "responsible_ai", "social_value"][i % 3],
            weight=Decimal(10),
            requirements=requirements,
        )
    present = set(tender.clauses.values_list("library_key", flat=True))
    for clause in [c for c in library.clauses if c.key not in present][:n]:
        services.clause_add_from_library(actor=officer, tender=tender, key=clause.key)


# --- The workspace page -------------------------------------------------------------------


def test_the_page_groups_everything_the_workspace_shows(procurement, tender, officer):
    first = services.requirement_add(actor=officer, tender=tender, kind="outcome", title="First")
    second = services.requirement_add(
        actor=officer, tender=tender, kind="constraint", title="Second"
    )
    services.requirement_source_add(
        actor=officer,
        requirement=second,
        kind="consequence",
        consequence=make_consequence(procurement, officer),
    )
    criterion(tender, officer, name="Quality", weight=Decimal(60), requirements=[second, first])
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal("12.5"))
    library = clause_library.library()
    # Added against the library's theme order: the page puts them back in it.
    last_theme, first_theme = library.themes[-1].key, library.themes[0].key
    late = next(c for c in library.clauses if c.theme == last_theme)
    early = next(c for c in library.clauses if c.theme == first_theme)
    services.clause_add_from_library(actor=officer, tender=tender, key=late.key)
    adapted = services.clause_add_from_library(actor=officer, tender=tender, key=early.key)
    services.clause_update(actor=officer, clause=adapted, title=adapted.title, text="Ours.")

    page = selectors.solicitation_page(procurement, tender)

    assert [item.requirement.title for item in page.requirements] == ["First", "Second"]
    assert [item.unsourced for item in page.requirements] == [True, False]
    assert page.requirements[1].sources[0].label == "Staff stop reading the notes."
    assert [group.key for group in page.groups] == [
        "quality",
        "price",
        "responsible_ai",
        "social_value",
        "other",
    ]
    assert [group.weight for group in page.groups] == [
        Decimal(60),
        Decimal(0),
        Decimal("12.5"),
        Decimal(0),
        Decimal(0),
    ]
    quality = page.groups[0].criteria[0]
    assert [r.title for r in quality.requirements] == ["First", "Second"]
    assert page.total_weight == Decimal("72.5")
    assert page.responsible_ai_weight == Decimal("12.5")
    assert (page.minimum, page.impact_level) == (Decimal(20), 3)
    assert page.problems == [
        "The weights add up to 72.5 %; they must add up to 100 %.",
        "Responsible-AI criteria carry 12.5 % of the weight; at impact level III they must "
        "carry at least 20 %.",
    ]
    assert [theme.key for theme in page.themes] == [first_theme, last_theme]
    assert page.themes[0].title == library.themes[0].title_in("en")
    assert page.counts == {
        "requirements": 2,
        "unsourced": 1,
        "criteria": 2,
        "clauses": 2,
        "adapted": 1,
    }


def test_an_empty_draft_has_no_problem_listed_yet(procurement, tender):
    page = selectors.solicitation_page(procurement, tender)
    assert page.problems == [] and page.requirements == [] and page.themes == []
    assert page.counts["criteria"] == 0


def test_a_published_tender_shows_the_rule_it_was_published_under(procurement, tender, officer):
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal(15))
    Tender.objects.filter(pk=tender.pk).update(
        status=TenderStatus.PUBLISHED,
        published_at=timezone.now(),
        submission_deadline=in_days(3),
        opening_at=in_days(4),
        impact_level=2,
        min_responsible_ai_weight=Decimal(10),
    )
    tender.refresh_from_db()
    page = selectors.solicitation_page(procurement, tender)
    assert (page.minimum, page.impact_level) == (Decimal(10), 2)
    assert page.problems == ["The weights add up to 15 %; they must add up to 100 %."]


def test_the_page_costs_the_same_queries_whatever_the_rows(procurement, tender, officer):
    fill(procurement, tender, officer, 1)
    with CaptureQueriesContext(connection) as small:
        selectors.solicitation_page(procurement, tender)
    fill(procurement, tender, officer, 8)
    with CaptureQueriesContext(connection) as large:
        page = selectors.solicitation_page(procurement, tender)
    assert page.counts["requirements"] == 9 and page.counts["clauses"] == 9
    assert len(large) == len(small) <= 5


def test_the_page_stays_within_five_queries(
    procurement, tender, officer, django_assert_max_num_queries
):
    fill(procurement, tender, officer, 6)
    with django_assert_max_num_queries(5):
        page = selectors.solicitation_page(procurement, tender)
        # Reading what the template reads costs nothing more.
        for item in page.requirements:
            [source.label for source in item.sources]
        for group in page.groups:
            for row in group.criteria:
                [r.title for r in row.requirements]


# --- Sources a requirement can be traced to -----------------------------------------------


def test_candidates_are_this_procurements_sources(
    procurement, officer, make_procurement, django_assert_max_num_queries
):
    older = make_response(procurement, officer, change="Older answer")
    newer = make_response(procurement, officer, change="Newer answer")
    Response.objects.filter(pk=older.pk).update(created_at=timezone.now().replace(year=2020))
    make_response(procurement, officer, change="Unpublished", published=False)
    other = make_procurement(stage=STAGE, title="Other")
    make_response(other, officer, change="Elsewhere")
    make_consequence(other, officer, "Elsewhere")
    consequence = make_consequence(procurement, officer)
    make_rights_assessment(procurement, officer, risks="An earlier risk")
    make_rights_assessment(procurement, officer)
    make_rights_assessment(procurement, officer, risks="A draft risk", completed=False)

    candidates = selectors.source_candidates(procurement)

    assert [r.pk for r in candidates.responses] == [newer.pk, older.pk]
    with django_assert_max_num_queries(0):
        assert candidates.responses[0].process.title.startswith("What the triage")
    assert candidates.consequences == [consequence]
    assert candidates.obligations and all(o.key and o.text for o in candidates.obligations)
    assert candidates.rights_assessment.number == 2
    assert candidates.fria_risks == [
        "Urgent referrals from people without a phone are ranked low.",
        "Interpreters' notes are not read by the model.",
    ]
    assert not candidates.empty


def test_no_candidates_without_sources(make_procurement):
    candidates = selectors.source_candidates(make_procurement(stage=STAGE))
    assert candidates.responses == [] and candidates.fria_risks == []
    assert candidates.rights_assessment is None


def test_review_processes_are_those_that_take_a_document_review(procurement, officer):
    fitting = make_process(procurement, officer)
    make_process(procurement, officer, stage="vendor_evaluation")
    assert selectors.review_processes(procurement) == [fitting]


# --- The draft as Markdown ----------------------------------------------------------------


def test_the_markdown_holds_the_whole_draft(procurement, tender, officer):
    services.tender_update(
        actor=officer,
        tender=tender,
        outcomes="Everyone referred is **seen in time**.",
        clarification_deadline=None,
        submission_deadline=in_days(10),
        opening_at=in_days(11),
    )
    tender.refresh_from_db()
    requirement = services.requirement_add(
        actor=officer, tender=tender, kind="constraint", title="No lock-in", text="Open formats."
    )
    services.requirement_source_add(
        actor=officer,
        requirement=requirement,
        kind="consequence",
        consequence=make_consequence(procurement, officer),
    )
    criterion(
        tender, officer, name="Quality | depth", weight=Decimal("70"), requirements=[requirement]
    )
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal("30"))
    clause = clause_library.library().clauses[0]
    services.clause_add_from_library(actor=officer, tender=tender, key=clause.key)

    markdown = selectors.tender_markdown(tender)

    assert markdown.index("## Outcomes sought") < markdown.index("## Requirements")
    assert "Everyone referred is **seen in time**." in markdown
    assert "### 1. No lock-in (Constraint)\nOpen formats.\nWhere it comes from:\n" in markdown
    # The review is public: a consequence shows its kind, never its wording,
    # as on the public governance canvas.
    assert "- Consequence\n" in markdown
    assert "Staff stop reading the notes" not in markdown
    assert "| Quality / depth | Quality | 70 % |" in markdown
    assert "### Fairness (30 %)" in markdown
    assert "Assesses: No lock-in." in markdown
    assert f"### {clause_library.library().theme(clause.theme).title_in('en')}" in markdown
    assert f"#### {clause.title_in('en')}" in markdown
    assert "- Last day for suppliers’ questions: not set" in markdown
    assert "Deadline for bids: not set" not in markdown

    without = selectors.tender_markdown(tender, sources=False)
    assert "Where it comes from" not in without and "Staff stop" not in without

    with translation.override("es"):
        spanish = selectors.tender_markdown(tender)
    assert spanish != markdown
    # Stored texts stay as written; the library's theme titles follow the language.
    assert f"### {clause_library.library().theme(clause.theme).title_in('es')}" in spanish


def test_an_empty_draft_says_what_is_missing(tender):
    markdown = selectors.tender_markdown(tender)
    assert "No requirement yet." in markdown
    assert "No criterion yet." in markdown
    assert "No clause yet." in markdown
