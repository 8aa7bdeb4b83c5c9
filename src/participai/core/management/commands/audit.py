"""``participai audit verify``: walk the hash chain and report the first break."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from participai.core.audit import audit_verify


class Command(BaseCommand):
    help = "Work with the audit trail."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every event's hash and link; exit 1 on a break.")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            result = audit_verify()
            if not result.ok:
                raise CommandError(
                    f"Audit chain broken at {result.first_break} "
                    f"({result.checked} events verified before it)."
                )
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} events."))
