"""The participation API: published processes and what was said in them
(public fields only, paginated), and signed-in contributions, supports and
votes through the same services as the pages, with refusals that say why."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from participai.accounts.models import Participant
from participai.participation.models import Contribution, Module, Process, StatementVote, Support
from participai.participation.services.contributions import (
    contribution_remove_own,
    contribution_support,
)
from participai.participation.services.moderation import contribution_hide, contribution_restore
from participai.procurements.models import Procurement

PROCESS_KEYS = {
    "id",
    "slug",
    "title",
    "question",
    "description",
    "negotiable",
    "not_negotiable",
    "stage",
    "decision_stage",
    "opens_at",
    "closes_at",
    "requirements",
    "modules",
}
MODULE_KEYS = {"id", "kind", "title", "state", "opens_at", "closes_at", "contribution_count"}
CONTRIBUTION_KEYS = {
    "id",
    "module",
    "kind",
    "parent",
    "pseudonym",
    "body_html",
    "status",
    "moderation_reason",
    "channel",
    "support_count",
    "reply_count",
    "agree_count",
    "disagree_count",
    "pass_count",
    "created_at",
}


def contributions_url(process) -> str:
    return f"/api/processes/{process.pk}/contributions"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def age(contribution, minutes):
    Contribution.objects.filter(pk=contribution.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def close(process):
    Process.objects.filter(pk=process.pk).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


# --- GET /api/procurements/{slug}/processes ------------------------------------------------


def test_processes_of_a_procurement(client, published, open_process, make_process):
    make_process(published, modules=("comments",))  # a draft: not listed
    response = client.get(f"/api/procurements/{published.slug}/processes")
    assert response.status_code == 200
    [process] = response.json()
    assert set(process) == PROCESS_KEYS
    assert process["id"] == open_process.pk
    assert process["slug"] == "where-the-line-is"
    assert process["question"] == open_process.question
    assert process["negotiable"] == "Which decisions stay with a social worker."
    assert process["not_negotiable"] == "That referrals are triaged at all."
    assert (process["stage"], process["decision_stage"]) == ("problem_definition", "diagnosis")
    assert process["requirements"] == {"read": "none", "contribute": "guest", "vote": "guest"}
    assert [m["kind"] for m in process["modules"]] == ["comments", "statements"]
    for module in process["modules"]:
        assert set(module) == MODULE_KEYS
        assert module["state"] == "open"
        assert module["contribution_count"] == 0


def test_module_state_and_count(
    client, published, open_process, comments_module, statements_module, make_contribution
):
    make_contribution(comments_module)
    make_contribution(comments_module)
    later = timezone.now() + timedelta(days=2)
    Module.objects.filter(pk=statements_module.pk).update(
        opens_at=later, closes_at=later + timedelta(days=1)
    )
    [process] = client.get(f"/api/procurements/{published.slug}/processes").json()
    comments, statements = process["modules"]
    assert (comments["state"], comments["contribution_count"]) == ("open", 2)
    assert statements["state"] == "upcoming"
    opens = datetime.fromisoformat(statements["opens_at"].replace("Z", "+00:00"))
    assert abs(opens - later) < timedelta(seconds=1)  # the module's own date, not the process's


def test_processes_of_a_draft_procurement_are_404_even_for_its_staff(client, procurement, officer):
    client.force_login(officer)
    response = client.get(f"/api/procurements/{procurement.slug}/processes")
    assert response.status_code == 404
    assert client.get("/api/procurements/no-such-thing/processes").status_code == 404


def test_process_list_costs_the_same_whatever_its_length(
    client, published, make_process, django_assert_max_num_queries
):
    for _ in range(6):
        make_process(published, modules=("comments", "statements"), publish=True)
    # procurement, processes, their modules.
    with django_assert_max_num_queries(3):
        response = client.get(f"/api/procurements/{published.slug}/processes")
    assert len(response.json()) == 6


# --- GET /api/processes/{id}/contributions -------------------------------------------------


def test_contribution_shape_has_public_fields_only(
    client, comments_module, open_process, guest, facilitator
):
    from participai.participation.services.contributions import contribution_add

    Participant.objects.filter(pk=guest.pk).update(email="ana@example.org")
    contribution_add(
        participant=guest,
        module=comments_module,
        body="Said **on paper**.",
        channel="paper",
        entered_by=facilitator,
    )
    response = client.get(contributions_url(open_process))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"], body["order"]) == (1, 20, 0, "newest")
    [item] = body["items"]
    assert set(item) == CONTRIBUTION_KEYS
    assert item["pseudonym"] == "Ana R."
    assert item["body_html"] == "<p>Said <strong>on paper</strong>.</p>\n"
    assert (item["status"], item["moderation_reason"], item["channel"]) == (
        "visible",
        None,
        "paper",
    )
    assert item["module"] == comments_module.pk
    text = response.content.decode()
    for private in ("ana@example.org", "email", "participant", "entered_by", "facilitator"):
        assert private not in text


def test_hidden_restored_and_removed(
    client, open_process, comments_module, guest, make_contribution, moderator
):
    from participai.participation.services.contributions import contribution_add

    hidden = make_contribution(comments_module, "Rude words")
    restored = make_contribution(comments_module, "Sharp but fair")
    mine = contribution_add(participant=guest, module=comments_module, body="Never mind")
    contribution_hide(actor=moderator, contribution=hidden, reason="Insults a person.")
    contribution_hide(actor=moderator, contribution=restored, reason="Hasty.")
    contribution_restore(actor=moderator, contribution=restored, reason="It is criticism.")
    contribution_remove_own(participant=guest, contribution=mine)
    items = {i["id"]: i for i in client.get(contributions_url(open_process)).json()["items"]}
    assert items[hidden.pk]["status"] == "hidden"
    assert items[hidden.pk]["body_html"] is None
    assert items[hidden.pk]["moderation_reason"] == "Insults a person."
    assert items[hidden.pk]["pseudonym"]  # the author is still shown
    assert items[restored.pk]["status"] == "visible"
    assert items[restored.pk]["moderation_reason"] is None
    assert "Sharp but fair" in items[restored.pk]["body_html"]
    assert items[mine.pk]["status"] == "removed"
    assert (items[mine.pk]["pseudonym"], items[mine.pk]["body_html"]) == (None, None)
    content = client.get(contributions_url(open_process)).content.decode()
    assert "Rude words" not in content
    assert "Ana R." not in content


def test_orders_and_pages(client, open_process, comments_module, make_contribution, make_guest):
    rows = [make_contribution(comments_module, f"c{n}") for n in range(5)]
    for n, row in enumerate(rows):
        age(row, 50 - n)
    for _ in range(2):
        contribution_support(participant=make_guest(), contribution=rows[1])
    contribution_support(participant=make_guest(), contribution=rows[3])

    def ids(**query):
        body = client.get(contributions_url(open_process), query).json()
        return [i["id"] for i in body["items"]]

    assert ids() == [r.pk for r in reversed(rows)]
    assert ids(order="oldest") == [r.pk for r in rows]
    assert ids(order="top")[:2] == [rows[1].pk, rows[3].pk]
    assert ids(order="oldest", limit=2) == [rows[0].pk, rows[1].pk]
    assert ids(order="oldest", limit=2, offset=4) == [rows[4].pk]
    assert ids(offset=5) == []
    page = client.get(contributions_url(open_process), {"limit": 2, "offset": 2}).json()
    assert (page["count"], page["limit"], page["offset"]) == (5, 2, 2)


def test_replies_carry_their_parent_and_modules_filter(
    client, open_process, comments_module, statements_module, make_contribution
):
    root = make_contribution(comments_module, "root")
    reply = make_contribution(comments_module, "reply", parent=root)
    statement = make_contribution(statements_module, "A statement")
    items = client.get(contributions_url(open_process), {"order": "oldest"}).json()["items"]
    assert [(i["id"], i["parent"], i["kind"]) for i in items] == [
        (root.pk, None, "comment"),
        (reply.pk, root.pk, "comment"),
        (statement.pk, None, "statement"),
    ]
    assert items[0]["reply_count"] == 1
    only = client.get(contributions_url(open_process), {"module": statements_module.pk}).json()
    assert [i["id"] for i in only["items"]] == [statement.pk]
    assert only["count"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"order": "random"}, "order"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"module": "x"}, "module"),
    ],
)
def test_bad_query(query, field, client, open_process):
    response = client.get(contributions_url(open_process), query)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_unknown_or_unpublished_process_is_404(
    client, published, make_process, officer, open_process
):
    draft = make_process(published, modules=("comments",))
    assert client.get(contributions_url(draft)).status_code == 404
    client.force_login(officer)  # its own staff too: the API is open data
    assert client.get(contributions_url(draft)).status_code == 404
    assert client.get("/api/processes/999999/contributions").status_code == 404
    Procurement.objects.filter(pk=published.pk).update(is_published=False, published_at=None)
    assert client.get(contributions_url(open_process)).status_code == 404


def test_reading_may_need_an_account(client, open_process, resident):
    Process.objects.filter(pk=open_process.pk).update(read_requires="account")
    response = client.get(contributions_url(open_process))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "needs_account_to_read"
    assert body["detail"] == "Sign in with an account to read this process."
    client.force_login(resident)
    assert client.get(contributions_url(open_process)).status_code == 200


def test_a_closed_process_stays_readable(client, open_process, comments_module, make_contribution):
    make_contribution(comments_module)
    close(open_process)
    assert client.get(contributions_url(open_process)).json()["count"] == 1


def test_contribution_list_costs_the_same_whatever_its_length(
    client, open_process, comments_module, make_contribution, django_assert_max_num_queries
):
    for n in range(3):
        root = make_contribution(comments_module, f"root {n}")
        make_contribution(comments_module, f"reply {n}", parent=root)
    # process, count, page with authors.
    with django_assert_max_num_queries(3):
        first = client.get(contributions_url(open_process)).json()
    for n in range(3, 15):
        make_contribution(comments_module, f"root {n}")
    with django_assert_max_num_queries(3):
        second = client.get(contributions_url(open_process)).json()
    assert (first["count"], second["count"]) == (6, 18)


# --- POST /api/modules/{id}/contributions --------------------------------------------------


def test_signed_in_person_adds_a_comment(signed_in, resident, comments_module, audit_events):
    response = post(
        signed_in, f"/api/modules/{comments_module.pk}/contributions", {"body": "Hi *all*"}
    )
    assert response.status_code == 201
    item = response.json()
    assert set(item) == CONTRIBUTION_KEYS
    assert item["body_html"] == "<p>Hi <em>all</em></p>\n"
    assert (item["kind"], item["status"], item["channel"]) == ("comment", "visible", "online")
    contribution = Contribution.objects.get(pk=item["id"])
    assert contribution.participant.user == resident
    assert item["pseudonym"] == contribution.participant.pseudonym
    assert Module.objects.get(pk=comments_module.pk).contribution_count == 1
    assert audit_events("contribution.added")[0].actor_id == resident.pk
    # The second time, the same participant.
    post(
        signed_in,
        f"/api/modules/{comments_module.pk}/contributions",
        {"body": "Again", "kind": "idea"},
    )
    assert Participant.objects.filter(user=resident).count() == 1
    assert Contribution.objects.filter(participant__user=resident, kind="idea").count() == 1


def test_reply_and_statement(signed_in, comments_module, statements_module, make_contribution):
    root = make_contribution(comments_module, "root")
    reply = make_contribution(comments_module, "reply", parent=root)
    response = post(
        signed_in,
        f"/api/modules/{comments_module.pk}/contributions",
        {"body": "Reply to a reply", "parent": reply.pk},
    )
    assert response.status_code == 201
    assert response.json()["parent"] == root.pk
    response = post(
        signed_in, f"/api/modules/{statements_module.pk}/contributions", {"body": "People decide."}
    )
    assert (response.status_code, response.json()["kind"]) == (201, "statement")


@pytest.mark.parametrize("escaped", [r"Nul\u0000l", r"Half \ud83d a pair"])
def test_a_character_no_text_can_hold_is_a_422_naming_the_field(
    escaped, signed_in, resident, comments_module
):
    # Raw JSON: the escape reaches the server as written (PostgreSQL would
    # refuse the character with a 500 if it got that far).
    response = signed_in.post(
        f"/api/modules/{comments_module.pk}/contributions",
        '{"body": "' + escaped + '"}',
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "body"
    assert "cannot be stored" in body["errors"][0]["message"]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"body": "   "}, "body", "Write something first."),
        ({"body": "x" * 5001}, "body", "At most 5000 characters; this text has 5001."),
        (
            {"body": "Hi", "kind": "statement"},
            "kind",
            "This module does not take this kind of contribution.",
        ),
        (
            {"body": "Hi", "parent": 999999},
            "parent",
            "You can only reply to a visible comment here.",
        ),
    ],
)
def test_bad_input_is_422_and_saves_nothing(
    payload, field, message, signed_in, resident, comments_module
):
    response = post(signed_in, f"/api/modules/{comments_module.pk}/contributions", payload)
    assert response.status_code == 422
    body = response.json()
    assert (body["field"], body["detail"], body["code"]) == (field, message, None)
    assert body["errors"] == [{"field": field, "message": message}]
    assert not Contribution.objects.exists()
    # Not even the participant: the refused request changed nothing.
    assert not Participant.objects.filter(user=resident).exists()


def test_reply_to_another_modules_comment_is_refused(
    signed_in, open_process, comments_module, statements_module, make_contribution
):
    statement = make_contribution(statements_module, "A statement")
    response = post(
        signed_in,
        f"/api/modules/{comments_module.pk}/contributions",
        {"body": "Reply", "parent": statement.pk},
    )
    assert (response.status_code, response.json()["field"]) == (422, "parent")


def test_missing_body_is_422(signed_in, comments_module):
    response = post(signed_in, f"/api/modules/{comments_module.pk}/contributions", {})
    assert response.status_code == 422
    assert response.json()["field"] == "body"


def test_closed_module_is_403_with_the_reason(signed_in, open_process, comments_module):
    close(open_process)
    response = post(signed_in, f"/api/modules/{comments_module.pk}/contributions", {"body": "Hi"})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "closed"
    assert body["detail"] == "This part is closed; what was said stays readable."
    assert not Contribution.objects.exists()


def test_rate_limit_is_429_with_its_code(signed_in, comments_module):
    url = f"/api/modules/{comments_module.pk}/contributions"
    for n in range(5):
        assert post(signed_in, url, {"body": f"Point {n}"}).status_code == 201
    response = post(signed_in, url, {"body": "One more"})
    assert response.status_code == 429
    body = response.json()
    assert "please wait" in body["detail"]
    assert body["code"] == "rate_limited"
    assert Contribution.objects.count() == 5


def test_anonymous_writers_are_401(client, comments_module, make_contribution):
    comment = make_contribution(comments_module)
    for url, payload in [
        (f"/api/modules/{comments_module.pk}/contributions", {"body": "Hi"}),
        (f"/api/contributions/{comment.pk}/support", {}),
        (f"/api/contributions/{comment.pk}/vote", {"choice": "agree"}),
    ]:
        response = post(client, url, payload)
        assert response.status_code == 401
    assert client.delete(f"/api/contributions/{comment.pk}/support").status_code == 401
    assert Contribution.objects.count() == 1
    assert not Support.objects.exists()


def test_session_writes_need_the_csrf_token(resident, comments_module):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    url = f"/api/modules/{comments_module.pk}/contributions"
    response = post(client, url, {"body": "Hi"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Contribution.objects.exists()
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    response = client.post(
        url, {"body": "Hi"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_unknown_or_unpublished_module_is_404(signed_in, published, make_process):
    draft = make_process(published, modules=("comments",))
    for module_id in (draft.modules.get().pk, 999999):
        response = post(signed_in, f"/api/modules/{module_id}/contributions", {"body": "Hi"})
        assert response.status_code == 404
    assert not Contribution.objects.exists()


# --- Supports ------------------------------------------------------------------------------


def test_support_once_and_withdraw(signed_in, comment, resident):
    url = f"/api/contributions/{comment.pk}/support"
    first = post(signed_in, url)
    assert first.status_code == 200
    assert first.json() == {
        "contribution": comment.pk,
        "supported": True,
        "changed": True,
        "support_count": 1,
    }
    again = post(signed_in, url).json()
    assert (again["changed"], again["support_count"]) == (False, 1)
    assert Support.objects.filter(participant__user=resident).count() == 1
    withdrawn = signed_in.delete(url).json()
    assert (withdrawn["supported"], withdrawn["changed"], withdrawn["support_count"]) == (
        False,
        True,
        0,
    )
    assert signed_in.delete(url).json()["changed"] is False


def test_support_refusals(signed_in, open_process, comment, statement, moderator):
    response = post(signed_in, f"/api/contributions/{statement.pk}/support")
    assert response.status_code == 422
    assert response.json()["detail"] == "Only visible comments and ideas can be supported."
    assert post(signed_in, "/api/contributions/999999/support").status_code == 404
    close(open_process)
    response = post(signed_in, f"/api/contributions/{comment.pk}/support")
    assert (response.status_code, response.json()["code"]) == (403, "closed")
    assert not Support.objects.exists()


def test_support_on_an_unpublished_process_is_404(signed_in, open_process, comment):
    Process.objects.filter(pk=open_process.pk).update(is_published=False)
    assert post(signed_in, f"/api/contributions/{comment.pk}/support").status_code == 404
    assert signed_in.delete(f"/api/contributions/{comment.pk}/support").status_code == 404


# --- Votes ---------------------------------------------------------------------------------


def test_vote_then_same_then_changed(signed_in, statement, resident):
    url = f"/api/contributions/{statement.pk}/vote"
    first = post(signed_in, url, {"choice": "agree"})
    assert first.status_code == 200
    assert first.json() == {
        "contribution": statement.pk,
        "choice": "agree",
        "agree_count": 1,
        "disagree_count": 0,
        "pass_count": 0,
    }
    assert post(signed_in, url, {"choice": "agree"}).json()["agree_count"] == 1
    changed = post(signed_in, url, {"choice": "pass"}).json()
    assert (changed["choice"], changed["agree_count"], changed["pass_count"]) == ("pass", 0, 1)
    assert StatementVote.objects.filter(participant__user=resident).count() == 1


@pytest.mark.parametrize("choice", ["yes", "", "AGREE"])
def test_invalid_choice_is_422(choice, signed_in, statement):
    response = post(signed_in, f"/api/contributions/{statement.pk}/vote", {"choice": choice})
    assert response.status_code == 422
    body = response.json()
    assert (body["field"], body["detail"]) == ("choice", "Vote agree, disagree or pass.")
    assert not StatementVote.objects.exists()


def test_vote_refusals(signed_in, open_process, statement, comment, moderator):
    response = post(signed_in, f"/api/contributions/{comment.pk}/vote", {"choice": "agree"})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "Only visible statements take votes.",
    )
    contribution_hide(actor=moderator, contribution=statement, reason="Names a person.")
    response = post(signed_in, f"/api/contributions/{statement.pk}/vote", {"choice": "agree"})
    assert response.status_code == 422
    assert (
        post(signed_in, "/api/contributions/999999/vote", {"choice": "agree"}).status_code == 404
    )
    assert not StatementVote.objects.exists()


def test_vote_before_the_module_opens_is_403(signed_in, statements_module, statement):
    later = timezone.now() + timedelta(days=1)
    Module.objects.filter(pk=statements_module.pk).update(
        opens_at=later, closes_at=later + timedelta(days=1)
    )
    response = post(signed_in, f"/api/contributions/{statement.pk}/vote", {"choice": "agree"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_open_yet"
    assert response.json()["detail"] == "This part opens later."


def test_the_schema_lists_the_participation_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/procurements/{slug}/processes"]) == {"get"}
    assert set(paths["/api/processes/{process_id}/contributions"]) == {"get"}
    assert set(paths["/api/modules/{module_id}/contributions"]) == {"post"}
    assert "429" in paths["/api/modules/{module_id}/contributions"]["post"]["responses"]
    assert set(paths["/api/contributions/{contribution_id}/support"]) == {"post", "delete"}
    assert set(paths["/api/contributions/{contribution_id}/vote"]) == {"post"}
