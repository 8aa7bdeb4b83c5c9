"""The public side of "you said, we did" through real HTTP requests: a
process's answers page and one answer's page, "what became of it" under an
answered contribution, the process page's box, and the procurement page's
section grouped by decision (cached, refreshed by every answer)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.participation.services import contributions as contribution_services
from participai.participation.services import moderation as moderation_services
from participai.participation.services.notifications import follow
from participai.participation.services.responses import response_update

from .test_notifications_views import as_guest


def process_url(process, tail: str = "") -> str:
    return f"/p/{process.procurement.slug}/{process.slug}/{tail}"


def test_the_answers_page(
    client, open_process, comments_module, make_contribution, make_response, gate_decision
):
    said = make_contribution(comments_module, "Call urgent cases back **the same day**.")
    other = make_contribution(comments_module, "Nobody should wait a week.")
    answer = make_response(
        [said, other],
        decision=gate_decision,
        reason="Many asked. <script>alert(1)</script> **It is written down.**",
    )
    response = client.get(process_url(open_process, "responses/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You said, we did" in html
    assert f'id="response-{answer.pk}"' in html
    assert "Adopted" in html and "R-7 Same-day call back" in html
    assert "Urgent referrals reach a person the same day." in html
    assert "<strong>It is written down.</strong>" in html and "<script>alert" not in html
    assert "<strong>the same day</strong>" in html and "Nobody should wait a week." in html
    assert "In answer to 2 contributions" in html
    assert "Problem definition" in html and "Revise" in html
    assert f"m/{comments_module.pk}/#contribution-{said.pk}" in html


def test_a_comment_on_a_paragraph_is_linked_on_its_paragraph_page(
    client, open_process, document_module, draft_v1, make_guest, make_response
):
    """Comments on a draft are shown on their paragraph's page, not the
    module's: "in context" goes there, where "what became of it" is too."""
    paragraph = draft_v1.paragraphs.order_by("position").first()
    said = contribution_services.contribution_add(
        participant=make_guest(),
        module=document_module,
        body="Say who answers the phone.",
        paragraph=paragraph,
    )
    make_response([said])
    html = client.get(process_url(open_process, "responses/")).content.decode()
    in_context = f"m/{document_module.pk}/p/{paragraph.pk}/#contribution-{said.pk}"
    assert in_context in html
    target = client.get(process_url(open_process, in_context.split("#")[0])).content.decode()
    assert f'id="contribution-{said.pk}"' in target and "What became of it" in target


def test_hidden_and_removed_contributions_keep_their_place_but_not_their_words(
    client, open_process, comments_module, make_contribution, make_response, moderator
):
    rude = make_contribution(comments_module, "Everyone there is useless, call us back.")
    gone = make_contribution(comments_module, "My neighbour Jo Smith waited weeks.")
    make_response([rude, gone])
    moderation_services.contribution_hide(actor=moderator, contribution=rude, reason="Insults.")
    contribution_services.contribution_remove_own(participant=gone.participant, contribution=gone)
    html = client.get(process_url(open_process, "responses/")).content.decode()
    assert "Hidden by a moderator: Insults." in html and "useless" not in html
    assert "Removed by its author" in html and "Jo Smith" not in html


def test_the_answers_page_is_paginated_with_a_fixed_number_of_queries(
    client, open_process, comments_module, make_contribution, make_response
):
    for _ in range(2):
        make_response([make_contribution(comments_module), make_contribution(comments_module)])
    url = process_url(open_process, "responses/")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(12):
        make_response([make_contribution(comments_module), make_contribution(comments_module)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) <= len(few)
    assert page.content.decode().count('<article id="response-') == 10
    assert "page=2" in page.content.decode()
    assert client.get(url, {"page": "2"}).content.decode().count('<article id="response-') == 4


def test_the_answers_page_counts_its_answers_once(
    client, open_process, comments_module, make_contribution, make_response, confirmed_guest
):
    make_response([make_contribution(comments_module)])
    follow(participant=confirmed_guest, process=open_process)
    as_guest(client, confirmed_guest)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(process_url(open_process, "responses/")).content.decode()
    assert "You follow this process" in html
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and 'FROM "participation_response"' in q["sql"]
    ]
    assert len(counts) == 1, counts


def test_one_answer_has_a_page_of_its_own(
    client,
    open_process,
    published,
    make_process,
    comments_module,
    make_contribution,
    make_response,
):
    answer = make_response([make_contribution(comments_module, "Call back the same day.")])
    page = client.get(process_url(open_process, f"responses/{answer.pk}/"))
    assert page.status_code == 200
    assert "Call back the same day." in page.content.decode()
    other = make_process(published, modules=("comments",), publish=True)
    assert client.get(process_url(other, f"responses/{answer.pk}/")).status_code == 404
    assert client.get(process_url(open_process, "responses/999999/")).status_code == 404


