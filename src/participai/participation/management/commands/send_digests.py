"""``participai send_digests``: mail the daily digests of "you said, we did".

Run it once a day (cron, a systemd timer, or the task scheduler): each
participant who chose a daily digest gets one mail with every answer
waiting for them, and the mails "at once" that could not go out (a mail
server or task queue down) are tried again. Running it twice, even two runs
overlapping, sends nothing twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from participai.participation.services.notifications import (
    send_daily_digests,
    send_overdue_notifications,
)


class Command(BaseCommand):
    help = (
        "Mail each participant who takes a daily digest the answers waiting for them, "
        "and retry the single mails that could not go out."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        sent = send_daily_digests(now=now)
        retried = send_overdue_notifications(now=now)
        self.stdout.write(self.style.SUCCESS(f"Daily digests sent: {sent}."))
        self.stdout.write(self.style.SUCCESS(f"Single mails sent again: {retried}."))
