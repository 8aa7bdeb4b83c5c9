"""Following a process, how often a participant hears from us, and the mail:
one notification at a time (idempotent), the daily digest (gathers, marks
sent, sends nothing twice, even two runs overlapping), the mails at once
tried again when overdue, the tasks and the ``send_digests`` command."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError
from django.core.management import call_command
from django.utils import timezone

from participai.accounts.models import Participant, User
from participai.participation.models import Follow, Notification
from participai.participation.services import notifications as services
from participai.participation.services import participants as participant_services
from participai.participation.tasks import send_digests, send_response_notification


@pytest.fixture
def answered(comments_module, make_contribution, make_response, confirmed_guest):
    """An answer to a contribution by the confirmed guest (who takes mail at
    once, the default), its notification made but not mailed yet."""
    contribution = make_contribution(
        comments_module, "Call urgent cases back the same day.", participant=confirmed_guest
    )
    # No on-commit capture: the test transaction never commits, so nothing is mailed yet.
    response = make_response([contribution])
    return Notification.objects.get(response=response, participant=confirmed_guest)


# --------------------------------------------------------------------------- following


def test_a_confirmed_guest_follows_once(confirmed_guest, open_process, audit_events):
    assert services.follow(participant=confirmed_guest, process=open_process) is True
    assert services.follow(participant=confirmed_guest, process=open_process) is False
    assert Follow.objects.filter(participant=confirmed_guest, process=open_process).count() == 1
    [event] = audit_events("process.followed")
    assert event.data == {"participant": confirmed_guest.pk}


def test_an_account_with_an_email_follows(account_participant, open_process):
    assert services.follow(participant=account_participant, process=open_process)


@pytest.mark.parametrize("who", ["guest", "account_without_email", "removed"])
def test_following_needs_an_address_we_may_use(
    who, guest, make_user, make_guest, open_process, audit_events
):
    if who == "guest":
        participant = guest
    elif who == "account_without_email":
        participant = participant_services.participant_for_user(make_user("nomail", email=""))
    else:
        participant = make_guest("Gone", confirmed=True)
        Participant.objects.filter(pk=participant.pk).update(removed_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        services.follow(participant=participant, process=open_process)
    assert caught.value.error_list[0].code == services.NEEDS_EMAIL
    assert not Follow.objects.exists() and audit_events("process.followed") == []


def test_following_needs_the_process_published_and_readable(
    confirmed_guest, published, make_process
):
    draft = make_process(published, modules=("comments",))
    with pytest.raises(ValidationError) as caught:
        services.follow(participant=confirmed_guest, process=draft)
    assert caught.value.error_list[0].code == "unpublished"
    members_only = make_process(
        published, modules=("comments",), publish=True, read_requires="account"
    )
    with pytest.raises(ValidationError) as caught:
        services.follow(participant=confirmed_guest, process=members_only)
    assert caught.value.error_list[0].code == "needs_account_to_read"
    assert not Follow.objects.exists()


def test_unfollow(confirmed_guest, open_process, audit_events):
    assert services.unfollow(participant=confirmed_guest, process=open_process) is False
    services.follow(participant=confirmed_guest, process=open_process)
    assert services.unfollow(participant=confirmed_guest, process=open_process) is True
    assert not Follow.objects.exists()
    assert len(audit_events("process.unfollowed")) == 1


# --------------------------------------------------------------------------- how often


def test_email_frequency_set(confirmed_guest, audit_events):
    services.email_frequency_set(participant=confirmed_guest, frequency="daily")
    confirmed_guest.refresh_from_db()
    assert confirmed_guest.email_frequency == "daily"
    [event] = audit_events("participant.email_frequency_set")
    assert event.data == {"frequency": "daily", "previous": "immediately", "dropped": 0}
    # The same again changes nothing.
    services.email_frequency_set(participant=confirmed_guest, frequency="daily")
    assert len(audit_events("participant.email_frequency_set")) == 1


def test_a_bad_frequency_is_refused(confirmed_guest):
    with pytest.raises(ValidationError) as caught:
        services.email_frequency_set(participant=confirmed_guest, frequency="hourly")
    assert "email_frequency" in caught.value.message_dict
    confirmed_guest.refresh_from_db()
    assert confirmed_guest.email_frequency == "immediately"


def test_never_drops_what_was_waiting_and_keeps_what_was_sent(
    answered, confirmed_guest, comments_module, make_contribution, make_response
):
    services.send_notification(notification_id=answered.pk)
    waiting = Notification.objects.get(
        response=make_response(
            [make_contribution(comments_module, "Again.", participant=confirmed_guest)]
        )
    )
    services.email_frequency_set(participant=confirmed_guest, frequency="never")
    assert list(Notification.objects.all()) == [answered]
    assert not Notification.objects.filter(pk=waiting.pk).exists()


# --------------------------------------------------------------------------- one at a time


def test_send_notification_mails_once_and_marks_it_sent(answered, confirmed_guest, mailoutbox):
    assert services.send_notification(notification_id=answered.pk) is True
    answered.refresh_from_db()
    assert answered.sent_at is not None
    [message] = mailoutbox
    assert message.to == [confirmed_guest.email]
    assert "Your contribution was answered" in message.subject
    assert "Where the line is drawn" in message.subject
    assert "Call urgent cases back the same day." in message.body
    assert "Urgent referrals reach a person the same day." in message.body
    assert "Adopted" in message.body and "R-7 Same-day call back" in message.body
    assert f"/responses/{answered.response_id}/" in message.body
    assert "/email/" in message.body
    # Idempotent: again, nothing more.
    assert services.send_notification(notification_id=answered.pk) is False
    assert len(mailoutbox) == 1
    assert services.send_notification(notification_id=10**9) is False


def test_a_follower_gets_the_other_words(
    open_process, comments_module, make_contribution, make_response, make_guest, mailoutbox
):
    follower = make_guest("Follower", confirmed=True)
    services.follow(participant=follower, process=open_process)
    response = make_response([make_contribution(comments_module)])
    notification = Notification.objects.get(participant=follower, response=response)
    assert notification.kind == "process_response"
    services.send_notification(notification_id=notification.pk)
    [message] = mailoutbox
    assert "A new answer in" in message.subject
    assert "a process you follow" in message.body


def test_the_link_is_absolute_when_the_site_says_where_it_lives(answered, mailoutbox, settings):
    settings.SITE_URL = "https://participai.example.org/"
    services.send_notification(notification_id=answered.pk)
    assert (
        f"https://participai.example.org/p/{answered.process.procurement.slug}/"
        in mailoutbox[0].body
    )


@pytest.mark.parametrize("change", ["daily", "never", "unconfirmed", "removed"])
def test_send_notification_respects_what_changed_since(
    change, answered, confirmed_guest, mailoutbox
):
    if change in ("daily", "never"):
        Participant.objects.filter(pk=confirmed_guest.pk).update(email_frequency=change)
    elif change == "unconfirmed":
        Participant.objects.filter(pk=confirmed_guest.pk).update(confirmed_at=None)
    else:
        Participant.objects.filter(pk=confirmed_guest.pk).update(removed_at=timezone.now())
    assert services.send_notification(notification_id=answered.pk) is False
    answered.refresh_from_db()
    assert answered.sent_at is None and mailoutbox == []


def test_a_failed_mail_gives_the_claim_back(answered, monkeypatch, mailoutbox):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(services, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPException):
        services.send_notification(notification_id=answered.pk)
    answered.refresh_from_db()
    assert answered.sent_at is None
    monkeypatch.undo()
    assert services.send_notification(notification_id=answered.pk) is True


def test_any_failure_to_mail_gives_the_claim_back(answered, monkeypatch, mailoutbox):
    def refuse(*args, **kwargs):
        raise BadHeaderError("Header values can't contain newlines")

    monkeypatch.setattr(services, "send_mail", refuse)
    with pytest.raises(BadHeaderError):
        services.send_notification(notification_id=answered.pk)
    answered.refresh_from_db()
    assert answered.sent_at is None


def test_a_title_with_a_line_break_still_makes_a_mail(
    published, make_process, make_contribution, make_response, confirmed_guest, mailoutbox
):
    process = make_process(
        published, title="Where the line\nis drawn", modules=("comments",), publish=True
    )
    response = make_response(
        [make_contribution(process.modules.get(), "Call back.", participant=confirmed_guest)]
    )
    notification = Notification.objects.get(response=response)
    assert services.send_notification(notification_id=notification.pk) is True
    [message] = mailoutbox
    assert message.subject.endswith("Where the line is drawn")
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_an_account_holder_is_mailed_at_the_account_address(
    comments_module, make_contribution, make_response, account_participant, resident, mailoutbox
):
    response = make_response([make_contribution(comments_module, participant=account_participant)])
    notification = Notification.objects.get(response=response)
    services.send_notification(notification_id=notification.pk)
    assert mailoutbox[0].to == [resident.email]


def test_the_task_sends_it(answered, mailoutbox):
    result = send_response_notification.enqueue(notification_id=answered.pk)
    assert result.return_value is True
    assert len(mailoutbox) == 1


# --------------------------------------------------------------------------- the daily digest


@pytest.fixture
def daily_people(open_process, comments_module, make_guest, make_contribution, make_response):
    """Two daily participants (Ana follows the process, so she hears of all
    three answers; Ben of his own), and Cai who takes mail at once; none
    mailed yet."""
    ana = make_guest("Ana daily", confirmed=True)
    ben = make_guest("Ben daily", confirmed=True)
    cai = make_guest("Cai at once", confirmed=True)
    for person in (ana, ben):
        services.email_frequency_set(participant=person, frequency="daily")
    services.follow(participant=ana, process=open_process)
    first = make_contribution(comments_module, "Ana's first point.", participant=ana)
    make_response([first], target_label="R-1 First")
    make_response(
        [make_contribution(comments_module, "Ben's point.", participant=ben)],
        target_label="R-2 Second",
        status="not_adopted",
    )
    make_response(
        [make_contribution(comments_module, "Cai's point.", participant=cai)],
        target_label="R-3 Third",
    )
    return ana, ben, cai


def test_the_digest_gathers_each_daily_participant_once(daily_people, mailoutbox):
    ana, ben, cai = daily_people
    now = timezone.now()
    assert services.send_daily_digests(now=now) == 2
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {ana.email, ben.email}
    ana_mail = by_address[ana.email]
    # Ana: her own answer, and Ben's and Cai's in the process she follows.
    assert "3 new answers" in ana_mail.subject
    assert all(label in ana_mail.body for label in ("R-1 First", "R-2 Second", "R-3 Third"))
    assert "An answer to what you said" in ana_mail.body
    assert "which you follow" in ana_mail.body
    assert "1 new answer" in by_address[ben.email].subject
    assert not Notification.objects.filter(participant__in=[ana, ben], sent_at__isnull=True)
    assert set(
        Notification.objects.filter(participant__in=[ana, ben]).values_list("sent_at", flat=True)
    ) == {now}
    # Cai takes mail at once: the digest leaves his alone.
    assert Notification.objects.get(participant=cai).sent_at is None
    # Again: nothing twice.
    assert services.send_daily_digests(now=timezone.now()) == 0
    assert len(mailoutbox) == 2


def test_the_digest_leaves_what_came_later_and_who_has_no_address(daily_people, mailoutbox):
    ana, ben, _cai = daily_people
    Participant.objects.filter(pk=ben.pk).update(confirmed_at=None)
    earlier = timezone.now() - timedelta(hours=1)
    assert services.send_daily_digests(now=earlier) == 0
    assert services.send_daily_digests(now=timezone.now()) == 1
    assert [m.to for m in mailoutbox] == [[ana.email]]
    assert Notification.objects.filter(participant=ben, sent_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"ana@example.org": (550, b"no")}),
        BadHeaderError("Header values can't contain newlines"),
    ],
    ids=["refused", "bad header"],
)
def test_one_failed_digest_does_not_stop_the_others(error, daily_people, monkeypatch, mailoutbox):
    ana, ben, _cai = daily_people
    real = services.send_mail

    def flaky(subject, body, sender, to):
        if to == [ana.email]:
            raise error
        return real(subject, body, sender, to)

    monkeypatch.setattr(services, "send_mail", flaky)
    assert services.send_daily_digests(now=timezone.now()) == 1
    assert [m.to for m in mailoutbox] == [[ben.email]]
    # Ana's wait for the next run.
    assert Notification.objects.filter(participant=ana, sent_at__isnull=True).count() == 3
    monkeypatch.undo()
    assert services.send_daily_digests(now=timezone.now()) == 1


def test_two_overlapping_digest_runs_mail_nothing_twice(
    daily_people, comments_module, make_contribution, make_response, monkeypatch, mailoutbox
):
    """Cron starts a second run while the first is still mailing: the
    second had not seen what the first claimed, the first had loaded rows
    the second then claimed, and neither mails anything twice."""
    ana, ben, _cai = daily_people
    # Ben has a second answer waiting, made after the second run's ``now``.
    make_response(
        [make_contribution(comments_module, "Ben again.", participant=ben)],
        target_label="R-4 Fourth",
    )
    now = timezone.now()
    ben_first, ben_later = Notification.objects.filter(participant=ben).order_by("pk")
    Notification.objects.filter(pk=ben_later.pk).update(created_at=now)
    Notification.objects.exclude(pk=ben_later.pk).update(created_at=now - timedelta(hours=2))
    real = services.send_mail
    second_run: list[int] = []
    started: list[bool] = []

    def overlapping(subject, body, sender, to):
        if not started:
            started.append(True)
            # Ana is mailed first (the older participant); meanwhile a
            # second run starts, with an earlier ``now``: it sees only
            # Ben's first answer, the only row nobody claimed yet that it
            # may take.
            second_run.append(services.send_daily_digests(now=now - timedelta(hours=1)))
        return real(subject, body, sender, to)

    monkeypatch.setattr(services, "send_mail", overlapping)
    assert services.send_daily_digests(now=now) == 2
    assert second_run == [1]
    mails = [(m.to[0], m.subject, m.body) for m in mailoutbox]
    assert [to for to, _subject, _body in mails].count(ana.email) == 1
    ben_mails = [(subject, body) for to, subject, body in mails if to == ben.email]
    # Ben gets each answer once: the first from the second run, the later
    # one alone from the first run, which mails only what it claimed.
    assert len(ben_mails) == 2
    assert all("1 new answer" in subject for subject, _body in ben_mails)
    bodies = sorted(body for _subject, body in ben_mails)
    assert sum("R-2 Second" in body for body in bodies) == 1
    assert sum("R-4 Fourth" in body for body in bodies) == 1
    assert not any("R-2 Second" in b and "R-4 Fourth" in b for b in bodies)
    assert not Notification.objects.filter(participant__in=[ana, ben], sent_at__isnull=True)
    assert Notification.objects.get(pk=ben_first.pk).sent_at == now - timedelta(hours=1)


def test_the_digest_task_and_command(daily_people, mailoutbox, capsys):
    assert send_digests.enqueue().return_value == 2
    call_command("send_digests")
    out = capsys.readouterr().out
    assert "Daily digests sent: 0." in out and "Single mails sent again: 0." in out
    Notification.objects.update(sent_at=None)
    call_command("send_digests")
    assert "Daily digests sent: 2." in capsys.readouterr().out
    assert len(mailoutbox) == 4


def test_a_deleted_account_holder_gets_no_digest(
    comments_module, make_contribution, make_response, make_user, mailoutbox
):
    user = make_user("daily-account")
    participant = participant_services.participant_for_user(user)
    services.email_frequency_set(participant=participant, frequency="daily")
    make_response([make_contribution(comments_module, participant=participant)])
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert services.send_daily_digests(now=timezone.now()) == 0
    assert mailoutbox == []


# --------------------------------------------------------------------------- overdue mails at once


def age(notification: Notification, **delta) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(**delta)
    )


def test_a_failed_mail_at_once_is_sent_again_by_the_daily_run(
    answered, confirmed_guest, monkeypatch, mailoutbox, capsys
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(services, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPException):
        send_response_notification.call(notification_id=answered.pk)
    # Still failing: logged, left for the next run.
    age(answered, hours=2)
    assert services.send_overdue_notifications(now=timezone.now()) == 0
    monkeypatch.undo()
    call_command("send_digests")
    assert "Single mails sent again: 1." in capsys.readouterr().out
    [message] = mailoutbox
    assert message.to == [confirmed_guest.email]
    assert "Call urgent cases back the same day." in message.body
    # Sent: the next run sends nothing again.
    assert services.send_overdue_notifications(now=timezone.now()) == 0
    assert len(mailoutbox) == 1


def test_overdue_means_an_hour_old_and_taken_at_once(
    answered,
    confirmed_guest,
    make_guest,
    comments_module,
    make_contribution,
    make_response,
    mailoutbox,
):
    # Fresh: its task may still be on the way.
    assert services.send_overdue_notifications(now=timezone.now()) == 0
    # Someone who switched from the digest to mail at once gets what waited.
    switched = make_guest("Switched", confirmed=True)
    services.email_frequency_set(participant=switched, frequency="daily")
    waiting = Notification.objects.get(
        response=make_response(
            [make_contribution(comments_module, "Saturdays.", participant=switched)]
        )
    )
    services.email_frequency_set(participant=switched, frequency="immediately")
    # Someone on the digest is left to the digest; an unconfirmed address waits.
    daily = make_guest("Still daily", confirmed=True)
    services.email_frequency_set(participant=daily, frequency="daily")
    make_response([make_contribution(comments_module, "Evenings.", participant=daily)])
    Participant.objects.filter(pk=confirmed_guest.pk).update(confirmed_at=None)
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert services.send_overdue_notifications(now=timezone.now()) == 1
    assert [m.to for m in mailoutbox] == [[switched.email]]
    waiting.refresh_from_db()
    assert waiting.sent_at is not None
    assert Notification.objects.filter(sent_at__isnull=True).count() == 2
