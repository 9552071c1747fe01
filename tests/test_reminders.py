"""Reminders are written once per (recipient, kind, subject, day) and delivered once: planning
twice, planning or delivering from two processes at the same time, or a failed e-mail never
produce a duplicate and never skip one."""

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from config.celery import app as celery_app
from partners.models import Notification, Reminder
from partners.services import reminders
from partners.services.engagement import follow_up_create, interaction_record, request_raise
from partners.tasks import send_daily_reminders
from tests.factories import PartnerFactory, UserFactory

DAY = dt.date(2024, 3, 4)  # a Monday and a working day


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", email="owner@example.com", roles=[Role.STAFF])


def deliver_all(day=DAY):
    for reminder_id in reminders.undelivered_reminder_ids(day):
        reminders.reminder_notify(reminder_id)
        reminders.reminder_email(reminder_id)


@pytest.mark.django_db
def test_a_due_follow_up_gives_one_notification_and_one_email(owner):
    follow_up_create(partner=PartnerFactory(), owner=owner, due_on=DAY, action="回访")
    for _ in range(2):
        reminders.reminders_plan(day=DAY)
        deliver_all()
    digest = Reminder.objects.get(recipient=owner)
    assert (digest.kind, digest.subject) == ("digest", "daily")
    assert "今日到期的跟进事项：1" in digest.body
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]


@pytest.mark.django_db
def test_requests_near_their_deadline_are_in_the_digest(owner):
    request_raise(
        partner=PartnerFactory(),
        actor=owner,
        category="approvals",
        description="审批",
        owner=owner,
        received_on=dt.date(2024, 2, 26),
    )
    reminders.reminders_plan(day=DAY)
    assert "两个工作日内到期的诉求：1" in Reminder.objects.get(recipient=owner).body


@pytest.mark.django_db
def test_overdue_items_are_escalated_to_managers_after_five_working_days(owner):
    managers = [UserFactory(roles=[Role.MANAGER]) for _ in range(2)]
    late = follow_up_create(
        partner=PartnerFactory(), owner=owner, due_on=dt.date(2024, 2, 23), action="x"
    )
    follow_up_create(partner=PartnerFactory(), owner=owner, due_on=dt.date(2024, 2, 27), action="y")
    reminders.reminders_plan(day=DAY)
    escalations = Reminder.objects.filter(kind="escalation")
    assert {(r.recipient_id, r.subject) for r in escalations} == {
        (m.pk, f"follow-up:{late.pk}") for m in managers
    }


@pytest.mark.django_db
def test_a_late_item_is_escalated_once_on_the_working_day_it_crosses_the_mark(owner):
    manager = UserFactory(roles=[Role.MANAGER])
    tuesday = DAY + dt.timedelta(days=1)
    follow_up_create(partner=PartnerFactory(), owner=owner, due_on=dt.date(2024, 2, 23), action="x")
    crossing_tuesday = follow_up_create(
        partner=PartnerFactory(), owner=owner, due_on=dt.date(2024, 2, 26), action="y"
    )
    reminders.reminders_plan(day=DAY)
    reminders.reminders_plan(day=tuesday)
    escalated = Reminder.objects.filter(recipient=manager, kind="escalation", day=tuesday)
    assert [r.subject for r in escalated] == [f"follow-up:{crossing_tuesday.pk}"]


@pytest.mark.django_db
def test_explain_prints_the_plan_of_every_scan(owner):
    out = io.StringIO()
    call_command("send_reminders", "--explain", "--day", DAY.isoformat(), stdout=out)
    for scan in ("follow_ups", "requests", "new_visits", "late_follow_ups", "late_requests"):
        assert f"-- {scan}" in out.getvalue()
    if connection.vendor == "postgresql":
        assert "actual time" in out.getvalue()  # EXPLAIN ANALYZE
    assert not Reminder.objects.exists()


def contacted(partner, actor, day):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    interaction_record(
        partner=partner, actor=actor, kind="call", occurred_at=moment, summary="联系"
    )


@pytest.mark.django_db
def test_the_digest_names_partners_that_became_overdue_for_a_visit_since_the_last_working_day(
    owner,
):
    # DAY is a Monday: the window covers Saturday, Sunday and Monday (90-day cadence)
    crossed = {
        "周六到期": DAY - dt.timedelta(days=92),
        "周一到期": DAY - dt.timedelta(days=90),
    }
    already = PartnerFactory(name="上周五已到期", steward=owner)
    contacted(already, owner, DAY - dt.timedelta(days=93))
    for name, last in crossed.items():
        contacted(PartnerFactory(name=name, steward=owner), owner, last)
    contacted(PartnerFactory(name="周二到期", steward=owner), owner, DAY - dt.timedelta(days=89))
    reminders.reminders_plan(day=DAY)
    body = Reminder.objects.get(recipient=owner, kind="digest").body
    assert "走访逾期的伙伴：3" in body  # Friday's, Saturday's and Monday's
    assert "新增走访逾期的伙伴：周一到期、周六到期。" in body
    reminders.reminders_plan(day=DAY + dt.timedelta(days=1))
    tuesday = Reminder.objects.get(recipient=owner, day=DAY + dt.timedelta(days=1)).body
    assert "新增走访逾期的伙伴：周二到期。" in tuesday


