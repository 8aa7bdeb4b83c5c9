"""Mail under concurrency: several digest runs at once (two cron runs
overlapping, or the task and the command) and several workers sending the
same notification mail each participant once and lose nothing.

Real threads on a real database, each on its own connection; PostgreSQL
only, like the other concurrency tests (SQLite serialises writers).
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from participai.participation.models import Notification
from participai.participation.services import notifications as services

from .test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers ('database is locked'); runs on PostgreSQL in CI",
    ),
]
RUNS = 6


def test_digest_runs_at_once_mail_each_participant_once(
    comments_module, make_guest, make_contribution, make_response, mailoutbox
):
    people = [make_guest(f"Daily {n}", confirmed=True) for n in range(8)]
    for person in people:
        services.email_frequency_set(participant=person, frequency="daily")
        for _ in range(2):
            make_response([make_contribution(comments_module, participant=person)])
    now = timezone.now()
    sent = race([lambda: services.send_daily_digests(now=now) for _ in range(RUNS)])
    assert sum(sent) == len(people)
    assert Counter(m.to[0] for m in mailoutbox) == Counter({p.email: 1 for p in people})
    assert all("2 new answers" in m.subject for m in mailoutbox)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_workers_sending_the_same_notification_mail_it_once(
    comments_module, confirmed_guest, make_contribution, make_response, mailoutbox
):
    # Outside a test transaction the answer commits and its mail goes at
    # once: undo that, then let several workers race for it.
    make_response([make_contribution(comments_module, participant=confirmed_guest)])
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(sent_at=None)
    mailoutbox.clear()
    results = race(
        [lambda: services.send_notification(notification_id=notification.pk) for _ in range(RUNS)]
    )
    assert results.count(True) == 1 and len(mailoutbox) == 1
