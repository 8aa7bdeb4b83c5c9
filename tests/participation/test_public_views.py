"""The public pages of participation, through real HTTP requests: a process,
joining under a pseudonym, confirming an email, and the comments and
statements modules with every action residents take there."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import (
    Contribution,
    Flag,
    Module,
    ModuleKind,
    Process,
    StatementVote,
    Support,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import moderation
from participai.participation.services import processes as process_services
from participai.participation.sessions import SESSION_KEY
from participai.procurements.models import Procurement


def process_url(process: Process, tail: str = "") -> str:
    return f"/p/{process.procurement.slug}/{process.slug}/{tail}"


def module_url(module: Module, tail: str = "") -> str:
    return process_url(module.process, f"m/{module.pk}/{tail}")


def contribution_url(contribution: Contribution, action: str) -> str:
    return module_url(contribution.module, f"c/{contribution.pk}/{action}/")


def join(client: Client, process: Process, pseudonym: str = "Ana R.", next_url: str = ""):
    data = {"pseudonym": pseudonym}
    if next_url:
        data["next"] = next_url
    return client.post(process_url(process, "join/"), data)


def threads_html(html: str) -> str:
    """The part of a comments page that holds the conversations."""
    return html.split('id="threads-heading"')[1]


def next_statement_html(html: str) -> str:
    return html.split('id="next-statement"')[1].split("</section>")[0]


# --------------------------------------------------------------------------- the process page


def test_process_page_shows_the_question_the_space_the_rules_and_the_modules(
    client, published, make_process, officer
):
    now = timezone.now()
    process = make_process(
        published,
        title="Where the line is drawn",
        description="**Why we ask** <script>alert('x')</script>",
        negotiable="Which decisions stay with a social worker.",
        not_negotiable="That referrals are triaged at all.",
        decision_stage="deliberation",
        contribute_requires="confirmed",
        modules=(ModuleKind.COMMENTS,),
    )
    process_services.module_add(
        actor=officer,
        process=process,
        kind=ModuleKind.STATEMENTS,
        title="Last week's statements",
        opens_at=now - timedelta(days=3),
        closes_at=now - timedelta(days=2),
    )
    process_services.module_add(
        actor=officer,
        process=process,
        kind=ModuleKind.STATEMENTS,
        title="Next week's statements",
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=3),
    )
    process_services.process_publish(actor=officer, process=process)
    response = client.get(process_url(process))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Where the line is drawn</h1>" in html
    assert process.question in html
    assert "<strong>Why we ask</strong>" in html
    assert "<script>alert('x')</script>" not in html
    assert (
        "Open to your influence" in html and "Which decisions stay with a social worker." in html
    )
    assert "Already decided" in html and "That referrals are triaged at all." in html
    assert "Decision stage: Deliberation." in html
    assert "Anyone can read it, without signing in." in html
    assert "after confirming an email address with a code" in html
    assert "Anyone can vote and support under a pseudonym." in html
    assert f'datetime="{process.closes_at.isoformat()}"' in html or "Open until" in html
    modules = list(process.modules.order_by("position"))
    for module in modules:
        assert f'href="{module_url(module)}"' in html
    section = html.split('id="modules-heading"')[1]
    states = re.findall(r'<span class="usa-tag[^"]*">(Open|Closed|Upcoming)</span>', section)
    assert states == ["Open", "Closed", "Upcoming"]
    assert "You have not joined yet." in html


def test_procurement_page_lists_its_published_processes(
    client, published, open_process, make_process
):
    url = f"/p/{published.slug}/"
    html = client.get(url).content.decode()
    assert f'href="{process_url(open_process)}"' in html
    draft = make_process(published, title="A draft nobody sees", modules=(ModuleKind.COMMENTS,))
    assert "A draft nobody sees" not in client.get(url).content.decode()
    # Publishing moves the procurement's version, so its cached page is built again.
    process_services.process_publish(actor=draft.created_by, process=draft)
    assert "A draft nobody sees" in client.get(url).content.decode()
    process_services.process_update(
        actor=draft.created_by, process=draft, title="Renamed after publishing"
    )
    html = client.get(url).content.decode()
    assert "Renamed after publishing" in html and "A draft nobody sees" not in html


def test_unpublished_process_is_404_for_the_public_and_a_preview_for_members(
    client, published, make_process, resident, make_member, org, other_org
):
    draft = make_process(published, modules=(ModuleKind.COMMENTS,))
    module = draft.modules.get()
    for url in (process_url(draft), module_url(module), process_url(draft, "join/")):
        assert client.get(url).status_code == 404
    client.force_login(resident)
    assert client.get(process_url(draft)).status_code == 404
    client.force_login(make_member(other_org, Role.ORG_ADMIN))
    assert client.get(module_url(module)).status_code == 404
    client.force_login(make_member(org, Role.AUDITOR))
    html = client.get(process_url(draft)).content.decode()
    assert "Preview: this process is not published." in html
    page = client.get(module_url(module))
    assert page.status_code == 200
    assert "This process is not published." in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    refused = client.post(module_url(module, "add/"), {"kind": "comment", "body": "Early words."})
    assert refused.status_code == 400
    assert not Contribution.objects.exists()


def test_unknown_process_and_module_of_another_process_are_404(
    client, open_process, published, make_process
):
    unknown = process_url(open_process).replace(open_process.slug, "no-such-process")
    assert client.get(unknown).status_code == 404
    other = make_process(published, modules=(ModuleKind.COMMENTS,), publish=True)
    foreign = other.modules.get()
    assert client.get(process_url(open_process, f"m/{foreign.pk}/")).status_code == 404
    assert client.get(process_url(open_process, "nope/")).status_code == 404


def test_account_only_process_asks_to_sign_in_to_read(
    client, published, make_process, make_contribution, resident
):
    process = make_process(
        published, read_requires="account", modules=(ModuleKind.COMMENTS,), publish=True
    )
    module = process.modules.get()
    client.force_login(resident)
    client.post(module_url(module, "add/"), {"kind": "comment", "body": "Members only words."})
    client.logout()
    for url in (process_url(process), module_url(module)):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Sign in with an account to read this process." in html
        assert "/accounts/login/?next=" in html
        assert process.question not in html
        assert "Members only words." not in html
    refused = client.post(module_url(module, "add/"), {"kind": "comment", "body": "Sneaky."})
    assert refused.status_code == 403
    assert Contribution.objects.count() == 1
    client.force_login(resident)
    assert "Members only words." in client.get(module_url(module)).content.decode()


# --------------------------------------------------------------------------- joining and comments


def test_a_guest_joins_comments_and_replies(client, open_process, comments_module, audit_events):
    page = client.get(module_url(comments_module)).content.decode()
    assert "Choose a pseudonym to take part." in page
    assert f'action="{module_url(comments_module, "add/")}"' not in page
    join_page = client.get(
        process_url(open_process, "join/"), {"next": module_url(comments_module)}
    )
    assert join_page.status_code == 200
    assert 'for="id_pseudonym"' in join_page.content.decode()

    response = join(client, open_process, "Ana R.", module_url(comments_module))
    assert response.status_code == 302
    assert response["Location"] == module_url(comments_module)
    guest = Participant.objects.get(pseudonym="Ana R.")
    assert client.session[SESSION_KEY] == guest.pk and guest.is_guest

    page = client.get(module_url(comments_module)).content.decode()
    assert "You take part as “Ana R.”" in page
    assert f'action="{module_url(comments_module, "add/")}"' in page
    response = client.post(
        module_url(comments_module, "add/"),
        {"kind": "idea", "body": "Call people back before **any** automated triage."},
    )
    assert response.status_code == 302
    idea = Contribution.objects.get()
    assert response["Location"] == f"{module_url(comments_module)}#contribution-{idea.pk}"
    assert (idea.participant, idea.kind) == (guest, "idea")
    assert len(audit_events("contribution.added")) == 1
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Thank you: your contribution is published." in html
    assert "Call people back before <strong>any</strong> automated triage." in html
    assert "<strong>Ana R.</strong>" in html

    response = client.post(
        contribution_url(idea, "reply"),
        {"body": "Agreed, and in Catalan too.", "next": module_url(comments_module)},
    )
    assert response.status_code == 302
    reply = Contribution.objects.get(parent=idea)
    assert response["Location"] == f"{module_url(comments_module)}#contribution-{reply.pk}"
    idea.refresh_from_db()
    assert idea.reply_count == 1
    html = threads_html(client.get(module_url(comments_module)).content.decode())
    replies = html.split('class="usa-list usa-list--unstyled margin-left-4')[1]
    assert "Agreed, and in Catalan too." in replies
    assert "1 reply" in html


def test_bad_comment_re_renders_with_the_error_and_saves_nothing(
    client, open_process, comments_module
):
    join(client, open_process)
    response = client.post(module_url(comments_module, "add/"), {"kind": "comment", "body": ""})
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()
    response = client.post(
        module_url(comments_module, "add/"), {"kind": "comment", "body": "BUY NOW " * 10}
    )
    assert response.status_code == 400
    assert "Please do not write in capitals only." in response.content.decode()
    assert not Contribution.objects.exists()


def test_reply_page_shows_the_parent_and_refuses_bad_input(
    client, open_process, comments_module, make_contribution
):
    root = make_contribution(comments_module, "A first thought.")
    join(client, open_process)
    page = client.get(contribution_url(root, "reply"))
    assert page.status_code == 200
    assert "A first thought." in page.content.decode()
    response = client.post(contribution_url(root, "reply"), {"body": "   "})
    assert response.status_code == 400
    assert Contribution.objects.count() == 1


def test_join_ignores_a_next_that_leaves_the_site(client, open_process):
    response = join(client, open_process, "Ana R.", "https://elsewhere.example/steal")
    assert response.status_code == 302
    assert response["Location"] == process_url(open_process)


def test_bad_pseudonym_is_refused_with_status_400(client, open_process):
    response = join(client, open_process, "A")
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()
    assert not Participant.objects.exists()


def test_an_account_holder_comments_without_joining(client, resident, comments_module):
    client.force_login(resident)
    page = client.get(module_url(comments_module)).content.decode()
    assert "You take part with your account" in page
    assert f'action="{module_url(comments_module, "add/")}"' in page
    # Reading made nobody: the account's participant appears on its first write.
    assert not Participant.objects.filter(user=resident).exists()
    response = client.post(
        module_url(comments_module, "add/"), {"kind": "comment", "body": "From my account."}
    )
    assert response.status_code == 302
    assert Contribution.objects.get().participant.user == resident
    join_response = client.get(process_url(comments_module.process, "join/"))
    assert join_response.status_code == 302


def test_posts_need_the_csrf_token(open_process, comments_module):
    client = Client(enforce_csrf_checks=True)
    assert join(client, open_process).status_code == 403
    assert not Participant.objects.exists()


def test_get_is_refused_on_action_endpoints(client, comments_module, make_contribution):
    root = make_contribution(comments_module)
    assert client.get(module_url(comments_module, "add/")).status_code == 405
    assert client.get(contribution_url(root, "support")).status_code == 405


# --------------------------------------------------------------------------- supports and flags


def test_support_counts_once_and_can_be_withdrawn(
    client, open_process, comments_module, make_contribution
):
    idea = make_contribution(comments_module, "Keep a person in the loop.")
    join(client, open_process)
    guest = Participant.objects.get(pseudonym="Ana R.")
    back = module_url(comments_module) + "?order=top"
    response = client.post(contribution_url(idea, "support"), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == f"{back}#contribution-{idea.pk}"
    again = client.post(contribution_url(idea, "support"), {"next": back}, follow=True)
    assert "You already support this contribution." in again.content.decode()
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert Support.objects.filter(participant=guest).count() == 1
    html = threads_html(client.get(module_url(comments_module)).content.decode())
    assert "Withdraw support" in html and "1 support" in html
    withdrawn = client.post(contribution_url(idea, "unsupport"), follow=True)
    assert "You no longer support this contribution." in withdrawn.content.decode()
    idea.refresh_from_db()
    assert idea.support_count == 0
    assert not Support.objects.exists()
    again = client.post(contribution_url(idea, "unsupport"), follow=True)
    assert "You did not support this contribution." in again.content.decode()
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_support_without_a_pseudonym_is_refused_with_the_way_forward(
    client, comments_module, make_contribution
):
    idea = make_contribution(comments_module)
    response = client.post(contribution_url(idea, "support"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a pseudonym to take part." in html
    assert not Support.objects.exists()


def test_a_guest_flags_a_contribution_once(
    client, open_process, comments_module, make_contribution, audit_events
):
    target = make_contribution(comments_module, "Something rude.")
    page = client.get(contribution_url(target, "flag"))
    assert "Choose a pseudonym to take part." in page.content.decode()
    join(client, open_process)
    page = client.get(contribution_url(target, "flag"))
    assert page.status_code == 200
    assert "Something rude." in page.content.decode()
    bad = client.post(contribution_url(target, "flag"), {"reason": "because", "note": ""})
    assert bad.status_code == 400
    assert not Flag.objects.exists()
    response = client.post(
        contribution_url(target, "flag"), {"reason": "abuse", "note": "Insults a neighbour."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#contribution-{target.pk}")
    flag = Flag.objects.get()
    assert (flag.reason, flag.note) == ("abuse", "Insults a neighbour.")
    again = client.post(contribution_url(target, "flag"), {"reason": "spam"}, follow=True)
    assert "You already reported this" in again.content.decode()
    target.refresh_from_db()
    assert target.flag_count == 1
    assert len(audit_events("contribution.flagged")) == 1


def test_a_member_cannot_report_in_a_preview_and_is_not_made_a_participant(
    client, published, comments_module, make_contribution, make_member, org
):
    target = make_contribution(comments_module, "Said while it was public.")
    Procurement.objects.filter(pk=published.pk).update(is_published=False, published_at=None)
    auditor = make_member(org, Role.AUDITOR, username="auditor")
    client.force_login(auditor)
    response = client.post(contribution_url(target, "flag"), {"reason": "spam"})
    assert response.status_code == 400
    assert "This process is not published." in response.content.decode()
    assert not Flag.objects.exists()
    assert not Participant.objects.filter(user=auditor).exists()


# --------------------------------------------------------------------------- confirmation


def test_confirmation_is_required_then_accepted_after_the_code(client, published, make_process):
    process = make_process(
        published, contribute_requires="confirmed", modules=(ModuleKind.COMMENTS,), publish=True
    )
    module = process.modules.get()
    join(client, process)
    page = client.get(module_url(module)).content.decode()
    message = "Confirm your email address with the code we sent to take part."
    assert message in page
    confirm_link = process_url(process, "confirm/") + "?next="
    assert confirm_link in page
    refused = client.post(module_url(module, "add/"), {"kind": "comment", "body": "Too early."})
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not Contribution.objects.exists()

    assert client.get(process_url(process, "confirm/")).status_code == 200
    bad = client.post(process_url(process, "confirm/send/"), {"email": "not-an-email"})
    assert bad.status_code == 400 and not mail.outbox
    sent = client.post(
        process_url(process, "confirm/send/"),
        {"email": "ana@example.org", "next": module_url(module)},
    )
    assert sent.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(process_url(process, "confirm/code/"), {"code": wrong})
    assert response.status_code == 400
    assert "This code is not the one we sent." in response.content.decode()
    response = client.post(
        process_url(process, "confirm/code/"), {"code": code, "next": module_url(module)}
    )
    assert response.status_code == 302 and response["Location"] == module_url(module)
    assert Participant.objects.get().verification == "confirmed"
    accepted = client.post(module_url(module, "add/"), {"kind": "comment", "body": "Now I can."})
    assert accepted.status_code == 302
    assert Contribution.objects.get().body == "Now I can."


def test_confirm_page_sends_newcomers_to_join_first(client, open_process, resident):
    response = client.get(process_url(open_process, "confirm/"))
    assert response.status_code == 302
    assert response["Location"].startswith(process_url(open_process, "join/") + "?next=")
    client.force_login(resident)
    assert client.get(process_url(open_process, "confirm/")).status_code == 302


# --------------------------------------------------------------------------- closed modules


def test_a_closed_module_stays_readable_without_forms_and_refuses_posts(
    client, open_process, comments_module, make_contribution, set_window
):
    idea = make_contribution(comments_module, "Said while it was open.")
    join(client, open_process)
    set_window(open_process, "closed")
    html = client.get(module_url(comments_module)).content.decode()
    assert "Said while it was open." in html
    assert "This part is closed; what was said stays readable." in html
    assert f'action="{module_url(comments_module, "add/")}"' not in html
    assert "Publish the reply" not in html and ">Support<" not in html
    response = client.post(module_url(comments_module, "add/"), {"kind": "comment", "body": "x"})
    assert response.status_code == 400
    assert "This part is closed" in response.content.decode()
    refused = client.post(contribution_url(idea, "support"))
    assert refused.status_code == 400
    assert "This part is closed" in refused.content.decode()
    assert Contribution.objects.count() == 1
    assert not Support.objects.exists()


def test_a_refused_first_write_by_an_account_holder_leaves_no_participant(
    client,
    resident,
    open_process,
    comments_module,
    statements_module,
    make_contribution,
    set_window,
    audit_events,
):
    idea = make_contribution(comments_module, "Said while it was open.")
    statement = make_contribution(statements_module, "A person reads every referral.")
    set_window(open_process, "closed")
    client.force_login(resident)
    for url, data in [
        (module_url(comments_module, "add/"), {"kind": "comment", "body": "Too late."}),
        (contribution_url(idea, "support"), {}),
        (contribution_url(statement, "vote"), {"choice": "agree"}),
        (contribution_url(idea, "reply"), {"body": "Too late."}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert "This part is closed" in response.content.decode()
    # The account's participant is made on a first write the rules let through.
    assert not Participant.objects.filter(user=resident).exists()
    assert audit_events("participant.created") == []
    assert Contribution.objects.count() == 2
    set_window(open_process, "open")
    response = client.post(contribution_url(idea, "support"))
    assert response.status_code == 302
    assert Support.objects.get().participant.user == resident


def test_an_upcoming_module_says_when_it_opens(client, open_process, comments_module, set_window):
    set_window(open_process, "upcoming")
    join(client, open_process)
    html = client.get(module_url(comments_module)).content.decode()
    assert "This part opens later." in html
    assert "Opens on" in html


# --------------------------------------------------------------------------- hidden and removed


def test_hidden_and_removed_contributions(
    client, open_process, comments_module, make_contribution, moderator, make_guest, resident
):
    hidden = make_contribution(comments_module, "Something abusive about a neighbour.")
    moderation.contribution_hide(
        actor=moderator, contribution=hidden, reason="Personal attack on a named person."
    )
    join(client, open_process)
    me = Participant.objects.get(pseudonym="Ana R.")
    mine = make_contribution(comments_module, "My words to take back.", participant=me)
    make_contribution(comments_module, "A reply that stays.", parent=mine)

    # Only the author gets the remove page's button; anyone else is refused.
    stranger = Client()
    join(stranger, open_process, "Someone else")
    assert "Remove it" not in stranger.get(contribution_url(mine, "remove")).content.decode()
    refused = stranger.post(contribution_url(mine, "remove"))
    assert refused.status_code == 400
    assert "You can only remove what you wrote." in refused.content.decode()
    # An account holder who never took part is refused without being made a participant.
    signed_in = Client()
    signed_in.force_login(resident)
    refused = signed_in.post(contribution_url(mine, "remove"))
    assert refused.status_code == 400
    assert "You can only remove what you wrote." in refused.content.decode()
    assert not Participant.objects.filter(user=resident).exists()

    html = threads_html(client.get(module_url(comments_module)).content.decode())
    assert f'href="{contribution_url(mine, "remove")}"' in html
    assert "Remove it" in client.get(contribution_url(mine, "remove")).content.decode()
    response = client.post(contribution_url(mine, "remove"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "removed" and mine.body == ""

    html = threads_html(stranger.get(module_url(comments_module)).content.decode())
    assert "Hidden by a moderator: Personal attack on a named person." in html
    assert "Something abusive about a neighbour." not in html
    assert "Removed by its author" in html
    assert "My words to take back." not in html
    removed = html.split(f'id="contribution-{mine.pk}"')[1].split("</div>")[0]
    assert "Ana R." not in removed
    assert "A reply that stays." in html


def test_the_author_still_sees_their_hidden_text(
    client, open_process, comments_module, make_contribution, moderator
):
    join(client, open_process)
    me = Participant.objects.get()
    mine = make_contribution(comments_module, "My heated words.", participant=me)
    moderation.contribution_hide(actor=moderator, contribution=mine, reason="Off topic here.")
    html = client.get(module_url(comments_module)).content.decode()
    assert "Hidden by a moderator: Off topic here." in html
    assert "Only you see what you wrote:" in html and "My heated words." in html


# --------------------------------------------------------------------------- statements


def test_statements_are_voted_one_at_a_time_and_votes_can_change(
    client, open_process, statements_module, make_contribution
):
    first, second, third = (
        make_contribution(statements_module, text)
        for text in (
            "A person reads every urgent referral.",
            "The system never closes a case.",
            "Scores are shown to the family.",
        )
    )
    join(client, open_process)
    guest = Participant.objects.get(pseudonym="Ana R.")
    page = client.get(module_url(statements_module)).content.decode()
    card = next_statement_html(page)
    assert first.body in card and second.body not in card
    for value in ("agree", "disagree", "pass"):
        assert f'name="choice" value="{value}"' in card

    response = client.post(contribution_url(first, "vote"), {"choice": "agree"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your vote is saved: Agree." in page
    card = next_statement_html(page)
    assert second.body in card and first.body not in card
    client.post(contribution_url(second, "vote"), {"choice": "disagree"})
    client.post(contribution_url(third, "vote"), {"choice": "pass"})

    page = client.get(module_url(statements_module)).content.decode()
    assert "No statement is left for you to vote on" in page
    listing = page.split('id="all-statements"')[1]
    for statement in (first, second, third):
        assert statement.body in listing
    assert "Agree: 1 · Disagree: 0 · Pass: 0" in listing
    assert "Your vote: Agree." in listing

    response = client.post(
        contribution_url(first, "vote"),
        {"choice": "disagree", "next": module_url(statements_module)},
    )
    assert response["Location"] == f"{module_url(statements_module)}#contribution-{first.pk}"
    first.refresh_from_db()
    assert (first.agree_count, first.disagree_count) == (0, 1)
    assert StatementVote.objects.filter(participant=guest).count() == 3
    assert StatementVote.objects.get(contribution=first).choice == "disagree"


def test_a_bad_vote_is_refused_and_nothing_counts(
    client, open_process, statements_module, make_contribution
):
    statement = make_contribution(statements_module, "A person reads every referral.")
    join(client, open_process)
    response = client.post(contribution_url(statement, "vote"), {"choice": "maybe"})
    assert response.status_code == 400
    assert "Vote agree, disagree or pass." in response.content.decode()
    assert not StatementVote.objects.exists()


def test_all_statements_can_be_seen_before_voting(client, statements_module, make_contribution):
    make_contribution(statements_module, "One statement.")
    make_contribution(statements_module, "Another statement.")
    page = client.get(module_url(statements_module)).content.decode()
    assert f'href="{module_url(statements_module)}?all=1"' in page
    listing = client.get(module_url(statements_module), {"all": "1"}).content.decode()
    assert "One statement." in listing and "Another statement." in listing
    assert "Back to voting one statement at a time" in listing


def test_a_guest_writes_a_statement_within_the_limit(client, open_process, statements_module):
    join(client, open_process)
    too_long = client.post(module_url(statements_module, "add/"), {"body": "x " * 200})
    assert too_long.status_code == 400
    assert "usa-error-message" in too_long.content.decode()
    assert not Contribution.objects.exists()
    response = client.post(
        module_url(statements_module, "add/"), {"body": "Nobody is refused help by a score."}
    )
    assert response.status_code == 302
    statement = Contribution.objects.get()
    assert statement.kind == "statement"
    # One's own statement is not put to oneself.
    page = client.get(module_url(statements_module)).content.decode()
    assert "No statement is left for you to vote on" in page
    assert statement.body in page.split('id="all-statements"')[1]


# --------------------------------------------------------------------------- order and pages


def test_threads_sort_and_paginate(
    client, open_process, comments_module, make_contribution, make_guest
):
    made = [make_contribution(comments_module, f"Thread number {n:02d}.") for n in range(25)]
    for _n in range(2):
        contribution_services.contribution_support(participant=make_guest(), contribution=made[7])
    newest = threads_html(client.get(module_url(comments_module)).content.decode())
    assert newest.index("Thread number 24.") < newest.index("Thread number 23.")
    assert newest.count('class="usa-list usa-list--unstyled threads"') == 1
    assert newest.count(' thread">') == 20
    assert "Page 1 of 2" in newest
    assert f'href="{module_url(comments_module)}?order=newest&amp;page=2"' in newest
    top = threads_html(client.get(module_url(comments_module), {"order": "top"}).content.decode())
    assert top.index("Thread number 07.") < top.index("Thread number 24.")
    assert 'aria-current="true" href="' + module_url(comments_module) + '?order=top"' in top
    oldest = client.get(module_url(comments_module), {"order": "oldest", "page": 2})
    html = threads_html(oldest.content.decode())
    assert "Page 2 of 2" in html
    assert html.count(' thread">') == 5
    assert "Thread number 24." in html and "Thread number 00." not in html
    # Unknown orders and pages fall back instead of failing.
    assert client.get(module_url(comments_module), {"order": "x", "page": "z"}).status_code == 200


def test_thread_page_queries_do_not_grow_with_threads(
    client, open_process, comments_module, make_contribution, django_assert_max_num_queries
):
    def add_threads(count: int) -> None:
        for _n in range(count):
            root = make_contribution(comments_module)
            make_contribution(comments_module, parent=root)
            make_contribution(comments_module, parent=root)

    join(client, open_process)
    guest = Participant.objects.get(pseudonym="Ana R.")
    add_threads(5)
    contribution_services.contribution_support(
        participant=guest, contribution=Contribution.objects.filter(parent=None).first()
    )
    url = module_url(comments_module)
    client.get(url)  # settle the session and the message storage
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    add_threads(55)
    with django_assert_max_num_queries(len(five)):
        response = client.get(url)
    assert response.content.decode().count(' thread">') == 20


# --------------------------------------------------------------------------- safety


def test_user_markdown_never_becomes_html(client, open_process, comments_module):
    join(client, open_process)
    client.post(
        module_url(comments_module, "add/"),
        {
            "kind": "comment",
            "body": "<script>alert('x')</script> [click](javascript:alert(1)) "
            '<img src=x onerror="alert(1)"> **fine**',
        },
    )
    html = threads_html(client.get(module_url(comments_module)).content.decode())
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>fine</strong>" in html


def test_a_pseudonym_cannot_inject_html(client, open_process, comments_module):
    join(client, open_process, "<b>Bold</b> name")
    client.post(module_url(comments_module, "add/"), {"kind": "comment", "body": "Hello."})
    html = client.get(module_url(comments_module)).content.decode()
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; name" in html


@pytest.mark.parametrize("path", ["", "join/", "m/{module}/"])
def test_public_pages_speak_spanish(client, open_process, comments_module, path):
    url = process_url(open_process, path.format(module=comments_module.pk))
    response = client.get(url, headers={"accept-language": "es"})
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()


@pytest.mark.parametrize(
    ("module_fixture", "set_up", "reason"),
    [
        ("dots_module", "dots_module", "This module does not take written contributions."),
        ("survey_module", "survey", "This module does not take written contributions."),
        ("document_module", "draft_v1", "Choose the paragraph your comment is about."),
        ("event_module", "event_module", "it takes no contributions online."),
    ],
)
def test_other_kinds_refuse_the_comment_form_with_the_reason(
    client, open_process, module_fixture, set_up, reason, request
):
    """A ballot, a survey, a draft or a meeting record is not written to
    through the comment form: a crafted post gets the module page back with
    the service's reason (not a server error), and nothing is saved."""
    request.getfixturevalue(set_up)  # its questions, items or draft
    module = request.getfixturevalue(module_fixture)
    join(client, open_process)
    response = client.post(module_url(module, "add/"), {"kind": "comment", "body": "Hello"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Contribution.objects.exists()
