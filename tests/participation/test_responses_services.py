"""Staff answering what people said ("you said, we did"): who may, what an
answer must say, the counters and audit it keeps, the public page it
refreshes, and the notifications it makes for the right people only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.models import Participant, User
from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.engagement.services.actors import actor_add
from participai.participation.models import (
    Contribution,
    Follow,
    Notification,
    Response,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import moderation as moderation_services
from participai.participation.services import participants as participant_services
from participai.participation.services.notifications import email_frequency_set
from participai.participation.services.responses import response_create, response_update
from participai.procurements import services as procurement_services
from participai.procurements.models import Procurement

VALUES = {
    "status": "adopted",
    "change_kind": "requirement",
    "target_label": "R-7 Same-day call back",
    "change": "Urgent referrals reach a person the same day.",
    "reason": "Many of you asked for it.",
}


@pytest.fixture
def two(comments_module, make_contribution):
    return [
        make_contribution(comments_module, "Call urgent cases back the same day."),
        make_contribution(comments_module, "A person should call on urgent cases, fast."),
    ]


def version(procurement: Procurement) -> int:
    return Procurement.objects.values_list("version", flat=True).get(pk=procurement.pk)


def counts(contributions) -> list[int]:
    return [
        Contribution.objects.values_list("response_count", flat=True).get(pk=c.pk)
        for c in contributions
    ]


def create(actor, process, contributions, **overrides):
    return response_create(
        actor=actor, process=process, contributions=contributions, **{**VALUES, **overrides}
    )


# --------------------------------------------------------------------------- creating


def test_one_answer_for_two_contributions(officer, open_process, published, two, audit_events):
    before = version(published)
    response = create(
        officer,
        open_process,
        two,
        reason="Many of you asked for it. <script>alert(1)</script> **Really.**",
    )
    response.refresh_from_db()
    assert sorted(c.pk for c in response.contributions.all()) == sorted(c.pk for c in two)
    assert (response.procurement_id, response.process_id) == (published.pk, open_process.pk)
    assert (response.status, response.change_kind) == ("adopted", "requirement")
    assert response.target_label == "R-7 Same-day call back"
    assert response.target_id is None and response.decision_id is None
    assert "<strong>Really.</strong>" in response.reason_html
    assert "<script" not in response.reason_html
    assert response.created_by == officer
    assert counts(two) == [1, 1]
    assert version(published) == before + 1
    [event] = audit_events("response.created")
    assert event.actor_id == officer.pk
    assert event.data["contributions"] == sorted(c.pk for c in two)
    assert event.data["status"] == "adopted" and event.data["process"] == open_process.slug


def test_a_second_answer_counts_again(officer, open_process, two):
    create(officer, open_process, two)
    create(officer, open_process, two[:1], status="partly")
    assert counts(two) == [2, 1]


@pytest.mark.parametrize("roles", [(Role.FACILITATOR,), (Role.PROJECT_LEAD,)])
def test_the_team_and_facilitators_may_answer(roles, org, make_member, open_process, two):
    create(make_member(org, *roles), open_process, two)
    assert Response.objects.count() == 1


@pytest.mark.parametrize("who", ["moderator", "auditor", "resident", "other_officer"])
def test_others_may_not_answer(
    who, org, other_org, make_member, moderator, resident, open_process, two
):
    actor = {
        "moderator": lambda: moderator,
        "auditor": lambda: make_member(org, Role.AUDITOR),
        "resident": lambda: resident,
        "other_officer": lambda: make_member(other_org, Role.PROCUREMENT_OFFICER),
    }[who]()
    with pytest.raises(PermissionDenied):
        create(actor, open_process, two)
    assert Response.objects.count() == 0 and counts(two) == [0, 0]
    assert not AuditEvent.objects.filter(action="response.created").exists()


def test_a_closed_procurement_takes_no_more_answers(officer, open_process, published, two):
    Procurement.objects.filter(pk=published.pk).update(status="stopped")
    with pytest.raises(PermissionDenied):
        create(officer, open_process, two)


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def elsewhere(published, make_process, make_contribution):
    """A contribution in another process of the same procurement."""
    other = make_process(published, modules=("comments",), publish=True)
    return make_contribution(other.modules.get())


def _bad_cases(two, elsewhere, other_decision, private_document):
    hidden, removed = two
    return {
        "nothing": ({"contributions": []}, "contributions"),
        "another process": ({"contributions": [two[0], elsewhere]}, "contributions"),
        "unknown id": ({"contributions": [two[0].pk, 10**9]}, "contributions"),
        "hidden": ({"contributions": [hidden], "_hide": True}, "contributions"),
        "removed": ({"contributions": [removed], "_remove": True}, "contributions"),
        "status": ({"status": "maybe"}, "status"),
        "change kind": ({"change_kind": "mood"}, "change_kind"),
        "no reason": ({"reason": "   "}, "reason"),
        "long reason": ({"reason": "x" * 5001}, "reason"),
        "no change said": ({"change": "  "}, "change"),
        "decision elsewhere": ({"decision": other_decision}, "decision"),
        "decision missing": ({"change_kind": "decision", "target_label": ""}, "decision"),
        "actor missing": ({"change_kind": "actor"}, "target"),
        "private document": (
            {"change_kind": "document", "target": private_document},
            "target",
        ),
        "label missing": ({"target_label": ""}, "target_label"),
        "record for a label": (
            {"change_kind": "clause", "target": private_document},
            "target",
        ),
    }


BAD = [
    "nothing",
    "another process",
    "unknown id",
    "hidden",
    "removed",
    "status",
    "change kind",
    "no reason",
    "long reason",
    "no change said",
    "decision elsewhere",
    "decision missing",
    "actor missing",
    "private document",
    "label missing",
    "record for a label",
]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_by_field_and_changes_nothing(
    case, officer, moderator, open_process, published, make_procurement, two, elsewhere
):
    other = make_procurement(title="Another procurement")
    other_decision = procurement_services.gate_decide(
        actor=officer,
        procurement=other,
        outcome="revise",
        rationale="Not yet: the problem needs rewriting.",
        notify=False,
    )
    private_document = procurement_services.document_add(
        actor=officer, procurement=published, title="Internal notes", body="x", is_public=False
    )
    overrides, field = _bad_cases(two, elsewhere, other_decision, private_document)[case]
    overrides = dict(overrides)
    if overrides.pop("_hide", False):
        moderation_services.contribution_hide(
            actor=moderator, contribution=two[0], reason="Names a member of staff."
        )
    if overrides.pop("_remove", False):
        contribution_services.contribution_remove_own(
            participant=two[1].participant, contribution=two[1]
        )
    contributions = overrides.pop("contributions", two)
    before = version(published)
    with pytest.raises(ValidationError) as caught:
        create(officer, open_process, contributions, **overrides)
    assert field in caught.value.message_dict
    assert Response.objects.count() == 0
    assert counts(two) == [0, 0]
    assert version(published) == before
    assert not AuditEvent.objects.filter(action="response.created").exists()
    assert not Notification.objects.exists()


def test_no_change_needs_no_change_text_and_names_nothing(officer, open_process, two):
    response = create(
        officer,
        open_process,
        two,
        status="not_adopted",
        change_kind="no_change",
        change="",
        target_label="ignored",
    )
    assert (response.change, response.target_label) == ("", "")


def test_an_actor_is_named_from_the_actor_map(officer, open_process, published, two):
    stakeholder = actor_add(
        actor=officer,
        procurement=published,
        name="Carers' association",
        kind="civil_society",
        sector="civil_society",
        influence=2,
        interest=5,
    )
    response = create(
        officer, open_process, two, change_kind="actor", target=stakeholder, target_label="x"
    )
    response.refresh_from_db()
    assert response.target == stakeholder
    assert response.target_label == "Carers' association"


def test_an_actor_of_another_procurement_is_refused(officer, open_process, make_procurement, two):
    other = make_procurement(title="Another procurement")
    stranger = actor_add(
        actor=officer,
        procurement=other,
        name="Someone else's group",
        kind="civil_society",
        sector="civil_society",
        influence=2,
        interest=2,
    )
    with pytest.raises(ValidationError) as caught:
        create(officer, open_process, two, change_kind="actor", target=stranger)
    assert "target" in caught.value.message_dict


def test_a_public_document_and_a_decision(officer, open_process, published, two, gate_decision):
    document = procurement_services.document_add(
        actor=officer, procurement=published, title="Problem statement v2", body="Text."
    )
    response = create(
        officer,
        open_process,
        two,
        change_kind="document",
        target=document,
        decision=gate_decision,
    )
    response.refresh_from_db()
    assert response.target == document and response.target_label == "Problem statement v2"
    assert response.decision == gate_decision
    decided = create(officer, open_process, two, change_kind="decision", decision=gate_decision)
    assert decided.target_label == "" and decided.decision == gate_decision


# --------------------------------------------------------------------------- updating


def test_update_changes_what_is_sent_and_audits_it(
    officer, open_process, published, two, make_response, audit_events, gate_decision
):
    response = make_response(two)
    before = version(published)
    response_update(
        actor=officer,
        response=response,
        status="partly",
        reason="Only for urgent cases, for now.",
        decision=gate_decision,
    )
    response.refresh_from_db()
    assert (response.status, response.decision) == ("partly", gate_decision)
    assert "urgent cases" in response.reason_html
    assert version(published) == before + 1
    [event] = audit_events("response.updated")
    assert event.data["fields"] == ["decision", "reason", "status"]


def test_update_with_the_same_values_changes_nothing(officer, two, audit_events):
    response = create(officer, two[0].module.process, two)
    # What a form sends back unchanged, with the text's surrounding space.
    again = {**VALUES, "contributions": two, "reason": f"  {VALUES['reason']}\n"}
    response_update(actor=officer, response=response, **again)
    assert audit_events("response.updated") == []


def test_update_moves_the_counters_with_the_contributions(
    officer, comments_module, make_contribution, two, make_response
):
    third = make_contribution(comments_module, "Me too.")
    response = make_response(two)
    response_update(actor=officer, response=response, contributions=[two[1], third])
    assert counts([*two, third]) == [0, 1, 1]
    assert sorted(response.contributions.values_list("pk", flat=True)) == [two[1].pk, third.pk]


def test_update_keeps_a_contribution_hidden_since_but_adds_no_hidden_one(
    officer, moderator, comments_module, make_contribution, two, make_response
):
    response = make_response(two)
    moderation_services.contribution_hide(
        actor=moderator, contribution=two[0], reason="Names a member of staff."
    )
    response_update(actor=officer, response=response, status="partly")
    hidden = make_contribution(comments_module, "Another one.")
    moderation_services.contribution_hide(actor=moderator, contribution=hidden, reason="Spam.")
    with pytest.raises(ValidationError) as caught:
        response_update(actor=officer, response=response, contributions=[*two, hidden])
    assert "contributions" in caught.value.message_dict
    assert counts([*two, hidden]) == [1, 1, 0]


def test_update_refuses_unknown_fields_and_other_roles(moderator, officer, two, make_response):
    response = make_response(two)
    with pytest.raises(TypeError):
        response_update(actor=officer, response=response, procurement=None)
    with pytest.raises(PermissionDenied):
        response_update(actor=moderator, response=response, status="partly")
    response.refresh_from_db()
    assert response.status == "adopted"


# --------------------------------------------------------------------------- who is told


@pytest.fixture
def people(comments_module, make_guest, make_user, make_contribution):
    """Authors and followers in every situation that matters for mail."""
    confirmed = make_guest("Confirmed author", confirmed=True)
    unconfirmed = make_guest("Unconfirmed author")
    account = participant_services.participant_for_user(make_user("account-author"))
    never = make_guest("Never author", confirmed=True)
    email_frequency_set(participant=never, frequency="never")
    daily = make_guest("Daily author", confirmed=True)
    email_frequency_set(participant=daily, frequency="daily")
    gone = make_guest("Gone author", confirmed=True)
    inactive_user = make_user("inactive-author")
    inactive = participant_services.participant_for_user(inactive_user)
    authors = {
        "confirmed": confirmed,
        "unconfirmed": unconfirmed,
        "account": account,
        "never": never,
        "daily": daily,
        "gone": gone,
        "inactive": inactive,
    }
    contributions = {
        name: make_contribution(comments_module, f"Said by {name}.", participant=person)
        for name, person in authors.items()
    }
    # Deleting one's data and deactivating an account happen after writing.
    Participant.objects.filter(pk=gone.pk).update(removed_at=timezone.now())
    User.objects.filter(pk=inactive_user.pk).update(is_active=False)
    follower = make_guest("Follower", confirmed=True)
    return {"authors": authors, "contributions": contributions, "follower": follower}


def notified(response) -> dict[str, str]:
    return dict(
        Notification.objects.filter(response=response).values_list(
            "participant__pseudonym", "kind"
        )
    )


def test_authors_and_followers_are_told_once_each_with_an_address_and_a_wish(
    open_process, people, make_response, mailoutbox, django_capture_on_commit_callbacks
):
    authors = people["authors"]
    Follow.objects.create(process=open_process, participant=people["follower"])
    # An author who also follows hears once, as an author.
    Follow.objects.create(process=open_process, participant=authors["confirmed"])
    # Following with an address we may not use brings nothing.
    Follow.objects.create(process=open_process, participant=authors["unconfirmed"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = make_response(people["contributions"].values())
    assert notified(response) == {
        "Confirmed author": "answered",
        "account-author": "answered",
        "Daily author": "answered",
        "Follower": "process_response",
    }
    assert len(callbacks) == 1
    # The immediate ones were mailed once committed; the daily one waits.
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted(
        [
            authors["confirmed"].email,
            User.objects.get(username="account-author").email,
            people["follower"].email,
        ]
    )
    waiting = Notification.objects.get(participant=authors["daily"])
    assert waiting.sent_at is None
    assert Notification.objects.filter(sent_at__isnull=True).count() == 1


def test_nothing_is_mailed_before_the_answer_commits(
    open_process, people, make_response, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_response([people["contributions"]["confirmed"]])
    assert mailoutbox == [] and len(callbacks) == 1


def test_a_refused_answer_tells_nobody(
    officer, open_process, people, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        create(officer, open_process, [people["contributions"]["confirmed"]], reason="")
    assert callbacks == [] and mailoutbox == [] and not Notification.objects.exists()


def test_a_queue_that_is_down_fails_nobody_and_the_mail_waits(
    open_process,
    people,
    make_response,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The task queue (Redis, the worker's database) is outside this process:
    when it refuses, the answer stays published, the staff's request does
    not fail, the other mails are still queued, and the refused one waits
    in the outbox for the daily run."""
    from participai.participation.services import notifications as notification_services
    from participai.participation.services import responses as response_module

    real = response_module.send_response_notification
    queued: list[int] = []

    class QueueDown:
        @staticmethod
        def enqueue(*, notification_id: int):
            if not queued:
                queued.append(0)
                raise ConnectionError("the queue is down")
            queued.append(notification_id)
            return real.enqueue(notification_id=notification_id)

    monkeypatch.setattr(response_module, "send_response_notification", QueueDown)
    Follow.objects.create(process=open_process, participant=people["follower"])
    with django_capture_on_commit_callbacks(execute=True):
        response = make_response([people["contributions"]["confirmed"]])
    assert Response.objects.filter(pk=response.pk).exists()
    # Two mails at once were due: one was refused by the queue, one went.
    assert len(queued) == 2 and len(mailoutbox) == 1
    [waiting] = Notification.objects.filter(response=response, sent_at__isnull=True)
    Notification.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - notification_services.OVERDUE_AFTER
    )
    assert notification_services.send_overdue_notifications(now=timezone.now()) == 1
    assert len(mailoutbox) == 2
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_update_tells_the_authors_added_and_nobody_twice(
    officer,
    open_process,
    people,
    make_response,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    contributions = people["contributions"]
    Follow.objects.create(process=open_process, participant=people["follower"])
    with django_capture_on_commit_callbacks(execute=True):
        response = make_response([contributions["confirmed"]])
    assert set(notified(response)) == {"Confirmed author", "Follower"}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response_update(
            actor=officer,
            response=response,
            contributions=[contributions["confirmed"], contributions["account"]],
            status="partly",
        )
    assert set(notified(response)) == {"Confirmed author", "Follower", "account-author"}
    assert [m.to for m in mailoutbox] == [[User.objects.get(username="account-author").email]]


def test_update_to_another_kind_drops_a_record_that_no_longer_fits(
    officer, open_process, published, two
):
    stakeholder = actor_add(
        actor=officer,
        procurement=published,
        name="Carers' association",
        kind="civil_society",
        sector="civil_society",
        influence=2,
        interest=5,
    )
    response = create(officer, open_process, two, change_kind="actor", target=stakeholder)
    response_update(
        actor=officer, response=response, change_kind="clause", target_label="Clause 12.3"
    )
    response.refresh_from_db()
    assert (response.target_type_id, response.target_id) == (None, None)
    assert response.target_label == "Clause 12.3"
