"""The tender pack: what it holds (built from the live records, participation
included), and the same content as a real PDF (read back with pypdf) and a
real DOCX (read back with python-docx)."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from participai.participation.models import ModuleKind, ReadRequires
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from participai.participation.services import processes as process_services
from participai.participation.services import responses as response_services
from participai.procurements.models import Procurement
from participai.tendering.models import (
    RequirementSource,
    SourceKind,
    Tender,
    TenderClause,
)
from participai.tendering.pack import build_pack
from participai.tendering.pack.render import filename, pack_html, pack_pdf
from participai.tendering.pack.word import markdown_blocks, pack_docx
from participai.tendering.services import clarifications as clarification_services

OUTCOMES = "Referrals are seen in time:\n\n- urgent ones **the same day**\n- all within seven days"


def add_process(procurement: Procurement, officer, *, title: str, read_requires=ReadRequires.NONE):
    now = timezone.now()
    process = process_services.process_create(
        actor=officer,
        procurement=procurement,
        title=title,
        slug=title.lower().replace(" ", "-")[:40],
        question="What should the triage system never decide on its own?",
        negotiable="Which decisions stay with a social worker.",
        decision_stage="diagnosis",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        read_requires=read_requires,
    )
    module = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.COMMENTS, title="Comments"
    )
    process_services.process_publish(actor=officer, process=process)
    return process, module


def say(module, text: str):
    return contribution_services.contribution_add(
        participant=participant_services.guest_join(pseudonym=f"Guest {len(text)}"),
        module=module,
        body=text,
    )


@pytest.fixture
def scene(make_procurement, make_tender, officer):
    """A published procurement with a public process (three comments, one
    answered), a process behind sign-in (one comment) and a published tender
    with sources, clauses and an answered question."""
    procurement = make_procurement(published=True)
    process, module = add_process(procurement, officer, title="Where the line is drawn")
    comments = [
        say(module, "Keep a person on every urgent case."),
        say(module, "Write to people in plain language."),
        say(module, "Do not score families by postcode."),
    ]
    response_services.response_create(
        actor=officer,
        process=process,
        contributions=comments[:2],
        status="adopted",
        change_kind="requirement",
        change="A person reviews every urgent referral.",
        reason="You asked for a person on urgent cases: it is now requirement R1.",
        target_label="R1",
    )
    _closed, closed_module = add_process(
        procurement, officer, title="Staff only reading", read_requires=ReadRequires.ACCOUNT
    )
    say(closed_module, "Something said behind the sign-in.")
    Procurement.objects.filter(pk=procurement.pk).update(stage="vendor_evaluation")
    procurement.refresh_from_db()
    tender = make_tender(procurement, published=True)
    Tender.objects.filter(pk=tender.pk).update(outcomes=OUTCOMES)
    tender.refresh_from_db()
    first = tender.requirements.order_by("position").first()
    RequirementSource.objects.create(
        requirement=first,
        kind=SourceKind.OBLIGATION,
        obligation_key="human_oversight",
        label="A person reviews every urgent referral",
    )
    TenderClause.objects.create(
        tender=tender,
        library_key="exit_data_return",
        theme="exit_plan",
        title="Return of the data at exit",
        text="The supplier returns every record within 30 days, in an open format.",
        library_text="The supplier returns every record within 60 days.",
    )
    clarification = clarification_services.clarification_ask(
        procurement=procurement,
        question="May the system run on our own servers?",
        asked_by_name="Marta Vilanova",
        asked_by_organisation="Vilanova Data SL",
        contact_email="marta@vilanova.example",
    )
    clarification_services.clarification_answer(
        actor=officer, clarification=clarification, answer="Yes, on premises is allowed."
    )
    return procurement, tender


def test_the_pack_is_built_from_the_live_records(scene):
    procurement, tender = scene
    pack = build_pack(procurement, tender)
    assert pack.title == procurement.title and pack.organisation == "Northbridge Test Council"
    assert not pack.draft
    assert pack.content.outcomes == OUTCOMES
    assert [r.title for r in pack.content.requirements] == ["Requirement 1", "Requirement 2"]
    assert [s.label for s in pack.content.requirements[0].sources] == [
        "A person reviews every urgent referral"
    ]
    assert pack.content.requirements[1].unsourced
    assert [(g.key, g.weight) for g in pack.content.groups] == [
        ("quality", 35),
        ("price", 25),
        ("responsible_ai", 30),
        ("social_value", 10),
    ]
    assert pack.content.total_weight == 100
    assert pack.content.themes[0].clauses[0].adapted
    # Only the process anyone may read, with its three comments and its answer.
    assert [(p.title, p.entries) for p in pack.processes] == [("Where the line is drawn", 3)]
    (answer,) = pack.answers
    assert answer.contributions == 2 and answer.target_label == "R1"
    assert answer.status_label == "Adopted"
    assert [(c.number, c.question) for c in pack.clarifications] == [
        (1, "May the system run on our own servers?")
    ]


def test_building_the_pack_costs_a_fixed_number_of_queries(scene, officer):
    procurement, tender = scene

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            build_pack(procurement, tender)
        return len(queries)

    few = count()
    _process, module = add_process(procurement, officer, title="Another public process")
    for n in range(3):
        say(module, f"Another comment, number {n}, on the exit plan.")
    TenderClause.objects.create(tender=tender, theme="audits", title="Audits", text="Yearly.")
    assert count() == few


def test_the_html_never_names_who_asked(scene):
    html = pack_html(build_pack(*scene))
    assert "May the system run on our own servers?" in html
    for private in ("Marta Vilanova", "Vilanova Data SL", "vilanova.example"):
        assert private not in html
    assert "Something said behind the sign-in." not in html


def test_the_pdf_holds_the_criteria_and_their_weights(scene):
    procurement, tender = scene
    content = pack_pdf(build_pack(procurement, tender))
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (
        f"Tender pack: {procurement.title}",
        "Outcomes for residents",
        "Fairness, oversight and transparency",
        "Social value",
        "35 %",
        "30 %",
        "25 %",
        "10 %",
        "100 %",
        "Requirement 1",
        "A person reviews every urgent referral",
        "No source",
        "Return of the data at exit",
        "Adapted from the clause library.",
        "Where the line is drawn",
        "it is now requirement R1",
        "May the system run on our own servers?",
        "Yes, on premises is allowed.",
    ):
        assert expected in text, expected
    assert "Marta Vilanova" not in text


def test_the_docx_has_headings_the_criteria_table_and_the_clauses(scene):
    procurement, tender = scene
    document = docx.Document(io.BytesIO(pack_docx(build_pack(procurement, tender))))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", f"Tender pack: {procurement.title}") in headings
    level_one = [text for style, text in headings if style == "Heading 1"]
    assert level_one == [
        "The problem",
        "Mission",
        "Outcomes sought",
        "Requirements",
        "Evaluation criteria and weights",
        "Contract clauses",
        "Participation so far",
        "Timeline",
        "Questions and answers",
    ]
    assert ("Heading 2", "R1. Requirement 1 (Outcome)") in headings
    assert ("Heading 3", "Return of the data at exit") in headings
    criteria = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in criteria.rows]
    assert rows[0] == ["Criterion", "Group", "Weight", "How it is scored"]
    assert ["Outcomes for residents", "Quality", "35 %", "Scored by the panel, 0 to 5"] in rows
    assert ["Price", "Price", "25 %", "By formula: lowest price scores highest, 0 to 5"] in rows
    groups = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert groups[-1] == ["Total", "100 %"]
    texts = [p.text for p in document.paragraphs]
    assert "The supplier returns every record within 30 days, in an open format." in texts
    assert "Adapted from the clause library." in texts
    assert "No source: not traced to public input or the assessments." in texts
    # Markdown becomes paragraphs and list paragraphs, marks dropped.
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "urgent ones the same day" in bullets
    assert "5: Level 5" in bullets
    assert all("Marta" not in text for text in texts)
    assert document.core_properties.author == "Northbridge Test Council"


def test_a_preview_before_publication_is_marked_as_a_draft(make_procurement, make_tender):
    procurement = make_procurement(stage="solicitation_preparation")
    tender = make_tender(procurement)
    pack = build_pack(procurement, tender)
    assert pack.draft
    assert filename(pack, "pdf") == f"{procurement.slug}-tender-pack-draft.pdf"
    assert "Draft preview" in pack_html(pack)
    empty = build_pack(procurement, None)
    assert empty.draft and empty.content.requirements == () and empty.processes == ()


def test_markdown_becomes_plain_blocks():
    blocks = markdown_blocks(
        "# Aim\n\nSee [the plan](https://x.example) *now*.\n\n1. one\n2. two\n"
    )
    assert blocks == [("h", "Aim"), ("p", "See the plan now."), ("li", "one"), ("li", "two")]
    assert markdown_blocks("") == []