def test_drafts_and_members_only_processes(client, published, make_process, resident):
    draft = make_process(published, modules=("comments",))
    assert client.get(process_url(draft, "responses/")).status_code == 404
    members_only = make_process(
        published, modules=("comments",), publish=True, read_requires="account"
    )
    page = client.get(process_url(members_only, "responses/"))
    assert "Sign in with an account to read this process." in page.content.decode()
    assert "Hear of the answers" not in page.content.decode()
    client.force_login(resident)
    assert (
        "Hear of the answers"
        in client.get(process_url(members_only, "responses/")).content.decode()
    )


def test_what_became_of_it_under_an_answered_contribution(
    client, open_process, comments_module, make_contribution, make_response
):
    root = make_contribution(comments_module, "Call urgent cases back.")
    reply = make_contribution(comments_module, "Yes, the same day.", parent=root)
    lonely = make_contribution(comments_module, "Open on Saturdays.")
    answer = make_response([reply], status="partly", change="Same day for urgent ones only.")
    html = client.get(process_url(open_process, f"m/{comments_module.pk}/")).content.decode()
    assert html.count("What became of it") == 1
    block = html.split(f'id="contribution-{reply.pk}"')[1].split(f'id="contribution-{lonely.pk}"')[
        0
    ]
    assert "What became of it" in block and "Partly adopted" in block
    assert "Same day for urgent ones only." in block
    assert process_url(open_process, f"responses/{answer.pk}/") in block


def test_a_module_page_with_answers_keeps_its_query_count(
    client, open_process, comments_module, make_contribution, make_response
):
    def add(count: int) -> None:
        for _ in range(count):
            root = make_contribution(comments_module)
            make_response([root, make_contribution(comments_module, parent=root)])

    add(2)
    url = process_url(open_process, f"m/{comments_module.pk}/")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(25)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) <= len(few)
    assert html.count("What became of it") == 40  # 20 threads of a root and its reply


def test_the_process_page_says_how_many_answers_and_offers_to_follow(
    client, open_process, comments_module, make_contribution, make_response
):
    html = client.get(process_url(open_process)).content.decode()
    assert "No answer yet" in html and "Follow this process" in html
    make_response([make_contribution(comments_module)])
    html = client.get(process_url(open_process)).content.decode()
    assert "answered what people said 1 time so far" in html
    assert process_url(open_process, "responses/") in html
    assert f'action="{process_url(open_process, "responses/follow/")}"' in html


def test_the_process_page_shows_a_follower_they_follow(
    client, open_process, comments_module, make_contribution, make_response, confirmed_guest
):
    make_response([make_contribution(comments_module)])
    make_response([make_contribution(comments_module)])
    follow(participant=confirmed_guest, process=open_process)
    as_guest(client, confirmed_guest)
    page = client.get(process_url(open_process))
    # The view gives the box its data (no query hidden in a template tag).
    assert (page.context["said_did"].count, page.context["said_did"].following) == (2, True)
    html = page.content.decode()
    assert "answered what people said 2 times so far" in html
    assert "You follow this process." in html
    assert f'action="{process_url(open_process, "responses/unfollow/")}"' in html
    assert 'id="said-did-heading"' in html


def test_the_procurement_page_groups_answers_by_decision(
    client,
    published,
    open_process,
    comments_module,
    make_contribution,
    make_response,
    gate_decision,
    officer,
):
    url = f"/p/{published.slug}/"
    assert "You said, we did" not in client.get(url).content.decode()
    fed = make_response(
        [make_contribution(comments_module), make_contribution(comments_module)],
        decision=gate_decision,
    )
    # The page is cached by the procurement's version: an answer moves it.
    html = client.get(url).content.decode()
    section = html.split('id="said-did-heading"')[1].split("Timeline and decisions")[0]
    decision_part = section.split(f'id="said-did-decision-{gate_decision.pk}"')[1]
    assert "R-7 Same-day call back" in decision_part
    assert "In answer to 2 contributions in “Where the line is drawn”" in decision_part
    assert f"/responses/{fed.pk}/" in decision_part
    assert "Feeding no decision yet" not in section
    pending = make_response([make_contribution(comments_module)], target_label="R-9 Later")
    section = client.get(url).content.decode().split('id="said-did-heading"')[1]
    assert "R-9 Later" in section.split('id="said-did-pending"')[1]
    response_update(actor=officer, response=pending, target_label="R-9 Renamed")
    assert "R-9 Renamed" in client.get(url).content.decode()
