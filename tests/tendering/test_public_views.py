"""The public tender page, the questions asked from it, and the tender pack
as a page, through real HTTP requests: what the public sees, and what it
never sees (bids before the opening, who asked, individual scores unless
published, drafts)."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.roles import Role
from participai.procurements.models import Procurement
from participai.tendering.models import (
    Clarification,
    ClarificationStatus,
    Requirement,
    RequirementSource,
    SourceKind,
    Tender,
    TenderClause,
)
from participai.tendering.services import clarifications as clarification_services

QUESTION = "May the solution run on our own servers rather than in the supplier's cloud?"
ASKER = {
    "asked_by_name": "Marta Vilanova",
    "asked_by_organisation": "Vilanova Data SL",
    "contact_email": "marta@vilanova.example",
}


def url(procurement: Procurement, suffix: str = "") -> str:
    return f"/p/{procurement.slug}/tender/{suffix}"


def html_of(response) -> str:
    return response.content.decode()


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def dress(tender: Tender, officer) -> None:
    """Sources, a clause from the library (adapted) and one written from scratch."""
    first, _second = tender.requirements.order_by("position")
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
        position=0,
    )
    TenderClause.objects.create(
        tender=tender,
        theme="exit_plan",
        title="Handover to the next supplier",
        text="The supplier helps the next one for three months.",
        position=1,
    )


def publish_answer(
    procurement, officer, question=QUESTION, answer="Yes, on premises."
) -> Clarification:
    clarification = clarification_services.clarification_ask(
        procurement=procurement, question=question, **ASKER
    )
    return clarification_services.clarification_answer(
        actor=officer, clarification=clarification, answer=answer
    )


@pytest.fixture
def open_tender(make_procurement, make_tender, officer):
    """A published tender of a published procurement at vendor evaluation,
    bids sealed until tomorrow, questions open (deadline in two hours)."""
    procurement = make_procurement(stage="vendor_evaluation", published=True)
    tender = make_tender(procurement, published=True)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=timezone.now() + timezone.timedelta(hours=2)
    )
    tender.refresh_from_db()
    dress(tender, officer)
    return tender


# --- before publication ---------------------------------------------------------------


def test_a_draft_tender_shows_a_note_and_the_question_form(client, make_procurement, make_tender):
    procurement = make_procurement(stage="solicitation_preparation", published=True)
    make_tender(procurement)
    response = client.get(url(procurement))
    assert response.status_code == 200
    html = html_of(response)
    assert "The tender is being prepared" in html
    assert f'action="/p/{procurement.slug}/tender/ask/#ask"' in html
    # The draft's content is not published yet.
    assert "Requirement 1" not in html and "Outcomes for residents" not in html
    assert "Every referral is seen by a person" not in html


def test_at_market_engagement_without_a_tender_questions_are_taken(client, make_procurement):
    procurement = make_procurement(stage="market_engagement", published=True)
    response = client.get(url(procurement))
    assert response.status_code == 200
    assert 'name="question"' in html_of(response)


def test_no_form_where_the_stage_takes_no_questions(client, make_procurement):
    procurement = make_procurement(stage="problem_definition", published=True)
    html = html_of(client.get(url(procurement)))
    assert "The tender is being prepared" in html
    assert 'name="question"' not in html


def test_a_draft_procurement_is_a_404_except_for_its_members(
    client, make_procurement, officer, resident
):
    procurement = make_procurement(stage="market_engagement")
    assert client.get(url(procurement)).status_code == 404
    client.force_login(resident)
    assert client.get(url(procurement)).status_code == 404
    client.force_login(officer)
    response = client.get(url(procurement))
    assert response.status_code == 200
    assert "Draft preview" in html_of(response)


# --- asking from the page -------------------------------------------------------------


def test_a_guest_asks_from_the_page(client, make_procurement):
    procurement = make_procurement(stage="market_engagement", published=True)
    response = client.post(url(procurement, "ask/"), {"question": QUESTION, **ASKER})
    assert response.status_code == 302
    assert response["Location"] == url(procurement) + "#questions"
    clarification = Clarification.objects.get()
    assert clarification.question == QUESTION
    assert clarification.asked_by is None
    followed = client.get(response["Location"])
    assert "your question was received" in html_of(followed)
    # Pending: not on the public page.
    assert "on our own servers" not in html_of(followed)


def test_bad_input_re_renders_the_page_with_errors(client, make_procurement):
    procurement = make_procurement(stage="market_engagement", published=True)
    response = client.post(
        url(procurement, "ask/"),
        {
            "question": "Why?",
            "asked_by_name": "",
            "asked_by_organisation": "X",
            "contact_email": "no",
        },
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "This field is required." in html  # the name
    assert "Enter a valid email address." in html
    assert not Clarification.objects.exists() and not Tender.objects.exists()
    response = client.post(url(procurement, "ask/"), {"question": "Why?", **ASKER})
    assert response.status_code == 400
    assert "at least 10 characters" in html_of(response)
    assert not Clarification.objects.exists()


def test_asking_when_closed_says_why(client, make_procurement):
    procurement = make_procurement(stage="contract_negotiation", published=True)
    response = client.post(url(procurement, "ask/"), {"question": QUESTION, **ASKER})
    assert response.status_code == 400
    assert "are not taken at the stage" in html_of(response)
    assert not Clarification.objects.exists()


def test_asking_needs_post(client, make_procurement):
    procurement = make_procurement(stage="market_engagement", published=True)
    assert client.get(url(procurement, "ask/")).status_code == 405


# --- the published tender -------------------------------------------------------------


def test_the_published_tender_shows_what_suppliers_bid_on(client, open_tender, officer):
    procurement = open_tender.procurement
    publish_answer(procurement, officer)
    response = client.get(url(procurement))
    assert response.status_code == 200
    html = html_of(response)
    # Outcomes and requirements, with their sources and the unsourced mark.
    assert "Every referral is seen by a person within two days." in html
    assert "R1. Requirement 1" in html and "R2. Requirement 2" in html
    assert "A person reviews every urgent referral" in html
    assert html.count("requirement-unsourced") == 1  # Requirement 2 has no source
    assert "1 requirement has no source" in html
    # Criteria grouped, with weights, group totals and descriptors.
    for name in ("Outcomes for residents", "Fairness, oversight and transparency", "Price"):
        assert name in html
    assert "Responsible AI: 30 %" in html and "Quality: 35 %" in html
    assert "<strong>5</strong>: Level 5" in html
    assert '<th scope="row">Total</th><td class="text-right">100 %</td>' in html
    # Clauses by theme, the adapted one marked.
    assert "Return of the data at exit" in html
    assert "Adapted from the clause library." in html
    assert "Handover to the next supplier" in html
    # Timeline, questions and answers, links to the pack.
    assert "Deadline for bids" in html and "Last day for questions" in html
    assert "on our own servers" in html and "Yes, on premises." in html
    assert f"/api/procurements/{procurement.slug}/tender-pack.pdf" in html
    assert f"/api/procurements/{procurement.slug}/tender-pack.docx" in html
    assert 'name="question"' in html


def test_the_public_never_sees_who_asked_nor_pending_questions(client, open_tender, officer):
    procurement = open_tender.procurement
    publish_answer(procurement, officer)
    clarification_services.clarification_ask(
        procurement=procurement,
        question="A pending question about the exit plan.",
        **{**ASKER, "contact_email": "pending@vilanova.example"},
    )
    html = html_of(client.get(url(procurement)))
    for private in ("Marta Vilanova", "Vilanova Data SL", "vilanova.example"):
        assert private not in html
    assert "A pending question about the exit plan." not in html
    assert Clarification.objects.filter(status=ClarificationStatus.PENDING).count() == 1


def test_an_edited_answer_shows_as_updated(client, open_tender, officer):
    clarification = publish_answer(open_tender.procurement, officer)
    html = html_of(client.get(url(open_tender.procurement)))
    assert "clarification-updated" not in html
    clarification_services.clarification_answer(
        actor=officer, clarification=clarification, answer="Yes, on premises or in the EU."
    )
    html = html_of(client.get(url(open_tender.procurement)))
    assert "clarification-updated" in html and "Yes, on premises or in the EU." in html


def test_sealed_bids_show_only_their_number(client, open_tender, make_bid, officer):
    make_bid(open_tender, "Secret Supplier Ltd", "123456")
    make_bid(open_tender, "Hidden Analytics", "98765")
    # Staff included: the page shows the same to everyone before the opening.
    for user in (None, officer):
        if user:
            client.force_login(user)
        html = html_of(client.get(url(open_tender.procurement)))
        assert "2 bids received." in html
        assert "Bids stay sealed until" in html
        for secret in ("Secret Supplier", "Hidden Analytics", "123456", "123,456", "98765"):
            assert secret not in html


def test_after_the_award_the_page_shows_the_result_and_the_community_part(
    client, make_procurement, make_awarded
):
    procurement = make_procurement(stage="solution_evaluation", published=True)
    scene = make_awarded(procurement)
    response = client.get(url(procurement))
    assert response.status_code == 200
    html = html_of(response)
    assert "The contract was awarded to <strong>Borealis Data</strong>" in html
    assert "scored highest on <strong>fairness</strong>" in html
    ranking = html[html.index("tender-ranking") :]
    assert ranking.index("Borealis Data") < ranking.index("Acme Analytics")
    assert "86.00" in ranking and "70.00" in ranking
    # The panel by seat kind: counts, the conflicted member stepped aside.
    panel = html[html.index("tender-panel") : html.index("</table>", html.index("tender-panel"))]
    assert re.search(r"Member of the affected community</th><td[^>]*>3</td><td[^>]*>1</td>", panel)
    assert re.search(r"Independent expert</th><td[^>]*>1</td><td[^>]*>0</td>", panel)
    # The community panel's part: their average against the whole panel's.
    part = html[html.index("tender-community-part") :]
    assert re.search(r"Acme Analytics</th><td[^>]*>58.50</td><td[^>]*>69.25</td>", part)
    assert re.search(r"Borealis Data</th><td[^>]*>92.00</td><td[^>]*>80.00</td>", part)
    # Never a member's name; no individual scores unless the tender publishes them.
    for seat in scene.seats.values():
        assert seat.user.username not in html
    assert "Evaluator 1" not in html and "tender-evaluator" not in html
    assert "Questions are closed." in html


def test_individual_scores_are_shown_only_when_published_and_anonymised(
    client, make_procurement, make_awarded
):
    procurement = make_procurement(stage="solution_evaluation", published=True)
    scene = make_awarded(procurement, publish_individual_scores=True)
    html = html_of(client.get(url(procurement)))
    for number in (1, 2, 3, 4):
        assert f"Evaluator {number}" in html
    assert "Evaluator 5" not in html  # the conflicted member scored nothing
    for seat in scene.seats.values():
        assert seat.user.username not in html
    evaluators = html[html.index("Each evaluator") :]
    # Evaluator 1 is the staff member: Acme 4, 4, 3, price 5 by formula, total 83;
    # columns in the order of the criteria groups (quality, price, responsible AI, social).
    first = evaluators[: evaluators.index("Evaluator 2")]
    assert "(Staff of the public body)" in first
    assert re.search(
        r"Acme Analytics</th><td[^>]*>4</td><td[^>]*>5</td><td[^>]*>4</td><td[^>]*>3</td>"
        r"<td[^>]*>83.00</td>",
        first,
    )


def test_the_page_is_accessible_in_structure(client, make_procurement, make_awarded):
    procurement = make_procurement(stage="solution_evaluation", published=True)
    make_awarded(procurement, publish_individual_scores=True)
    html = html_of(client.get(url(procurement)))
    levels = headings(html)
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    # Every table has a caption and header cells with a scope.
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert tables
    for table in tables:
        assert "<caption" in table
        assert re.findall(r"<th(?=[\s>])(?![^>]*scope=)", table) == []


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(
    client, make_procurement, make_awarded, officer, make_bid
):
    procurement = make_procurement(stage="solution_evaluation", published=True)
    scene = make_awarded(procurement, publish_individual_scores=True)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(procurement)).status_code == 200
        return len(queries)

    few = count()
    # Procurement, tender and award, clarifications, requirements and their
    # sources, criteria, clauses, the bid count, seats, valid bids, scores.
    assert few <= 11
    tender = scene.tender
    for n in range(3):
        requirement = Requirement.objects.create(
            tender=tender, kind="outcome", title=f"More {n}", position=10 + n, created_by=officer
        )
        for m in range(2):
            RequirementSource.objects.create(
                requirement=requirement,
                kind=SourceKind.OBLIGATION,
                obligation_key=f"key_{m}",
                label=f"Label {n}.{m}",
            )
        TenderClause.objects.create(
            tender=tender, theme=f"theme_{n}", title=f"Clause {n}", text="Text.", position=5 + n
        )
        make_bid(tender, f"Late Supplier {n}", "90000")
    Tender.objects.filter(pk=tender.pk).update(status="published")
    for n in range(3):
        clarification = Clarification.objects.create(
            tender=tender, question=f"Question {n}?", asked_by_name="A", asked_by_organisation="B"
        )
        Clarification.objects.filter(pk=clarification.pk).update(
            status=ClarificationStatus.PUBLISHED, answer="Yes.", published_at=timezone.now()
        )
    Tender.objects.filter(pk=tender.pk).update(status="awarded")
    assert count() == few


# --- the pack as a page ---------------------------------------------------------------


def test_the_pack_page_once_published(client, open_tender, officer):
    procurement = open_tender.procurement
    publish_answer(procurement, officer)
    response = client.get(url(procurement, "pack/"))
    assert response.status_code == 200
    html = html_of(response)
    for text in (
        "The problem",
        "Referrals to the service wait nineteen days",
        "Mission",
        "Everyone referred gets help in time.",
        "Outcomes for residents",
        "Return of the data at exit",
        "Participation so far",
        "No public participation process yet.",
        "on our own servers",
    ):
        assert text in html
    assert "Marta Vilanova" not in html


def test_the_pack_page_is_a_404_before_publication(client, make_procurement, make_tender, officer):
    procurement = make_procurement(stage="solicitation_preparation", published=True)
    make_tender(procurement)
    assert client.get(url(procurement, "pack/")).status_code == 404
    client.force_login(officer)  # members use the preview
    assert client.get(url(procurement, "pack/")).status_code == 404


def test_members_preview_the_draft_pack(
    client, make_procurement, make_tender, officer, resident, make_member, other_org
):
    procurement = make_procurement(stage="solicitation_preparation", published=True)
    make_tender(procurement)
    preview = url(procurement, "pack/preview/")
    assert client.get(preview).status_code == 404
    client.force_login(resident)
    assert client.get(preview).status_code == 404
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert client.get(preview).status_code == 404
    client.force_login(officer)
    response = client.get(preview)
    assert response.status_code == 200
    html = html_of(response)
    assert "Draft preview" in html and "Outcomes for residents" in html
    # The tender page links members to it.
    assert preview in html_of(client.get(url(procurement)))
    docx = client.get(url(procurement, "pack/preview.docx"))
    assert docx.status_code == 200
    assert f'filename="{procurement.slug}-tender-pack-draft.docx"' in docx["Content-Disposition"]
    client.logout()
    assert client.get(url(procurement, "pack/preview.docx")).status_code == 404


def test_an_auditor_member_also_previews(client, make_procurement, make_member, org):
    procurement = make_procurement(stage="market_engagement")  # draft procurement, no tender
    client.force_login(make_member(org, Role.AUDITOR))
    response = client.get(url(procurement, "pack/preview/"))
    assert response.status_code == 200
    assert "No requirement yet." in html_of(response)
