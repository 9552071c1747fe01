"""Reminders delivered by a real Celery worker process over the real Redis broker: exactly one
notification and one e-mail per reminder, also when the delivery is queued twice and when the
worker is killed in the middle of a batch and the next run picks up what is left."""

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.roles import Role
from config.celery import app as celery_app
from partners.models import Notification, Reminder
from partners.services import reminders
from partners.services.engagement import follow_up_create
from partners.tasks import deliver_reminder
from tests.factories import PartnerFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2024, 3, 5)  # a Tuesday: no weekly summary
WAIT_SECONDS = 60
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(monkeypatch):
    """A queue of this test's own, so that parallel test workers never share tasks."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", name)
    return name


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mails"


def start_worker(queue: str, mail_dir: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "SECRET_KEY": "worker-test",
        "DEBUG": "0",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-Q",
        queue,
        "--pool",
        "solo",
        "--loglevel",
        "WARNING",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=30)


def wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def message_ids(mail_dir: Path) -> list[str]:
    """The Message-ID of every e-mail the worker wrote (the file backend appends them)."""
    if not mail_dir.exists():
        return []
    return [
        line.split(":", 1)[1].strip()
        for path in mail_dir.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("Message-ID:")
    ]


def mails(mail_dir: Path) -> int:
    """Distinct messages: a copy resent after a crash carries the same Message-ID."""
    return len(set(message_ids(mail_dir)))


def plan(owners: int) -> list[int]:
    for n in range(owners):
        owner = UserFactory(email=f"owner{n}@example.com", roles=[Role.STAFF])
        follow_up_create(partner=PartnerFactory(), owner=owner, due_on=DAY, action="回访")
    reminders.reminders_plan(day=DAY)
    return reminders.undelivered_reminder_ids(DAY)


def delivered() -> int:
    return Reminder.objects.exclude(notified_at=None).exclude(emailed_at=None).count()


def test_a_real_worker_delivers_each_reminder_once_even_if_queued_twice(queue, mail_dir):
    ids = plan(3)
    assert len(ids) == 3
    for reminder_id in ids + ids:
        deliver_reminder.delay(reminder_id)
    worker = start_worker(queue, mail_dir)
    try:
        assert wait_for(lambda: delivered() == 3)
        assert wait_for(lambda: mails(mail_dir) >= 3)
    finally:
        stop(worker)
    assert Notification.objects.count() == 3
    assert len(message_ids(mail_dir)) == 3  # not even a resent copy


def test_a_worker_killed_mid_batch_leaves_nothing_undelivered_or_doubled(queue, mail_dir):
    ids = plan(30)
    for reminder_id in ids:
        deliver_reminder.delay(reminder_id)
    worker = start_worker(queue, mail_dir)
    try:
        assert wait_for(lambda: delivered() >= 5)
    finally:
        stop(worker, signal.SIGKILL)
    # A claim the killed worker held on an e-mail expires after its lease; move the clock of
    # those claims past it rather than sleeping, as a later run would find them.
    expired = timezone.now() - dt.timedelta(seconds=reminders.EMAIL_CLAIM_SECONDS + 1)
    Reminder.objects.filter(emailed_at=None).exclude(email_claimed_at=None).update(
        email_claimed_at=expired
    )
    # The next run queues whatever is still undelivered, and a new worker finishes the batch.
    for reminder_id in reminders.undelivered_reminder_ids(DAY):
        deliver_reminder.delay(reminder_id)
    worker = start_worker(queue, mail_dir)
    try:
        assert wait_for(lambda: delivered() == 30), delivered()
    finally:
        stop(worker)
    assert Notification.objects.count() == 30
    assert mails(mail_dir) == 30


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    assert wait_for(
        lambda: (
            subprocess.run(  # noqa: S603
                [REDIS_CLI, "-p", str(port), "ping"], capture_output=True, check=False
            ).stdout.strip()
            == b"PONG"
        )
    )
    return process


def test_with_redis_down_the_api_answers_and_reminders_go_out_once_it_is_back(
    queue, mail_dir, tmp_path, monkeypatch, client, manager
):
    port = 6390 + int(uuid.uuid4().int % 50)
    broker = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setattr(settings, "CELERY_BROKER_URL", broker)  # for the worker process
    monkeypatch.setenv("CELERY_BROKER_URL", broker)  # for /healthz (Celery reads it first)
    redis = start_redis(port, tmp_path)
    ids = plan(2)
    redis.terminate()
    redis.wait(timeout=10)

    client.force_login(manager)
    assert client.get("/api/v1/partners/").status_code == 200
    health = client.get("/healthz").json()
    assert health["database"] == "ok"
    assert health["broker"].startswith("error")
    with pytest.raises(OperationalError), celery_app.connection_for_write(broker) as down:
        deliver_reminder.apply_async((ids[0],), connection=down, retry=False)
    assert delivered() == 0

    redis = start_redis(port, tmp_path)
    worker = start_worker(queue, mail_dir)
    try:
        with celery_app.connection_for_write(broker) as back:
            for reminder_id in reminders.undelivered_reminder_ids(DAY):
                deliver_reminder.apply_async((reminder_id,), connection=back)
        assert wait_for(lambda: delivered() == 2), delivered()
    finally:
        stop(worker)
        redis.terminate()
        redis.wait(timeout=10)
    assert Notification.objects.count() == 2
    assert mails(mail_dir) == 2
