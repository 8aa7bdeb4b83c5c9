"""The staff's "you said, we did" pages through real HTTP requests, role by
role: the list of answers, picking contributions (filters, pages), the
answer form (new, added to, edited) and its refusals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.roles import Role
from participai.participation.models import Contribution, Response
from participai.participation.services import moderation as moderation_services
from participai.procurements.models import Procurement


def base(procurement: Procurement, process) -> str:
    return f"/workspace/procurements/{procurement.slug}/participation/{process.slug}/responses/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


FORM = {
    "status": "adopted",
    "change_kind": "requirement",
    "change": "Urgent referrals reach a person the same day.",
    "reason": "Many of you asked for it, and the service **can** do it.",
    "decision": "",
    "actor": "",
    "document": "",
    "target_label": "R-7 Same-day call back",
}


@pytest.fixture
def said(comments_module, make_contribution):
    return [
        make_contribution(comments_module, "Call urgent cases back the same day."),
        make_contribution(comments_module, "Nobody should wait a week for a call."),
        make_contribution(comments_module, "Open the office on Saturdays."),
    ]


# --------------------------------------------------------------------------- the list


def test_members_read_the_answers(
    client, org, make_member, published, open_process, said, make_response
):
    make_response(said[:2])
    client.force_login(make_member(org, Role.AUDITOR))
    response = client.get(base(published, open_process))
    assert response.status_code == 200
    html = response.content.decode()
    assert "R-7 Same-day call back" in html
    assert "Answers 2 contributions" in html
    # Reading is not answering: no link to answer or change.
    assert "responses/answer/" not in html and "/edit/" not in html


def test_the_team_gets_the_links_to_answer(
    client, officer, published, open_process, said, make_response
):
    answer = make_response(said[:1])
    client.force_login(officer)
    html = client.get(base(published, open_process)).content.decode()
    assert f"{base(published, open_process)}answer/" in html
    assert f"{base(published, open_process)}{answer.pk}/edit/" in html


def test_the_process_page_links_to_the_answers(client, officer, published, open_process):
    client.force_login(officer)
    url = f"/workspace/procurements/{published.slug}/participation/{open_process.slug}/"
    assert base(published, open_process) in client.get(url).content.decode()


@pytest.mark.parametrize("page", ["", "answer/", "new/?c=1", "1/edit/"])
def test_strangers_get_nothing(
    page, client, resident, published, open_process, said, make_response
):
    make_response(said[:1])
    assert client.get(base(published, open_process) + page).status_code == 302  # to log in
    client.force_login(resident)
    assert client.get(base(published, open_process) + page).status_code == 404


@pytest.mark.parametrize("page", ["answer/", "new/?c={c}", "{r}/edit/"])
def test_members_without_the_right_may_not_answer(
    page, client, moderator, published, open_process, said, make_response
):
    answer = make_response(said[:1])
    client.force_login(moderator)
    url = base(published, open_process) + page.format(c=said[1].pk, r=answer.pk)
    assert client.get(url).status_code == 403
    if "answer/" not in page:  # picking is a GET form
        data = {**FORM, "contributions": [said[1].pk]}
        assert client.post(url.split("?")[0], data).status_code == 403
    assert Response.objects.count() == 1


# --------------------------------------------------------------------------- picking


def test_pick_lists_visible_contributions_with_filters(
    client,
    officer,
    published,
    open_process,
    statements_module,
    said,
    moderator,
    make_response,
    make_contribution,
):
    statement = make_contribution(statements_module, "A person calls on urgent cases.")
    moderation_services.contribution_hide(
        actor=moderator, contribution=said[2], reason="Off topic."
    )
    make_response(said[:1])
    client.force_login(officer)
    url = base(published, open_process) + "answer/"

    def shown(**query) -> list[int]:
        response = client.get(url, query)
        assert response.status_code == 200
        return [c.pk for c in response.context["contributions"]]

    assert shown() == [said[0].pk, said[1].pk, statement.pk]
    assert shown(unanswered="on") == [said[1].pk, statement.pk]
    assert shown(q="urgent") == [said[0].pk, statement.pk]
    assert shown(module=str(statements_module.pk)) == [statement.pk]
    # A filter that makes no sense is ignored rather than failing.
    assert shown(module="nonsense") == [said[0].pk, said[1].pk, statement.pk]
    html = client.get(url).content.decode()
    assert 'name="c"' in html and "answered 1 time" in html
    assert "Off topic" not in html and "Open the office on Saturdays" not in html


def test_pick_is_paginated(
    client, officer, published, open_process, comments_module, make_contribution
):
    for n in range(52):
        make_contribution(comments_module, f"Point {n}")
    client.force_login(officer)
    url = base(published, open_process) + "answer/"
    first = client.get(url, {"q": "Point"})
    assert len(first.context["contributions"]) == 50
    assert "q=Point" in first.content.decode() and "page=2" in first.content.decode()
    assert len(client.get(url, {"q": "Point", "page": "2"}).context["contributions"]) == 2


def test_the_answering_pages_cost_the_same_queries_whatever_the_count(
    client,
    officer,
    published,
    open_process,
    statements_module,
    comments_module,
    make_contribution,
    make_response,
):
    """The list, the picking page and the answer form: no query per row."""
    client.force_login(officer)

    def add(count: int) -> list[int]:
        said = [make_contribution(comments_module) for _ in range(count)]
        said += [make_contribution(statements_module) for _ in range(count)]
        make_response(said[: count // 2 or 1])
        return [c.pk for c in said]

    def queries(url: str, query=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        return len(captured)

    answers = base(published, open_process)
    pick = answers + "answer/"
    ids = add(2)
    answer = open_process.responses.get()
    edit = f"{answers}{answer.pk}/edit/"
    queries(pick)
    few = [
        queries(answers),
        queries(pick),
        queries(answers + "new/", {"c": ids}),
        queries(edit, {"c": ids}),
    ]
    for _ in range(12):
        ids += add(2)
    many = [
        queries(answers),
        queries(pick),
        queries(answers + "new/", {"c": ids}),
        queries(edit, {"c": ids}),
    ]
    assert all(m <= f for m, f in zip(many, few, strict=True)), (few, many)


# --------------------------------------------------------------------------- answering


def test_new_answer_form_comes_with_the_ticked_contributions(
    client, officer, published, open_process, said
):
    client.force_login(officer)
    response = client.get(base(published, open_process) + "new/", {"c": [said[0].pk, said[1].pk]})
    assert response.status_code == 200
    assert [c.pk for c in response.context["candidates"]] == [said[0].pk, said[1].pk]
    html = response.content.decode()
    assert f'value="{said[0].pk}" checked' in html and f'value="{said[1].pk}" checked' in html
    assert "Open the office on Saturdays" not in html


def test_new_answer_without_contributions_goes_back_to_picking(
    client, officer, published, open_process, said, moderator
):
    moderation_services.contribution_hide(actor=moderator, contribution=said[0], reason="Rude.")
    client.force_login(officer)
    for query in ({}, {"c": ["x"]}, {"c": [said[0].pk]}):
        response = client.get(base(published, open_process) + "new/", query, follow=True)
        assert response.redirect_chain[-1][0] == base(published, open_process) + "answer/"
        assert "Tick at least one contribution to answer." in messages_of(response)


def test_publish_an_answer_for_two(client, officer, published, open_process, said, audit_events):
    client.force_login(officer)
    response = client.post(
        base(published, open_process) + "new/",
        {**FORM, "contributions": [said[0].pk, said[1].pk], "shown": [said[0].pk, said[1].pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == base(published, open_process)
    assert "Answer published" in messages_of(response)[0]
    answer = Response.objects.get()
    assert sorted(answer.contributions.values_list("pk", flat=True)) == [said[0].pk, said[1].pk]
    assert answer.created_by == officer and answer.target_label == "R-7 Same-day call back"
    assert "<strong>can</strong>" in answer.reason_html
    assert len(audit_events("response.created")) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"status": "maybe"}, "status"),
        ({"change": ""}, "change"),
        ({"change_kind": "actor"}, "actor"),
        ({"change_kind": "document"}, "document"),
        ({"target_label": ""}, "target_label"),
        ({"contributions": []}, "contributions"),
        ({"contributions": ["999999"]}, "contributions"),
        ({"decision": "999999"}, "decision"),
    ],
)
def test_a_bad_answer_is_shown_again_and_nothing_saved(
    changes, field, client, officer, published, open_process, said
):
    client.force_login(officer)
    data = {**FORM, "contributions": [said[0].pk], "shown": [said[0].pk, said[1].pk], **changes}
    response = client.post(base(published, open_process) + "new/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    # What was on the form stays on it, ticked or not.
    assert [c.pk for c in response.context["candidates"]] == [said[0].pk, said[1].pk]
    assert not Response.objects.exists()
    assert not Contribution.objects.filter(response_count__gt=0).exists()


def test_a_hidden_contribution_is_refused_by_the_service(
    client, officer, moderator, published, open_process, said
):
    moderation_services.contribution_hide(actor=moderator, contribution=said[0], reason="Rude.")
    client.force_login(officer)
    response = client.post(
        base(published, open_process) + "new/", {**FORM, "contributions": [said[0].pk]}
    )
    assert response.status_code == 400
    assert "cannot be answered" in response.content.decode()
    assert not Response.objects.exists()


def test_add_contributions_to_an_existing_answer(
    client, officer, published, open_process, said, make_response
):
    answer = make_response(said[:1])
    client.force_login(officer)
    response = client.get(
        base(published, open_process) + "new/", {"c": [said[1].pk], "into": answer.pk}
    )
    edit = f"{base(published, open_process)}{answer.pk}/edit/"
    assert response.status_code == 302 and response["Location"] == f"{edit}?c={said[1].pk}"
    form_page = client.get(response["Location"])
    assert form_page.context["chosen"] == {said[0].pk, said[1].pk}
    assert form_page.context["form"].initial["target_label"] == "R-7 Same-day call back"
    data = {
        **FORM,
        "reason": answer.reason,
        "contributions": [said[0].pk, said[1].pk],
        "shown": [said[0].pk, said[1].pk],
    }
    assert client.post(edit, data).status_code == 302
    assert sorted(answer.contributions.values_list("pk", flat=True)) == [said[0].pk, said[1].pk]
    assert Contribution.objects.get(pk=said[1].pk).response_count == 1


def test_edit_an_answer(
    client, officer, published, open_process, said, make_response, gate_decision
):
    answer = make_response(said[:2])
    client.force_login(officer)
    edit = f"{base(published, open_process)}{answer.pk}/edit/"
    page = client.get(edit)
    assert page.status_code == 200 and page.context["chosen"] == {said[0].pk, said[1].pk}
    data = {
        **FORM,
        "status": "partly",
        "decision": str(gate_decision.pk),
        "contributions": [said[1].pk],
        "shown": [said[0].pk, said[1].pk],
    }
    response = client.post(edit, data, follow=True)
    assert "Answer saved." in messages_of(response)
    answer.refresh_from_db()
    assert (answer.status, answer.decision) == ("partly", gate_decision)
    assert list(answer.contributions.values_list("pk", flat=True)) == [said[1].pk]
    bad = client.post(edit, {**data, "reason": ""})
    assert bad.status_code == 400 and "reason" in bad.context["form"].errors
    answer.refresh_from_db()
    assert answer.reason != ""


def test_edit_an_answer_of_another_process_is_a_404(
    client, officer, published, open_process, make_process, make_contribution, make_response
):
    other = make_process(published, modules=("comments",), publish=True)
    answer = make_response([make_contribution(other.modules.get())])
    client.force_login(officer)
    assert client.get(f"{base(published, open_process)}{answer.pk}/edit/").status_code == 404