@pytest.mark.django_db
def test_a_steward_with_only_long_overdue_partners_gets_no_daily_digest(owner):
    contacted(PartnerFactory(steward=owner), owner, DAY - dt.timedelta(days=200))
    PartnerFactory(steward=owner, joined_on=DAY - dt.timedelta(days=10))  # new, not yet due
    reminders.reminders_plan(day=DAY)
    assert not Reminder.objects.filter(recipient=owner).exists()


@pytest.mark.django_db
def test_the_weekly_summary_goes_to_managers_on_mondays_only():
    manager = UserFactory(roles=[Role.MANAGER])
    reminders.reminders_plan(day=DAY + dt.timedelta(days=1))
    assert not Reminder.objects.filter(kind="weekly_summary").exists()
    reminders.reminders_plan(day=DAY)
    assert Reminder.objects.get(kind="weekly_summary").recipient == manager


@pytest.mark.django_db
def test_a_failed_email_is_retried_later_and_sent_once(owner, settings):
    follow_up_create(partner=PartnerFactory(), owner=owner, due_on=DAY, action="回访")
    reminders.reminders_plan(day=DAY)
    reminder = Reminder.objects.get()
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    with pytest.raises(OSError, match="mail server down"):
        reminders.reminder_email(reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.emailed_at, reminder.email_claimed_at, reminder.email_attempts) == (
        None,
        None,
        1,
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.reminder_email(reminder.pk) is True
    assert reminders.reminder_email(reminder.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_taken_over_after_the_lease(owner):
    follow_up_create(partner=PartnerFactory(), owner=owner, due_on=DAY, action="回访")
    reminders.reminders_plan(day=DAY)
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(email_claimed_at=timezone.now())
    assert reminders.reminder_email(reminder.pk) is False  # another worker holds it
    expired = timezone.now() - dt.timedelta(seconds=reminders.EMAIL_CLAIM_SECONDS + 1)
    Reminder.objects.filter(pk=reminder.pk).update(email_claimed_at=expired)
    assert reminders.reminder_email(reminder.pk) is True
    assert len(mail.outbox) == 1


def run_in_threads(target, count=2):
    errors = []

    def wrapped():
        try:
            target()
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_planning_and_delivering_from_two_processes_at_once_makes_no_duplicates(owner):
    for n in range(5):
        follow_up_create(partner=PartnerFactory(), owner=owner, due_on=DAY, action=f"回访 {n}")
    UserFactory(roles=[Role.MANAGER], email="boss@example.com")
    run_in_threads(lambda: reminders.reminders_plan(day=DAY))
    planned = Reminder.objects.count()
    assert planned == 2  # the owner's digest and the manager's weekly summary
    run_in_threads(deliver_all)
    assert Notification.objects.count() == planned
    assert len(mail.outbox) == planned


@pytest.mark.django_db
def test_dry_run_prints_and_writes_nothing(owner):
    follow_up_create(partner=PartnerFactory(), owner=owner, due_on=DAY, action="回访")
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--day", DAY.isoformat(), stdout=out)
    assert "digest" in out.getvalue()
    assert "1 reminder(s) for 2024-03-04" in out.getvalue()
    assert not Reminder.objects.exists()
    call_command("send_reminders", "--day", DAY.isoformat(), stdout=io.StringIO())
    assert Notification.objects.count() == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2024-02-12 08:30 +0800", 0),  # Spring Festival holiday: nothing is sent
        ("2024-02-18 08:30 +0800", 1),  # a Sunday worked in exchange: the digest goes out
    ],
)
def test_the_daily_run_follows_the_working_day_calendar(owner, monkeypatch, moment, expected):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # deliver in this process
    with time_machine.travel(moment, tick=False):
        due = timezone.localdate()
        follow_up_create(partner=PartnerFactory(), owner=owner, due_on=due, action="回访")
        assert send_daily_reminders() == expected
    assert Notification.objects.count() == expected


@pytest.mark.django_db
def test_the_daily_run_can_be_given_a_day(owner, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    follow_up_create(partner=PartnerFactory(), owner=owner, due_on=DAY, action="回访")
    assert send_daily_reminders(DAY.isoformat()) == 1
    assert Notification.objects.get().reminder.day == DAY
