"""Planning and delivering reminders exactly once.

Planning reads one grouped query per kind and inserts the day's reminders with ON CONFLICT DO
NOTHING, so it can run any number of times. Delivery claims each reminder with a conditional
UPDATE before acting: the in-app notification in the same transaction as the claim (exactly
once), the e-mail under a claim that a crashed worker's successor may take over after
``EMAIL_CLAIM_SECONDS`` (so none is skipped; a duplicate is possible only if a worker died
between the mail server accepting the message and the row being marked).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.reports import day_start
from partners.models import EnterpriseRequest, FollowUp, Notification, Reminder
from partners.selectors import (
    OPEN_REQUEST_STATUSES,
    REQUEST_WARNING_WORKDAYS,
    stewarded_partners,
    visit_became_overdue_condition,
    visit_overdue_condition,
)
from partners.workdays import add_workdays, subtract_workdays

ESCALATE_AFTER_WORKDAYS = 5
EMAIL_CLAIM_SECONDS = 600
MESSAGE_ID_DOMAIN = "fengtai-crm.invalid"
OPEN_REQUEST = OPEN_REQUEST_STATUSES


def _previous_workday(day: dt.date) -> dt.date:
    return subtract_workdays(day, 1)


def _visit_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the end of the previous working day to the end of ``day``, local time: a partner
    whose cadence runs out on a weekend or holiday is announced on the next working day."""
    start = _previous_workday(day) + dt.timedelta(days=1)
    end = day + dt.timedelta(days=1)
    return day_start(start), day_start(end)


def _escalation_window(day: dt.date) -> dict[str, dt.date]:
    """Due dates that passed the five-working-day mark since the previous working day: each
    late item is escalated once, on the working day it crosses the mark."""
    return {
        "gte": subtract_workdays(_previous_workday(day), ESCALATE_AFTER_WORKDAYS),
        "lt": subtract_workdays(day, ESCALATE_AFTER_WORKDAYS),
    }


def reminder_scans(day: dt.date) -> dict[str, QuerySet]:
    """The day's scans, one query each (for planning, and for ``send_reminders --explain``)."""
    late = _escalation_window(day)
    visit_start, visit_end = _visit_window(day)
    return {
        "follow_ups": FollowUp.objects.filter(status="open", due_on__lte=day)
        .values("owner")
        .annotate(
            today=Count("due_on", filter=Q(due_on=day)),
            overdue=Count("due_on", filter=Q(due_on__lt=day)),
        )
        .order_by("owner"),
        "requests": EnterpriseRequest.objects.filter(
            status__in=OPEN_REQUEST,
            deadline__lte=add_workdays(day, REQUEST_WARNING_WORKDAYS),
            owner__isnull=False,
        )
        .values("owner")
        .annotate(n=Count("deadline"))
        .order_by("owner"),
        "new_visits": stewarded_partners()
        .filter(visit_became_overdue_condition(visit_start, visit_end))
        .order_by("steward", "name")
        .values_list("steward", "name"),
        "late_follow_ups": FollowUp.objects.filter(
            status="open", due_on__gte=late["gte"], due_on__lt=late["lt"]
        )
        .order_by("pk")
        .values_list("pk", "partner__name", "due_on"),
        "late_requests": EnterpriseRequest.objects.filter(
            status__in=OPEN_REQUEST, deadline__gte=late["gte"], deadline__lt=late["lt"]
        )
        .order_by("pk")
        .values_list("pk", "partner__name", "deadline"),
    }


def _digest_counts(scans: dict[str, QuerySet], day: dt.date) -> dict[int, dict]:
    counts: dict[int, dict] = {}
    for row in scans["follow_ups"]:
        counts.setdefault(row["owner"], {}).update(today=row["today"], overdue=row["overdue"])
    for row in scans["requests"]:
        counts.setdefault(row["owner"], {})["requests"] = row["n"]
    for steward, name in scans["new_visits"]:
        counts.setdefault(steward, {}).setdefault("new_visits", []).append(name)
    _add_overdue_visits(counts, day)
    return counts


def _add_overdue_visits(counts: dict[int, dict], day: dt.date) -> None:
    """The number of all their overdue partners goes into every digest a steward gets."""
    overdue = (
        stewarded_partners()
        .filter(visit_overdue_condition(_visit_window(day)[1]), steward__in=list(counts))
        .values("steward")
        .annotate(n=Count("pk"))
        .order_by("steward")
    )
    for row in overdue:
        counts[row["steward"]]["visits"] = row["n"]


def _digest(recipient_id: int, day: dt.date, counts: dict) -> Reminder:
    figures = {key: counts.get(key, 0) for key in ("today", "overdue", "requests", "visits")}
    body = (
        _(
            "Follow-ups due today: %(today)d; overdue follow-ups: %(overdue)d; requests due within "
            "two working days: %(requests)d; partners overdue for a visit: %(visits)d."
        )
        % figures
    )
    new_visits = counts.get("new_visits", [])
    if new_visits:
        body += "\n" + _("Became overdue for a visit: %(names)s.") % {
            "names": _list_separator().join(new_visits)
        }
    return Reminder(
        recipient_id=recipient_id,
        kind=Reminder.Kind.DIGEST,
        subject="daily",
        day=day,
        title=_("Your work for %(day)s") % {"day": day.isoformat()},
        body=body,
    )


