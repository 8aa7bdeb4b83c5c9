"""The record of an in-person meeting and the points raised there: who may
write the record (staff and facilitators), what it takes, create-or-update
with audit events, and the rule that only facilitators enter points, as
said in person or on paper."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.participation.models import Contribution, EventRecord
from participai.participation.services import contributions as contribution_services
from participai.participation.services import events as services

MADRID = ZoneInfo("Europe/Madrid")
STARTS = datetime(2030, 3, 12, 18, 0, tzinfo=MADRID)


def record_values(**changes):
    return {
        "kind": "workshop",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "place": "  Central Library, room 2 ",
        "accessibility": "Step-free access; hearing loop.",
        "attendance": 23,
        "attendance_note": "Mostly carers; few young people.",
        "minutes": "We **heard** <script>x</script> about waits.",
        "outputs": "1. Call back within a day\n2. Explain every refusal",
        **changes,
    }


def save(actor, module, **changes):
    return services.event_record_save(actor=actor, module=module, **record_values(**changes))


def test_the_record_is_created(event_module, officer, audit_events, published):
    record = save(officer, event_module)
    record = EventRecord.objects.get(pk=record.pk)
    assert record.module == event_module
    assert (record.kind, record.place, record.attendance) == (
        "workshop",
        "Central Library, room 2",
        23,
    )
    assert record.starts_at == STARTS
    assert record.recorded_by == officer
    assert (
        record.minutes_html
        == "<p>We <strong>heard</strong> &lt;script&gt;x&lt;/script&gt; about waits.</p>\n"
    )
    assert record.outputs_html.startswith("<ol>\n<li>Call back within a day</li>")
    [event] = audit_events("event.recorded")
    assert event.actor_id == officer.pk
    assert event.organisation_id_ref == published.organisation_id
    assert event.data["module"] == event_module.pk
    assert event.data["attendance"] == 23
    assert event.data["fields"] == list(services.RECORD_FIELDS)


def test_a_facilitator_updates_it_and_the_same_again_changes_nothing(
    event_module, officer, facilitator, audit_events
):
    first = save(officer, event_module)
    second = save(facilitator, event_module, attendance=None, minutes="Shorter minutes.")
    assert second.pk == first.pk
    assert EventRecord.objects.count() == 1
    record = EventRecord.objects.get()
    assert (record.attendance, record.minutes_html) == (None, "<p>Shorter minutes.</p>\n")
    assert record.recorded_by == officer  # who first wrote it; the audit says who changed it
    [event] = audit_events("event.updated")
    assert event.actor_id == facilitator.pk
    assert event.data["fields"] == ["attendance", "minutes"]
    save(facilitator, event_module, attendance=None, minutes="Shorter minutes.")
    assert len(audit_events("event.updated")) == 1


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"kind": "party"}, {"kind": ["Choose the kind of meeting."]}),
        ({"ends_at": STARTS}, {"ends_at": ["It must end after it starts."]}),
        (
            {"starts_at": None, "ends_at": "tomorrow"},
            {
                "starts_at": ["Give the date and time it started."],
                "ends_at": ["Give the date and time it ended."],
            },
        ),
        ({"place": " \n "}, {"place": ["Say where it took place."]}),
        ({"place": "x" * 301}, {"place": ["At most 300 characters."]}),
        ({"attendance": -1}, {"attendance": ["Give the number of people, or leave it empty."]}),
        ({"attendance": True}, {"attendance": ["Give the number of people, or leave it empty."]}),
        (
            {"attendance": 1_000_001},
            {"attendance": ["Give the number of people, or leave it empty."]},
        ),
        (
            {"minutes": "m" * 50_001},
            {"minutes": ["At most 50000 characters; this text has 50001."]},
        ),
    ],
)
def test_bad_input_saves_nothing(changes, errors, event_module, officer, audit_events):
    with pytest.raises(ValidationError) as caught:
        save(officer, event_module, **changes)
    assert caught.value.message_dict == errors
    assert not EventRecord.objects.exists()
    assert audit_events("event.recorded") == []


def test_a_bad_update_keeps_the_record_as_it_was(event_module, officer):
    save(officer, event_module)
    with pytest.raises(ValidationError):
        save(officer, event_module, place="", attendance=40)
    assert EventRecord.objects.get().attendance == 23


def test_only_an_event_module_has_a_record(comments_module, officer):
    with pytest.raises(ValidationError, match="Only an event module"):
        save(officer, comments_module)
    assert not EventRecord.objects.exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR, Role.EVALUATOR])
def test_members_without_either_right_may_not_write_it(role, event_module, org, make_member):
    member = make_member(org, role, username=f"member-{role}")
    with pytest.raises(PermissionDenied):
        save(member, event_module)
    assert not EventRecord.objects.exists()


def test_outsiders_may_not_write_it(event_module, other_org, make_member, resident):
    elsewhere = make_member(other_org, Role.FACILITATOR, username="elsewhere")
    for actor in (elsewhere, resident):
        with pytest.raises(PermissionDenied):
            save(actor, event_module)
    assert not EventRecord.objects.exists()


def test_may_record(event_module, officer, facilitator, moderator):
    event_module.refresh_from_db()
    assert services.may_record(officer, event_module)
    assert services.may_record(facilitator, event_module)
    assert not services.may_record(moderator, event_module)


# --- points raised at the meeting ------------------------------------------------------------


def test_facilitators_enter_points_in_person_or_on_paper(
    event_module, facilitator, make_guest, audit_events
):
    for channel in ("in_person", "paper"):
        point = contribution_services.contribution_add(
            participant=make_guest(),
            module=event_module,
            body="Call people back within a day.",
            channel=channel,
            entered_by=facilitator,
        )
        assert (point.kind, point.channel, point.entered_by) == ("comment", channel, facilitator)
    event_module.refresh_from_db()
    assert event_module.contribution_count == 2
    assert all(e.data["assisted"] for e in audit_events("contribution.added"))


@pytest.mark.parametrize("channel", ["phone", "assisted_online"])
def test_a_point_is_not_entered_by_phone_or_online(channel, event_module, facilitator, guest):
    with pytest.raises(ValidationError) as caught:
        contribution_services.contribution_add(
            participant=guest,
            module=event_module,
            body="A point.",
            channel=channel,
            entered_by=facilitator,
        )
    assert caught.value.message_dict == {
        "channel": ["A point raised at a meeting was said in person or written on paper."]
    }
    assert not Contribution.objects.exists()


def test_the_public_cannot_post_to_an_event(
    event_module, officer, guest, account_participant, make_guest
):
    point = contribution_services.contribution_add(
        participant=make_guest(),
        module=event_module,
        body="Raised at the meeting.",
        channel="in_person",
        entered_by=officer,
    )
    for participant, parent in ((guest, None), (account_participant, point)):
        with pytest.raises(ValidationError) as caught:
            contribution_services.contribution_add(
                participant=participant, module=event_module, body="Me too.", parent=parent
            )
        assert caught.value.messages == [
            "This is the record of a meeting: what was said there is entered by its "
            "facilitators, and it takes no contributions online."
        ]
    assert Contribution.objects.count() == 1


def test_a_member_without_the_assist_right_cannot_enter_points(event_module, moderator, guest):
    with pytest.raises(PermissionDenied):
        contribution_services.contribution_add(
            participant=guest,
            module=event_module,
            body="A point.",
            channel="in_person",
            entered_by=moderator,
        )
    assert not Contribution.objects.exists()
