"""What participants do in a module: contribute, reply, support, vote, flag
and take their words back. Each write is checked against the process's
rules and dates, changes nothing when refused, keeps its counters in step
and leaves an audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import (
    Contribution,
    Flag,
    Module,
    Process,
    StatementVote,
    Support,
)
from participai.participation.services import contributions as services
from participai.participation.services.moderation import contribution_hide
from participai.participation.services.participant_data import participant_delete

SPAM = "Cheap offers: http://a.example http://b.example http://c.example"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def require(process: Process, **requires) -> None:
    Process.objects.filter(pk=process.pk).update(**requires)


def code_of(caught) -> str | None:
    return caught.value.error_list[0].code if hasattr(caught.value, "error_list") else None


# --- check_may -----------------------------------------------------------------------------


def test_check_may_without_a_participant(comments_module):
    with pytest.raises(ValidationError) as caught:
        services.check_may(None, comments_module, "contribute")
    assert code_of(caught) == "needs_guest"
    assert caught.value.messages == ["Choose a pseudonym to take part."]
    services.check_may(None, comments_module, "read")


def test_check_may_counts_the_procurement_publication(comments_module, guest, published):
    from participai.procurements.models import Procurement

    Procurement.objects.filter(pk=published.pk).update(is_published=False, published_at=None)
    with pytest.raises(ValidationError) as caught:
        services.check_may(guest, fresh(comments_module), "read")
    assert code_of(caught) == "unpublished"


# --- Adding --------------------------------------------------------------------------------


def test_add_a_comment(comments_module, guest, audit_events, published):
    comment = services.contribution_add(
        participant=guest, module=comments_module, body="  Keep **people** in charge. "
    )
    comment = fresh(comment)
    assert comment.kind == "comment"
    assert comment.body == "Keep **people** in charge."
    assert comment.body_html == "<p>Keep <strong>people</strong> in charge.</p>\n"
    assert (comment.status, comment.channel, comment.entered_by) == ("visible", "online", None)
    assert comment.parent is None
    assert fresh(comments_module).contribution_count == 1
    assert fresh(comments_module).thread_count == 1
    [event] = audit_events("contribution.added")
    assert event.actor_id is None  # a guest has no account
    assert event.object_id == str(comment.pk)
    assert event.organisation_id_ref == published.organisation_id
    assert event.data == {
        "process": "where-the-line-is",
        "module": comments_module.pk,
        "kind": "comment",
        "participant": guest.pk,
        "parent": None,
        "channel": "online",
        "assisted": False,
    }


def test_body_html_is_sanitised(comments_module, account_participant):
    comment = services.contribution_add(
        participant=account_participant,
        module=comments_module,
        body='# Title\n<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">b</b>',
    )
    assert "<script" not in comment.body_html
    assert 'href="javascript' not in comment.body_html
    assert "<b onclick" not in comment.body_html
    assert "<h1>" not in comment.body_html
    assert "<script>" in comment.body  # kept as written


def test_add_an_idea_by_an_account_holder(
    comments_module, account_participant, resident, audit_events
):
    idea = services.contribution_add(
        participant=account_participant, module=comments_module, body="Pilot it.", kind="idea"
    )
    assert idea.kind == "idea"
    assert audit_events("contribution.added")[0].actor_id == resident.pk


def test_add_a_statement(statements_module, guest):
    statement = services.contribution_add(
        participant=guest, module=statements_module, body="A person reviews every decision."
    )
    assert statement.kind == "statement"
    assert fresh(statements_module).contribution_count == 1


@pytest.mark.parametrize(
    ("module_name", "kind"),
    [
        ("comments_module", "statement"),
        ("statements_module", "comment"),
        ("statements_module", "idea"),
        ("comments_module", "essay"),
    ],
)
def test_kind_not_taken_by_the_module(module_name, kind, request, guest, audit_events):
    module = request.getfixturevalue(module_name)
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(participant=guest, module=module, body="Text", kind=kind)
    assert caught.value.message_dict == {
        "kind": ["This module does not take this kind of contribution."]
    }
    assert not Contribution.objects.exists()
    assert fresh(module).contribution_count == 0
    assert audit_events("contribution.added") == []


def test_a_module_without_written_contributions(open_process, guest):
    # Survey modules are not built yet; a row made by hand stands in for one.
    survey = Module.objects.create(process=open_process, kind="survey", title="Survey")
    with pytest.raises(ValidationError, match="does not take written contributions"):
        services.contribution_add(participant=guest, module=survey, body="Text")
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "\n\t\n", None])
def test_empty_body(body, comments_module, guest):
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(participant=guest, module=comments_module, body=body)
    assert caught.value.message_dict == {"body": ["Write something first."]}
    assert not Contribution.objects.exists()


def test_length_limits(comments_module, statements_module, make_guest):
    # Guests' texts are also checked for repeated characters: vary them.
    services.contribution_add(participant=make_guest(), module=comments_module, body="xy" * 2500)
    services.contribution_add(
        participant=make_guest(), module=statements_module, body=" " + "yz" * 140 + " "
    )
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=make_guest(), module=comments_module, body="xy" * 2500 + "!"
        )
    assert caught.value.message_dict == {"body": ["At most 5000 characters; this text has 5001."]}
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=make_guest(), module=statements_module, body="yz" * 140 + "!"
        )
    assert caught.value.message_dict == {"body": ["At most 280 characters; this text has 281."]}
    assert Contribution.objects.count() == 2


# --- Replies -------------------------------------------------------------------------------


def test_reply_and_reply_to_a_reply_join_one_thread(
    comments_module, make_contribution, guest, audit_events
):
    root = make_contribution(comments_module, "Root comment")
    first = services.contribution_add(
        participant=guest, module=comments_module, body="First reply", parent=root
    )
    second = services.contribution_add(
        participant=guest, module=comments_module, body="Reply to a reply", parent=first
    )
    assert first.parent_id == root.pk
    assert second.parent_id == root.pk  # one level deep
    assert fresh(root).reply_count == 2
    assert fresh(first).reply_count == 0
    assert fresh(comments_module).contribution_count == 3
    assert fresh(comments_module).thread_count == 1  # replies start no thread
    assert audit_events("contribution.added")[-1].data["parent"] == root.pk


def test_a_reply_is_a_comment_even_under_an_idea(comments_module, make_contribution, guest):
    idea = make_contribution(comments_module, "An idea", kind="idea")
    reply = services.contribution_add(
        participant=guest, module=comments_module, body="Agreed", parent=idea, kind="idea"
    )
    assert reply.kind == "comment"


def test_no_reply_to_a_statement(statements_module, make_contribution, guest):
    statement = make_contribution(statements_module, "A statement")
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=guest, module=statements_module, body="Reply", parent=statement
        )
    assert set(caught.value.message_dict) == {"parent"}
    assert fresh(statement).reply_count == 0


def test_no_reply_across_modules(
    open_process, comments_module, make_contribution, make_process, guest, published, officer
):
    from participai.participation.services.processes import module_add

    other = module_add(actor=officer, process=open_process, kind="comments", title="Other")
    root = make_contribution(comments_module, "Elsewhere")
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(participant=guest, module=other, body="Reply", parent=root)
    assert set(caught.value.message_dict) == {"parent"}
    assert fresh(other).contribution_count == 0


def test_no_reply_to_a_hidden_comment(comments_module, make_contribution, moderator, guest):
    root = make_contribution(comments_module, "Rude")
    contribution_hide(actor=moderator, contribution=root, reason="Insults a person.")
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=guest, module=comments_module, body="Reply", parent=fresh(root)
        )
    assert caught.value.message_dict == {
        "parent": ["You can only reply to a visible comment here."]
    }


# --- Dates, publication, verification ------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "code", "message"),
    [
        ("upcoming", "not_open_yet", "This part opens later."),
        ("closed", "closed", "This part is closed; what was said stays readable."),
    ],
)
def test_outside_the_window_nothing_is_saved(
    state,
    code,
    message,
    open_process,
    comments_module,
    account_participant,
    set_window,
    audit_events,
):
    set_window(open_process, state)
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=account_participant, module=fresh(comments_module), body="Too late"
        )
    assert code_of(caught) == code
    assert caught.value.messages == [message]
    assert not Contribution.objects.exists()
    assert fresh(comments_module).contribution_count == 0
    assert audit_events("contribution.added") == []


def test_the_modules_own_dates_win(comments_module, account_participant):
    Module.objects.filter(pk=comments_module.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1),
        opens_at=timezone.now() - timedelta(hours=2),
    )
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=account_participant, module=fresh(comments_module), body="Late"
        )
    assert code_of(caught) == "closed"


def test_unpublished_process_takes_nothing(published, make_process, account_participant):
    draft = make_process(published, modules=("comments",))
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=account_participant, module=draft.modules.get(), body="Early bird"
        )
    assert code_of(caught) == "unpublished"
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("requires", "who", "code"),
    [
        ("guest", "guest", None),
        ("confirmed", "guest", "needs_confirmation"),
        ("confirmed", "confirmed_guest", None),
        ("confirmed", "account_participant", None),
        ("account", "guest", "needs_account"),
        ("account", "confirmed_guest", "needs_account"),
        ("account", "account_participant", None),
    ],
)
def test_verification_required_to_contribute(
    requires, who, code, request, open_process, comments_module
):
    require(open_process, contribute_requires=requires)
    participant = request.getfixturevalue(who)
    if code is None:
        services.contribution_add(participant=participant, module=comments_module, body="Hello")
        assert Contribution.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as caught:
            services.contribution_add(participant=participant, module=comments_module, body="Hi")
        assert code_of(caught) == code
        assert not Contribution.objects.exists()


# --- Spam and rate limit -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["guest", "confirmed_guest"])
def test_spam_refused_for_guests(who, request, comments_module):
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=request.getfixturevalue(who), module=comments_module, body=SPAM
        )
    assert caught.value.message_dict == {
        "body": ["Guest contributions may hold at most two links."]
    }
    assert not Contribution.objects.exists()


def test_spam_check_skipped_for_account_holders(comments_module, account_participant):
    services.contribution_add(participant=account_participant, module=comments_module, body=SPAM)
    assert Contribution.objects.count() == 1


def test_rate_limit_per_participant(comments_module, guest, make_guest):
    for n in range(services.RATE_LIMIT):
        services.contribution_add(participant=guest, module=comments_module, body=f"Point {n}")
    with pytest.raises(ValidationError, match="please wait a moment") as caught:
        services.contribution_add(participant=guest, module=comments_module, body="One more")
    # Its own code: the API answers 429, not a refusal by the process's rules.
    assert caught.value.code == services.RATE_LIMITED
    assert Contribution.objects.count() == 5
    assert fresh(comments_module).contribution_count == 5
    # Someone else is not held back.
    services.contribution_add(participant=make_guest(), module=comments_module, body="Mine")
    # A minute later the guest may write again.
    Contribution.objects.filter(participant=guest).update(
        created_at=timezone.now() - services.RATE_WINDOW - timedelta(seconds=1)
    )
    services.contribution_add(participant=guest, module=comments_module, body="Later")
    assert Contribution.objects.filter(participant=guest).count() == 6


# --- Assisted entries ----------------------------------------------------------------------


def test_a_facilitator_enters_on_someones_behalf(
    open_process, comments_module, make_guest, facilitator, audit_events
):
    require(open_process, contribute_requires="account")
    person = make_guest("Met at the library")
    entered = [
        services.contribution_add(
            participant=person,
            module=comments_module,
            body=SPAM if n == 0 else f"Said on paper {n}",
            channel="paper",
            entered_by=facilitator,
        )
        for n in range(services.RATE_LIMIT + 1)  # no rate limit, no spam check
    ]
    first = fresh(entered[0])
    assert (first.channel, first.entered_by, first.participant) == ("paper", facilitator, person)
    assert fresh(comments_module).contribution_count == services.RATE_LIMIT + 1
    event = audit_events("contribution.added")[0]
    assert event.actor_id == facilitator.pk
    assert (event.data["assisted"], event.data["channel"]) == (True, "paper")


def test_assisted_entry_still_keeps_the_dates(
    open_process, comments_module, guest, facilitator, set_window
):
    set_window(open_process, "closed")
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=guest,
            module=fresh(comments_module),
            body="Too late",
            channel="phone",
            entered_by=facilitator,
        )
    assert code_of(caught) == "closed"
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR])
def test_assisted_entry_needs_the_right(role, org, make_member, comments_module, guest):
    with pytest.raises(PermissionDenied):
        services.contribution_add(
            participant=guest,
            module=comments_module,
            body="On paper",
            channel="paper",
            entered_by=make_member(org, role),
        )
    assert not Contribution.objects.exists()


def test_assisted_entry_refused_to_another_organisations_facilitator(
    other_org, make_member, comments_module, guest
):
    with pytest.raises(PermissionDenied):
        services.contribution_add(
            participant=guest,
            module=comments_module,
            body="On paper",
            channel="in_person",
            entered_by=make_member(other_org, Role.FACILITATOR),
        )
    assert not Contribution.objects.exists()
    assert fresh(comments_module).contribution_count == 0


@pytest.mark.parametrize("channel", ["paper", "phone", "in_person", "assisted_online"])
def test_offline_channels_need_a_facilitator(channel, comments_module, account_participant):
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=account_participant, module=comments_module, body="Hi", channel=channel
        )
    assert caught.value.message_dict == {
        "channel": ["Only a facilitator enters offline contributions."]
    }
    assert not Contribution.objects.exists()


def test_unknown_channel(comments_module, guest, facilitator):
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=guest,
            module=comments_module,
            body="Hi",
            channel="pigeon",
            entered_by=facilitator,
        )
    assert set(caught.value.message_dict) == {"channel"}


def test_a_facilitator_does_not_enter_online_contributions(comments_module, guest, facilitator):
    """Online is what people write themselves; an assisted entry says how it
    reached the facilitator, so the channel counts stay true."""
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(
            participant=guest, module=comments_module, body="Hi", entered_by=facilitator
        )
    assert set(caught.value.message_dict) == {"channel"}
    assert not Contribution.objects.exists()
    assert fresh(comments_module).contribution_count == 0


def test_a_participant_whose_data_was_deleted_adds_nothing(comments_module, guest):
    stale = Participant.objects.get(pk=guest.pk)  # as a request loaded it
    participant_delete(participant=guest)
    with pytest.raises(ValidationError) as caught:
        services.contribution_add(participant=stale, module=comments_module, body="Still here")
    assert "was deleted" in caught.value.messages[0]
    assert not Contribution.objects.exists()


# --- Supports ------------------------------------------------------------------------------


def test_support_counts_once(comment, guest, audit_events):
    assert services.contribution_support(participant=guest, contribution=comment) is True
    assert services.contribution_support(participant=guest, contribution=comment) is False
    assert fresh(comment).support_count == 1
    assert Support.objects.filter(contribution=comment).count() == 1
    [event] = audit_events("contribution.supported")
    assert event.data == {"participant": guest.pk}


def test_unsupport(comment, guest, make_guest, audit_events):
    other = make_guest()
    services.contribution_support(participant=guest, contribution=comment)
    services.contribution_support(participant=other, contribution=comment)
    assert fresh(comment).support_count == 2
    assert services.contribution_unsupport(participant=guest, contribution=comment) is True
    assert services.contribution_unsupport(participant=guest, contribution=comment) is False
    assert fresh(comment).support_count == 1
    assert list(Support.objects.values_list("participant_id", flat=True)) == [other.pk]
    assert len(audit_events("contribution.unsupported")) == 1


def test_statements_and_hidden_comments_take_no_support(comment, statement, guest, moderator):
    with pytest.raises(ValidationError, match="Only visible comments and ideas"):
        services.contribution_support(participant=guest, contribution=statement)
    contribution_hide(actor=moderator, contribution=comment, reason="Spam.")
    with pytest.raises(ValidationError, match="Only visible comments and ideas"):
        services.contribution_support(participant=guest, contribution=comment)
    assert not Support.objects.exists()
    assert fresh(comment).support_count == 0


def test_support_follows_the_vote_requirement_and_dates(
    open_process, comment, guest, confirmed_guest, set_window
):
    require(open_process, vote_requires="confirmed", contribute_requires="guest")
    with pytest.raises(ValidationError) as caught:
        services.contribution_support(participant=guest, contribution=comment)
    assert code_of(caught) == "needs_confirmation"
    assert services.contribution_support(participant=confirmed_guest, contribution=comment)
    set_window(open_process, "closed")
    with pytest.raises(ValidationError) as caught:
        services.contribution_unsupport(participant=confirmed_guest, contribution=comment)
    assert code_of(caught) == "closed"
    assert fresh(comment).support_count == 1


# --- Statement votes -----------------------------------------------------------------------


def counts(statement):
    s = fresh(statement)
    return (s.agree_count, s.disagree_count, s.pass_count)


def test_first_vote_counts(statement, guest, audit_events):
    vote = services.statement_vote(participant=guest, statement=statement, choice="agree")
    assert vote.choice == "agree"
    assert counts(statement) == (1, 0, 0)
    [event] = audit_events("statement.voted")
    assert event.data == {"participant": guest.pk, "choice": "agree", "previous": None}


def test_same_vote_again_changes_nothing(statement, guest, audit_events):
    services.statement_vote(participant=guest, statement=statement, choice="pass")
    services.statement_vote(participant=guest, statement=statement, choice="pass")
    assert counts(statement) == (0, 0, 1)
    assert StatementVote.objects.count() == 1
    assert len(audit_events("statement.voted")) == 1


def test_a_changed_vote_moves_the_counters(statement, guest, make_guest, audit_events):
    services.statement_vote(participant=make_guest(), statement=statement, choice="agree")
    services.statement_vote(participant=guest, statement=statement, choice="agree")
    services.statement_vote(participant=guest, statement=statement, choice="disagree")
    assert counts(statement) == (1, 1, 0)
    assert StatementVote.objects.get(participant=guest).choice == "disagree"
    assert audit_events("statement.voted")[-1].data["previous"] == "agree"
    services.statement_vote(participant=guest, statement=statement, choice="pass")
    assert counts(statement) == (1, 0, 1)
    assert StatementVote.objects.count() == 2


@pytest.mark.parametrize("choice", ["", "yes", "AGREE", None])
def test_invalid_choice(choice, statement, guest):
    with pytest.raises(ValidationError) as caught:
        services.statement_vote(participant=guest, statement=statement, choice=choice)
    assert caught.value.message_dict == {"choice": ["Vote agree, disagree or pass."]}
    assert not StatementVote.objects.exists()


def test_hidden_statements_and_comments_take_no_vote(statement, comment, guest, moderator):
    with pytest.raises(ValidationError, match="Only visible statements"):
        services.statement_vote(participant=guest, statement=comment, choice="agree")
    contribution_hide(actor=moderator, contribution=statement, reason="Names a person.")
    with pytest.raises(ValidationError, match="Only visible statements"):
        services.statement_vote(participant=guest, statement=statement, choice="agree")
    assert not StatementVote.objects.exists()
    assert counts(statement) == (0, 0, 0)


def test_votes_follow_the_dates(open_process, statement, guest, set_window):
    set_window(open_process, "upcoming")
    with pytest.raises(ValidationError) as caught:
        services.statement_vote(participant=guest, statement=statement, choice="agree")
    assert code_of(caught) == "not_open_yet"
    assert counts(statement) == (0, 0, 0)


# --- Flags ---------------------------------------------------------------------------------


def test_flag_once_per_participant(comment, guest, make_guest, audit_events):
    assert services.contribution_flag(
        participant=guest, contribution=comment, reason="abuse", note="  Insults.  "
    )
    assert not services.contribution_flag(participant=guest, contribution=comment, reason="spam")
    assert services.contribution_flag(
        participant=make_guest(), contribution=comment, reason="spam"
    )
    assert fresh(comment).flag_count == 2
    flag = Flag.objects.get(participant=guest)
    assert (flag.reason, flag.note, flag.resolved_at) == ("abuse", "Insults.", None)
    assert [e.data["reason"] for e in audit_events("contribution.flagged")] == ["abuse", "spam"]


def test_flag_bad_input(comment, guest):
    with pytest.raises(ValidationError) as caught:
        services.contribution_flag(participant=guest, contribution=comment, reason="boring")
    assert set(caught.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as caught:
        services.contribution_flag(
            participant=guest, contribution=comment, reason="other", note="x" * 501
        )
    assert set(caught.value.message_dict) == {"note"}
    assert not Flag.objects.exists()
    assert fresh(comment).flag_count == 0


def test_flag_follows_the_read_rule_not_the_dates(
    open_process, comment, guest, account_participant, set_window
):
    set_window(open_process, "closed")  # a closed thread can still be flagged
    require(open_process, read_requires="account")
    with pytest.raises(ValidationError) as caught:
        services.contribution_flag(participant=guest, contribution=comment, reason="spam")
    assert code_of(caught) == "needs_account_to_read"
    assert services.contribution_flag(
        participant=account_participant, contribution=comment, reason="spam"
    )


# --- Removing one's own words --------------------------------------------------------------


def test_remove_own_keeps_the_place_and_the_replies(
    comments_module, guest, make_contribution, audit_events
):
    root = services.contribution_add(participant=guest, module=comments_module, body="Mine")
    reply = make_contribution(comments_module, "A reply", parent=root)
    services.contribution_remove_own(participant=guest, contribution=root)
    root = fresh(root)
    assert (root.status, root.body, root.body_html) == ("removed", "", "")
    assert fresh(reply).parent_id == root.pk
    assert fresh(reply).is_visible
    assert root.reply_count == 1
    [event] = audit_events("contribution.removed_by_author")
    assert event.data == {"participant": guest.pk, "flags_resolved": 0}
    assert event.organisation_id_ref == comments_module.process.procurement.organisation_id
    # Twice is once.
    services.contribution_remove_own(participant=guest, contribution=root)
    assert len(audit_events("contribution.removed_by_author")) == 1


def test_remove_own_resolves_the_open_flags_on_it(
    comments_module, guest, make_guest, comment, audit_events
):
    """Nothing is left to judge once its author removed it: its open flags
    close and its counter drops, as when a participant deletes their data;
    flags on other contributions stay open."""
    mine = services.contribution_add(participant=guest, module=comments_module, body="Mine")
    for reporter in (make_guest(), make_guest()):
        services.contribution_flag(participant=reporter, contribution=mine, reason="spam")
    services.contribution_flag(participant=make_guest(), contribution=comment, reason="abuse")
    services.contribution_remove_own(participant=guest, contribution=mine)
    assert fresh(mine).flag_count == 0
    assert not Flag.objects.filter(contribution=mine, resolved_at__isnull=True).exists()
    assert Flag.objects.filter(contribution=mine).count() == 2
    assert fresh(comment).flag_count == 1
    assert Flag.objects.get(contribution=comment).resolved_at is None
    [event] = audit_events("contribution.removed_by_author")
    assert event.data == {"participant": guest.pk, "flags_resolved": 2}


def test_what_its_author_removed_cannot_be_flagged(comments_module, guest, make_guest):
    mine = services.contribution_add(participant=guest, module=comments_module, body="Mine")
    services.contribution_remove_own(participant=guest, contribution=mine)
    with pytest.raises(ValidationError, match="nothing left to report"):
        services.contribution_flag(participant=make_guest(), contribution=mine, reason="spam")
    assert not Flag.objects.exists()
    assert fresh(mine).flag_count == 0


def test_removing_someone_elses_is_refused(comment, guest, audit_events):
    with pytest.raises(ValidationError, match="only remove what you wrote"):
        services.contribution_remove_own(participant=guest, contribution=comment)
    comment = fresh(comment)
    assert comment.status == "visible"
    assert comment.body
    assert audit_events("contribution.removed_by_author") == []