def _list_separator() -> str:
    return _(", ")


def _escalations(scans: dict[str, QuerySet], day: dt.date, managers: list[int]) -> list[Reminder]:
    follow_up = _("Follow-up overdue: %(partner)s, due %(due)s")
    request = _("Request overdue: %(partner)s, deadline %(due)s")
    items = [
        (f"follow-up:{pk}", follow_up % {"partner": name, "due": due})
        for pk, name, due in scans["late_follow_ups"]
    ]
    items += [
        (f"request:{pk}", request % {"partner": name, "due": due})
        for pk, name, due in scans["late_requests"]
    ]
    return [
        Reminder(
            recipient_id=manager,
            kind=Reminder.Kind.ESCALATION,
            subject=subject,
            day=day,
            title=title,
            body=title,
        )
        for manager in managers
        for subject, title in items
    ]


def _weekly(day: dt.date, managers: list[int]) -> list[Reminder]:
    if day.weekday() != 0:
        return []
    open_follow_ups = FollowUp.objects.filter(status="open").count()
    overdue_requests = EnterpriseRequest.objects.filter(
        status__in=OPEN_REQUEST, deadline__lt=day
    ).count()
    body = _("Open follow-ups: %(follow_ups)d; overdue requests: %(requests)d.") % {
        "follow_ups": open_follow_ups,
        "requests": overdue_requests,
    }
    title = _("Weekly summary for the week of %(day)s") % {"day": day.isoformat()}
    return [
        Reminder(
            recipient_id=m,
            kind=Reminder.Kind.WEEKLY_SUMMARY,
            subject="weekly",
            day=day,
            title=title,
            body=body,
        )
        for m in managers
    ]


def _managers() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(groups__name=Role.MANAGER, is_active=True)
        .values_list("pk", flat=True)
    )


def reminder_drafts(day: dt.date) -> list[Reminder]:
    """Today's reminders, unsaved: one digest per owner with something to do, escalations of
    items that became overdue by more than five working days to every manager, and on Mondays
    the weekly summary."""
    managers = _managers()
    with translation.override(settings.LANGUAGE_CODE):  # texts in the office's language
        scans = reminder_scans(day)
        digests = _digest_counts(scans, day).items()
        drafts = [_digest(owner, day, counts) for owner, counts in digests]
        return drafts + _escalations(scans, day, managers) + _weekly(day, managers)


def reminders_plan(*, day: dt.date) -> int:
    """Write the day's reminders that are not written yet; returns how many rows the day has."""
    Reminder.objects.bulk_create(reminder_drafts(day), ignore_conflicts=True)
    return Reminder.objects.filter(day=day).count()


def reminder_notify(reminder_id: int) -> bool:
    """Create the in-app notification, once: the claim and the notification commit together."""
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, notified_at=None).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return False
        reminder = Reminder.objects.get(pk=reminder_id)
        Notification.objects.create(
            recipient_id=reminder.recipient_id,
            reminder=reminder,
            title=reminder.title,
            body=reminder.body,
        )
    return True


def reminder_email(reminder_id: int) -> bool:
    """Send the e-mail unless it was sent or another worker holds a fresh claim on it."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=EMAIL_CLAIM_SECONDS)
    claimed = (
        Reminder.objects.filter(pk=reminder_id, emailed_at=None)
        .filter(Q(email_claimed_at=None) | Q(email_claimed_at__lt=stale))
        .update(email_claimed_at=now)
    )
    if not claimed:
        return False
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    if not reminder.recipient.email:
        Reminder.objects.filter(pk=reminder_id).update(
            emailed_at=now, last_error="no e-mail address"
        )
        return False
    try:
        reminder_message(reminder).send()
    except Exception as error:
        Reminder.objects.filter(pk=reminder_id).update(
            email_claimed_at=None,
            email_attempts=reminder.email_attempts + 1,
            last_error=str(error)[:500],
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(
        emailed_at=timezone.now(), email_attempts=reminder.email_attempts + 1
    )
    return True


def reminder_message(reminder: Reminder) -> EmailMessage:
    """The e-mail of a reminder. Its Message-ID is derived from the reminder, so that in the one
    window no claim can close (a worker dying after the mail server accepted the message and
    before the row was marked) a resent message is the same message, which mail systems
    recognise as a duplicate."""
    return EmailMessage(
        subject=reminder.title,
        body=reminder.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}@{MESSAGE_ID_DOMAIN}>"},
    )


def undelivered_reminder_ids(day: dt.date) -> list[int]:
    """Reminders of the day or earlier still missing their notification or e-mail."""
    return list(
        Reminder.objects.filter(day__lte=day)
        .filter(Q(notified_at=None) | Q(emailed_at=None))
        .values_list("pk", flat=True)
    )
