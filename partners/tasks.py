"""Celery tasks of engagement: thin wrappers that take ids and call the reminder services."""

import datetime as dt
import smtplib

from celery import shared_task
from django.utils import timezone

from core.audit import audit_source
from partners.services import reminders
from partners.workdays import is_workday


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver_reminder(reminder_id: int) -> None:
    """Notification once, then the e-mail; a failed e-mail is retried with backoff."""
    with audit_source("task"):
        reminders.reminder_notify(reminder_id)
        reminders.reminder_email(reminder_id)


@shared_task(acks_late=True)
def send_daily_reminders(day: str | None = None) -> int:
    """Beat, every day at 08:30 Asia/Shanghai: on working days plan today's reminders and queue
    every reminder not yet delivered (today's, and any a stopped worker left behind). ``day``
    (YYYY-MM-DD) runs another day's instead: a day the worker was down, or the benchmark's."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    if not is_workday(today):
        return 0
    with audit_source("task"):
        reminders.reminders_plan(day=today)
        pending = reminders.undelivered_reminder_ids(today)
    for reminder_id in pending:
        deliver_reminder.delay(reminder_id)
    return len(pending)
