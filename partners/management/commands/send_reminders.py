import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from partners.services import reminders


class Command(BaseCommand):
    help = "Plan and deliver today's reminders; with --dry-run only print what would be sent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, send nothing.")
        parser.add_argument("--day", help="YYYY-MM-DD instead of today.")
        parser.add_argument(
            "--explain", action="store_true", help="Print each scan's query plan, send nothing."
        )

    def handle(self, *args, dry_run=False, explain=False, day: str | None = None, **options):
        try:
            when = dt.date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--day: {error}") from None
        if explain:
            self.explain(when)
            return
        if dry_run:
            drafts = reminders.reminder_drafts(when)
            for draft in drafts:
                self.stdout.write(
                    f"{draft.kind:<15} {draft.recipient_id:>6} {draft.subject:<20} {draft.title}"
                )
            self.stdout.write(f"{len(drafts)} reminder(s) for {when}")
            return
        reminders.reminders_plan(day=when)
        delivered = 0
        for reminder_id in reminders.undelivered_reminder_ids(when):
            reminders.reminder_notify(reminder_id)
            delivered += reminders.reminder_email(reminder_id)
        self.stdout.write(f"{delivered} e-mail(s) sent for {when}")

    def explain(self, when: dt.date) -> None:
        """EXPLAIN (ANALYZE on PostgreSQL) each scan, to check it stays an index scan."""
        options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
        for name, queryset in reminders.reminder_scans(when).items():
            self.stdout.write(f"-- {name}\n{queryset.explain(**options)}\n")
