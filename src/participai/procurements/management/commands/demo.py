"""``participai demo``: load the demo data once and print the logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from participai.procurements import demo


class Command(BaseCommand):
    help = "Load the demo data (once) and print the demo logins."

    def handle(self, *args, **options):
        if demo.is_loaded():
            self.stdout.write("Demo data already loaded.")
            logins = demo.demo_logins()
        else:
            logins = demo.load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.who}")
