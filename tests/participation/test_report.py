"""The participation report: what it counts, what it quotes, its PDF, and
attaching it to the procurement's documents for the gate decision."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from participai.participation.models import ChangeKind, ResponseStatus
from participai.participation.selectors.report import process_report, procurement_report
from participai.participation.services import insights
from participai.participation.services import responses as response_services
from participai.participation.services.moderation import contribution_hide
from participai.procurements.models import Document, DocumentType

from .conftest import CAMPS, STATEMENTS


def report_url(process, tail: str = "report/") -> str:
    return (
        f"/workspace/procurements/{process.procurement.slug}/participation/{process.slug}/{tail}"
    )


@pytest.fixture
def said(open_process, comments_module, make_contribution, officer):
    """Three comments, one answered as adopted and one hidden."""
    answered = make_contribution(comments_module, "Publish the visit schedule a week ahead.")
    make_contribution(comments_module, "Evening visits for working carers.")
    hidden = make_contribution(comments_module, "Buy my product!")
    response_services.response_create(
        actor=officer,
        process=open_process,
        contributions=[answered],
        status=ResponseStatus.ADOPTED,
        change_kind=ChangeKind.REQUIREMENT,
        target_label="Schedules are published ahead",
        change="Schedules are published a week ahead.",
        reason="Carers need to plan their week.",
    )
    return answered, hidden


def test_counts_people_entries_channels_and_what_became_of_them(
    open_process, comments_module, statements_module, divided, said, moderator
):
    _answered, hidden = said
    contribution_hide(actor=moderator, contribution=hidden, reason="Advertising.")
    report = process_report(open_process)
    rows = {row.module.kind: row for row in report.modules}
    assert rows["comments"].entries == 3
    assert rows["statements"].entries == STATEMENTS
    assert rows["statements"].votes == 2 * CAMPS * STATEMENTS
    assert dict(rows["comments"].channels) == {"Online": 3}
    # Authors of 3 comments and 6 statements, and 16 voters: all distinct guests.
    assert report.participants == 3 + STATEMENTS + 2 * CAMPS
    said_did = report.said_did
    assert said_did.by_status == [("Adopted", 1)]
    assert said_did.answered == 1
    # The hidden comment still waits for an answer; statements count too.
    assert said_did.unanswered == 2 + STATEMENTS
    assert [r.contribution_total for r in said_did.responses] == [1]


def test_opinion_groups_and_topics_come_from_the_stored_results(
    open_process, comments_module, statements_module, divided, said
):
    report = process_report(open_process)
    rows = {row.module.kind: row for row in report.modules}
    assert rows["statements"].opinions is None  # not computed yet
    assert rows["comments"].topics is None
    insights.opinion_groups_compute(module_id=statements_module.pk)
    insights.topics_compute(module_id=comments_module.pk)
    rows = {row.module.kind: row for row in process_report(open_process).modules}
    assert [g.size for g in rows["statements"].opinions.groups] == [CAMPS, CAMPS]
    assert rows["comments"].topics.texts == 3
    quoted = [q for t in rows["comments"].topics.topics for q in t.quotes]
    assert "Publish the visit schedule a week ahead." in quoted


def test_the_procurement_report_holds_every_process(published, open_process, make_process):
    other = make_process(published, modules=("comments",))
    reports = procurement_report(published)
    assert [r.process for r in reports] == [open_process, other]


def test_the_page_for_staff(client, officer, open_process, statements_module, divided, said):
    insights.opinion_groups_compute(module_id=statements_module.pk)
    client.force_login(officer)
    html = client.get(report_url(open_process)).content.decode()
    assert "Participation report: " + open_process.title in html
    assert "Who took part and how" in html
    assert f"{3 + STATEMENTS + 2 * CAMPS} people took part." in html
    assert 'role="img"' in html  # the opinion map
    assert "Carers need to plan their week." in html
    assert "Attach to the documents of this stage" in html


def test_outsiders_and_the_public_do_not_see_it(client, open_process, resident, other_org):
    assert client.get(report_url(open_process)).status_code == 302  # to sign in
    client.force_login(resident)
    assert client.get(report_url(open_process)).status_code == 404


def test_the_pdf_reads_as_the_page(client, officer, open_process, said):
    client.force_login(officer)
    response = client.get(report_url(open_process, "report.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Participation report" in text
    assert "Carers need to plan their week." in " ".join(text.split())


def test_attaching_adds_a_document_of_the_current_stage(client, officer, open_process, said):
    client.force_login(officer)
    response = client.post(report_url(open_process, "report/attach/"), {"public": "1"})
    assert response.status_code == 302
    document = Document.objects.get(document_type=DocumentType.PARTICIPATION_REPORT)
    assert document.created_by == officer
    assert document.procurement == open_process.procurement
    assert document.stage == open_process.procurement.stage
    assert document.is_public and document.extension == ".pdf"
    assert document.size > 1000


def test_members_who_may_not_add_documents_may_read_but_not_attach(
    client, open_process, moderator, said
):
    client.force_login(moderator)
    assert client.get(report_url(open_process)).status_code == 200
    response = client.post(report_url(open_process, "report/attach/"))
    assert response.status_code == 403
    assert not Document.objects.filter(document_type=DocumentType.PARTICIPATION_REPORT).exists()


def test_report_is_a_reserved_process_slug(published, make_process):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_process(published, slug="report")


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


@pytest.fixture
def free_text(open_process, officer, make_guest):
    """A survey whose free-text answers name a person, enough of them to
    make a topic (labelled with their words)."""
    from participai.participation.models import QuestionKind
    from participai.participation.services import surveys as survey_services
    from participai.participation.services.processes import module_add

    survey = module_add(actor=officer, process=open_process, kind="survey", title="Survey")
    question = survey_services.question_add(
        actor=officer, module=survey, kind=QuestionKind.TEXT, text="What else?"
    )
    for text in (
        "Ann Smith at 12 Elm Road waits since March.",
        "Ann Smith of Elm Road has waited since March.",
        "My neighbour Ann Smith on Elm Road still waits.",
    ):
        survey_services.survey_answer(
            participant=make_guest(), module=survey, answers={question.pk: text}
        )
    insights.topics_compute(module_id=survey.pk)
    return survey


def test_a_published_copy_leaves_out_survey_free_text(client, officer, open_process, free_text):
    client.force_login(officer)
    staff = client.get(report_url(open_process, "report.pdf"))
    assert "Ann Smith" in _pdf_text(staff.content)  # staff read everything
    client.post(report_url(open_process, "report/attach/"), {"public": "1"})
    document = Document.objects.get(document_type=DocumentType.PARTICIPATION_REPORT)
    assert document.is_public
    with document.file.open("rb") as handle:
        published = _pdf_text(handle.read())
    assert "Ann Smith" not in published
    # Nor the topic's label, made of the answers' own words.
    assert not re.search(r"\b(smith|elm)\b", published.lower())
    assert "Participation report" in published


def test_publishing_is_not_the_default(client, officer, open_process):
    client.force_login(officer)
    html = client.get(report_url(open_process)).content.decode()
    checkbox = html[html.index('id="attach-public"') - 120 : html.index('id="attach-public"') + 80]
    assert "checked" not in checkbox
    client.post(report_url(open_process, "report/attach/"))
    assert not Document.objects.get(document_type=DocumentType.PARTICIPATION_REPORT).is_public


def test_a_members_only_process_is_not_published(client, officer, published, make_process):
    process = make_process(published, read_requires="account", modules=("comments",), publish=True)
    client.force_login(officer)
    response = client.post(report_url(process, "report/attach/"), {"public": "1"}, follow=True)
    assert "attach its report without publishing it" in response.content.decode()
    assert not Document.objects.exists()
    # The procurement's published report leaves it out.
    from participai.participation.selectors.report import public_version

    assert process not in [r.process for r in public_version(procurement_report(published))]


def test_every_map_of_a_procurement_report_names_its_own_title(
    client, officer, published, make_process, open_process, divided
):
    import re

    other = make_process(published, modules=("statements",), publish=True)
    insights.opinion_groups_compute(module_id=open_process.modules.get(kind="statements").pk)
    second = other.modules.get()
    from participai.participation.services.contributions import (
        contribution_add,
        statement_vote,
    )

    statements = [
        contribution_add(participant=voter, module=second, body=f"Second module statement {n}")
        for n, voter in enumerate(divided[1][0][:3])
    ]
    for camp, voters in enumerate(divided[1]):
        for voter in voters:
            for index, statement in enumerate(statements):
                if statement.participant_id != voter.pk:
                    choice = "agree" if (index == 0) == (camp == 0) else "disagree"
                    statement_vote(participant=voter, statement=statement, choice=choice)
    insights.opinion_groups_compute(module_id=second.pk)
    client.force_login(officer)
    html = client.get(f"/workspace/procurements/{published.slug}/participation/report/").content
    html = html.decode()
    labelled = re.findall(r'<svg[^>]*aria-labelledby="([^"]+)"', html)
    assert len(labelled) == 2
    ids = " ".join(labelled).split()
    assert len(ids) == len(set(ids)) == 4
    for id_ in ids:
        assert html.count(f'id="{id_}"') == 1


def test_the_pdf_footer_keeps_the_title_as_written(client, officer, published, make_process):
    process = make_process(
        published, title="Carers' voices & the rota", modules=("comments",), publish=True
    )
    client.force_login(officer)
    text = _pdf_text(client.get(report_url(process, "report.pdf")).content)
    assert "u0027" not in text and "u0026" not in text
    assert text.count("Carers' voices & the rota") >= 3  # title, heading and footer
