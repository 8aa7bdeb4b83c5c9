"""Suppliers' questions and the published answers: the services (who may
ask and answer, when, bad input, audit without the asker) and the team's
pages through real HTTP requests."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

import participai.config.urls as root_urls
from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.procurements.models import Procurement, ProcurementStatus
from participai.tendering.models import Clarification, ClarificationStatus, Tender, TenderStatus
from participai.tendering.selectors.clarifications import (
    asking_state,
    clarification_updated,
    published_clarifications,
)
from participai.tendering.services import clarifications as services
from participai.tendering.urls import workspace as workspace_urls

# --- the staff pages' URLs --------------------------------------------------------------
# ``urls/clarifications.py`` is meant to be included by ``urls/workspace.py`` at
# "clarifications/". Until it is, these tests mount it the same way, in front
# of the project's URLs (the first "tender" namespace wins when reversing).


def _included() -> bool:
    return any(
        getattr(pattern, "urlconf_name", None) == "participai.tendering.urls.clarifications"
        for pattern in workspace_urls.urlpatterns
    )


if _included():
    urlpatterns = root_urls.urlpatterns
else:
    urlpatterns = [
        path(
            "workspace/procurements/<slug:slug>/tender/",
            include(
                (
                    [
                        *workspace_urls.urlpatterns,
                        path(
                            "clarifications/", include("participai.tendering.urls.clarifications")
                        ),
                    ],
                    "tender",
                )
            ),
        ),
        *root_urls.urlpatterns,
    ]

pytestmark = pytest.mark.urls(__name__)

QUESTION = "May the solution run on our own servers rather than in the supplier's cloud?"
ASKER = {
    "asked_by_name": "Marta Vilanova",
    "asked_by_organisation": "Vilanova Data SL",
    "contact_email": "marta@vilanova.example",
}


def ask(procurement: Procurement, question: str = QUESTION, **overrides) -> Clarification:
    return services.clarification_ask(
        procurement=procurement, question=question, **{**ASKER, **overrides}
    )


@pytest.fixture
def market(make_procurement) -> Procurement:
    """A published procurement at market engagement, with no tender yet."""
    return make_procurement(stage="market_engagement", published=True)


@pytest.fixture
def preparing(make_procurement, make_tender) -> Procurement:
    """A published procurement at solicitation preparation with a draft tender."""
    procurement = make_procurement(stage="solicitation_preparation", published=True)
    make_tender(procurement)
    return procurement


@pytest.fixture
def question(preparing) -> Clarification:
    return ask(preparing)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- asking ------------------------------------------------------------------------------


def test_a_guest_asks_at_market_engagement_and_the_draft_tender_is_created(market, officer):
    assert not Tender.objects.filter(procurement=market).exists()
    clarification = ask(market)
    tender = Tender.objects.get(procurement=market)
    assert tender.status == TenderStatus.DRAFT
    assert tender.created_by == market.created_by == officer
    assert clarification.tender == tender
    assert clarification.status == ClarificationStatus.PENDING
    assert clarification.asked_by is None
    assert clarification.contact_email == "marta@vilanova.example"
    assert [e.object_id for e in events("tendering.tender_start")] == [str(tender.pk)]
    (event,) = events("tendering.clarification_ask")
    assert event.object_id == str(clarification.pk)
    # The trail never names who asked, nor quotes the question.
    trail = f"{event.data} {event.object_repr} {event.actor_label}"
    for private in (*ASKER.values(), "Vilanova", QUESTION[:20]):
        assert private not in trail


def test_a_second_question_goes_to_the_same_tender(market):
    first = ask(market)
    second = ask(market, "Is an on-premises installation scored differently from a cloud one?")
    assert first.tender_id == second.tender_id
    assert Tender.objects.filter(procurement=market).count() == 1
    assert len(events("tendering.tender_start")) == 1


def test_a_signed_in_supplier_is_recorded_as_the_asker(preparing, resident):
    clarification = ask(preparing, user=resident)
    assert clarification.asked_by == resident
    assert events("tendering.clarification_ask")[0].actor_id == resident.pk


@pytest.mark.parametrize(
    "stage", ["problem_definition", "engagement_planning", "contract_negotiation"]
)
def test_no_question_at_a_stage_that_takes_none(make_procurement, stage):
    procurement = make_procurement(stage=stage, published=True)
    with pytest.raises(ValidationError) as caught:
        ask(procurement)
    assert caught.value.code == services.CLOSED
    assert "are not taken at the stage" in caught.value.messages[0]
    assert not Tender.objects.exists() and not Clarification.objects.exists()


def test_no_question_on_an_unpublished_or_closed_procurement(make_procurement):
    draft = make_procurement(stage="market_engagement")
    with pytest.raises(ValidationError, match="not published"):
        ask(draft)
    closed = make_procurement(stage="market_engagement", published=True, title="Closed one")
    Procurement.objects.filter(pk=closed.pk).update(status=ProcurementStatus.STOPPED)
    closed.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        ask(closed)
    assert not Clarification.objects.exists() and not Tender.objects.exists()


def test_no_question_after_the_clarification_deadline(preparing):
    tender = Tender.objects.get(procurement=preparing)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="deadline for questions has passed"):
        ask(preparing)
    assert not Clarification.objects.exists()


def test_the_deadline_for_bids_closes_questions_when_no_clarification_deadline_is_set(
    make_procurement, make_tender
):
    procurement = make_procurement(stage="vendor_evaluation", published=True)
    tender = make_tender(procurement, opened=True)  # deadline and opening a day ago
    assert tender.clarification_deadline is None
    state = asking_state(procurement, tender)
    assert not state.open and state.closes_at == tender.submission_deadline
    with pytest.raises(ValidationError):
        ask(procurement)


def test_questions_are_open_before_the_deadline(preparing):
    tender = Tender.objects.get(procurement=preparing)
    deadline = timezone.now() + datetime.timedelta(days=3)
    Tender.objects.filter(pk=tender.pk).update(clarification_deadline=deadline)
    tender.refresh_from_db()
    state = asking_state(preparing, tender)
    assert state.open and state.closes_at == deadline
    assert ask(preparing).pk


def test_no_question_on_an_awarded_tender(make_procurement, make_tender):
    procurement = make_procurement(stage="vendor_evaluation", published=True)
    tender = make_tender(procurement, published=True)
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.AWARDED)
    with pytest.raises(ValidationError, match="questions are closed"):
        ask(procurement)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"question": ""}, "question", "Write your question first."),
        ({"question": "Why?"}, "question", "at least 10 characters"),
        ({"question": "x" * 4001}, "question", "At most 4000 characters"),
        ({"asked_by_name": "  "}, "asked_by_name", "Say who is asking."),
        ({"asked_by_organisation": ""}, "asked_by_organisation", "Name the company"),
        ({"contact_email": "not-an-email"}, "contact_email", "valid email"),
        ({"asked_by_name": "n" * 201}, "asked_by_name", "At most 200 characters"),
    ],
)
def test_bad_input_is_refused_by_field_and_saves_nothing(market, overrides, field, message):
    values = {"question": QUESTION, **overrides}
    with pytest.raises(ValidationError) as caught:
        ask(market, **values)
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    # Not even the tender: a refused question leaves no trace.
    assert not Tender.objects.exists() and not Clarification.objects.exists()
    assert not events("tendering.clarification_ask")


def test_a_guest_question_that_looks_like_spam_is_refused_with_the_reason(market, resident):
    spam = "Buy now http://a.example http://b.example http://c.example cheap licences"
    with pytest.raises(ValidationError) as caught:
        ask(market, spam)
    assert "at most two links" in " ".join(caught.value.message_dict["question"])
    # A signed-in supplier is accountable and not checked.
    assert ask(market, spam, user=resident).pk


def test_one_email_asks_at_most_five_questions_an_hour(preparing):
    for n in range(services.RATE_LIMIT):
        ask(preparing, f"Question number {n} about the hosting of the data.")
    with pytest.raises(ValidationError) as caught:
        ask(preparing, "One question too many about the hosting.")
    assert caught.value.code == services.RATE_LIMITED
    # Someone else is not held up.
    assert ask(preparing, contact_email="other@example.org").pk
    assert Clarification.objects.count() == services.RATE_LIMIT + 1


# --- answering ---------------------------------------------------------------------------


def test_answering_publishes_the_answer(question, officer):
    answered = services.clarification_answer(
        actor=officer, clarification=question, answer="Yes: see requirement **R2**."
    )
    answered.refresh_from_db()
    assert answered.status == ClarificationStatus.PUBLISHED
    assert answered.answered_by == officer
    assert answered.published_at is not None
    assert answered.updated_at == answered.published_at
    assert not clarification_updated(answered)
    assert published_clarifications(answered.tender) == [answered]
    (event,) = events("tendering.clarification_answer")
    assert event.actor_id == officer.pk and event.data["was"] == "pending"
    assert "Vilanova" not in str(event.data)


def test_editing_a_published_answer_is_audited_and_shows_as_updated(question, officer):
    services.clarification_answer(actor=officer, clarification=question, answer="First answer.")
    edited = services.clarification_answer(
        actor=officer, clarification=question, answer="Corrected answer."
    )
    edited.refresh_from_db()
    assert edited.answer == "Corrected answer."
    assert clarification_updated(edited)
    (event,) = events("tendering.clarification_edit")
    assert event.data["previous_answer"] == "First answer."
    # Saving the same answer again changes nothing and records nothing.
    services.clarification_answer(
        actor=officer, clarification=question, answer="Corrected answer."
    )
    assert len(events("tendering.clarification_edit")) == 1


@pytest.mark.parametrize("answer", ["", "   ", "a" * (services.ANSWER_MAX + 1)])
def test_a_bad_answer_changes_nothing(question, officer, answer):
    with pytest.raises(ValidationError) as caught:
        services.clarification_answer(actor=officer, clarification=question, answer=answer)
    assert "answer" in caught.value.message_dict
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PENDING and question.answer == ""
    assert not events("tendering.clarification_answer")


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.AUDITOR, Role.MODERATOR])
def test_only_the_team_answers(question, make_member, org, role):
    outsider = make_member(org, role)
    with pytest.raises(PermissionDenied):
        services.clarification_answer(actor=outsider, clarification=question, answer="Yes.")
    with pytest.raises(PermissionDenied):
        services.clarification_decline(actor=outsider, clarification=question, reason="No.")
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PENDING


def test_no_answer_once_the_stage_takes_no_questions(question, officer):
    Procurement.objects.filter(pk=question.tender.procurement_id).update(
        stage="contract_negotiation"
    )
    with pytest.raises(PermissionDenied, match="answer suppliers' questions"):
        services.clarification_answer(actor=officer, clarification=question, answer="Late.")
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PENDING


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.LEGAL_OFFICER, Role.DATA_EXPERT])
def test_the_whole_team_answers(question, make_member, org, role):
    member = make_member(org, role)
    services.clarification_answer(actor=member, clarification=question, answer="Yes.")
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PUBLISHED


def test_declining_keeps_the_question_unpublished(question, officer):
    declined = services.clarification_decline(
        actor=officer, clarification=question, reason="The same as question 1."
    )
    declined.refresh_from_db()
    assert declined.status == ClarificationStatus.DECLINED
    assert declined.decline_reason == "The same as question 1."
    assert declined.published_at is None
    assert published_clarifications(declined.tender) == []
    assert events("tendering.clarification_decline")[0].data["reason"] == "The same as question 1."
    # A declined question may still be answered after all.
    services.clarification_answer(actor=officer, clarification=declined, answer="After all: yes.")
    declined.refresh_from_db()
    assert declined.status == ClarificationStatus.PUBLISHED and declined.decline_reason == ""


def test_declining_needs_a_reason_and_a_pending_question(question, officer):
    with pytest.raises(ValidationError) as caught:
        services.clarification_decline(actor=officer, clarification=question, reason=" ")
    assert "reason" in caught.value.message_dict
    services.clarification_answer(actor=officer, clarification=question, answer="Yes.")
    with pytest.raises(ValidationError, match="Only a question waiting"):
        services.clarification_decline(actor=officer, clarification=question, reason="Oops.")
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PUBLISHED
    assert not events("tendering.clarification_decline")


# --- the team's pages --------------------------------------------------------------------


def staff_url(procurement: Procurement, suffix: str = "") -> str:
    return f"/workspace/procurements/{procurement.slug}/tender/clarifications/{suffix}"


def test_the_team_sees_every_question_with_who_asked(client, officer, question, preparing):
    answered = ask(preparing, "Who owns the model trained on our data?", contact_email="x@y.org")
    services.clarification_answer(actor=officer, clarification=answered, answer="The council.")
    client.force_login(officer)
    response = client.get(staff_url(preparing))
    assert response.status_code == 200
    html = response.content.decode()
    assert QUESTION.replace("'", "&#x27;") in html
    assert "Marta Vilanova" in html and "marta@vilanova.example" in html
    assert "The council." in html
    assert f'href="{staff_url(preparing, f"{question.pk}/")}"' in html


def test_the_page_works_before_any_tender_exists(client, officer, market):
    client.force_login(officer)
    response = client.get(staff_url(market))
    assert response.status_code == 200
    assert "No question is waiting." in response.content.decode()


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.MODERATOR])
def test_members_outside_the_team_never_see_who_asked(
    client, question, preparing, make_member, org, role
):
    client.force_login(make_member(org, role))
    for url in (staff_url(preparing), staff_url(preparing, f"{question.pk}/")):
        response = client.get(url)
        assert response.status_code == 403
        assert b"Vilanova" not in response.content


def test_strangers_get_a_404_and_anonymous_users_a_login(
    client, question, preparing, make_member, other_org
):
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert client.get(staff_url(preparing)).status_code == 404
    client.logout()
    response = client.get(staff_url(preparing))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_answering_through_the_page(client, officer, question, preparing):
    client.force_login(officer)
    url = staff_url(preparing, f"{question.pk}/")
    page = client.get(url)
    assert page.status_code == 200
    assert "Marta Vilanova" in page.content.decode()
    response = client.post(url, {"answer": "Yes, on premises is allowed."})
    assert response.status_code == 302 and response["Location"] == staff_url(preparing)
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PUBLISHED
    assert question.answer == "Yes, on premises is allowed."


def test_an_empty_answer_re_renders_with_the_error(client, officer, question, preparing):
    client.force_login(officer)
    response = client.post(staff_url(preparing, f"{question.pk}/"), {"answer": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PENDING


def test_the_page_refuses_answers_at_a_stage_without_questions(
    client, officer, question, preparing
):
    Procurement.objects.filter(pk=preparing.pk).update(stage="contract_negotiation")
    client.force_login(officer)
    url = staff_url(preparing, f"{question.pk}/")
    page = client.get(url)
    assert page.status_code == 200  # still readable, for the record
    assert "cannot be answered at the stage" in page.content.decode()
    assert client.post(url, {"answer": "Late."}).status_code == 403
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PENDING


def test_declining_through_the_page(client, officer, question, preparing):
    client.force_login(officer)
    url = staff_url(preparing, f"{question.pk}/decline/")
    bad = client.post(url, {"reason": ""})
    assert bad.status_code == 400
    question.refresh_from_db()
    assert question.status == ClarificationStatus.PENDING
    response = client.post(url, {"reason": "A duplicate of question 1."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == ClarificationStatus.DECLINED
    assert client.get(url).status_code == 405


def test_a_question_of_another_procurement_is_a_404(client, officer, question, make_procurement):
    other = make_procurement(stage="solicitation_preparation", published=True, title="Other")
    client.force_login(officer)
    assert client.get(staff_url(other, f"{question.pk}/")).status_code == 404


def test_the_list_costs_the_same_queries_whatever_the_number_of_questions(
    client, officer, preparing
):
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(staff_url(preparing)).status_code == 200
        return len(queries)

    ask(preparing, "The first question about data hosting.", user=officer)
    few = count()
    for n in range(4):
        done = ask(preparing, f"Another question, number {n}.", contact_email=f"s{n}@x.org")
        services.clarification_answer(actor=officer, clarification=done, answer=f"Answer {n}.")
    services.clarification_decline(
        actor=officer,
        clarification=ask(preparing, "A duplicate question.", contact_email="d@x.org"),
        reason="Duplicate.",
    )
    assert count() == few
