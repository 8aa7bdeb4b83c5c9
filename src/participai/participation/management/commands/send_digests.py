"""``participai send_digests``: mail the daily digests of "you said, we did".

Run it once a day (cron, a systemd timer, or the task scheduler): each
participant who chose a daily digest gets one mail with every answer
waiting for them. Running it twice sends nothing twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from participai.participation.services.notifications import send_daily_digests


class Command(BaseCommand):
    help = "Mail each participant who takes a daily digest the answers waiting for them."

    def handle(self, *args, **options):
        sent = send_daily_digests(now=timezone.now())
        self.stdout.write(self.style.SUCCESS(f"Daily digests sent: {sent}."))
