"""The idle timeout of signed-in sessions: the expiry moves forward with use, at most one write
a minute, and a session left idle for longer than its age ends."""

import datetime as dt
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import api_token_create
from core.web.sessions import REFRESHED_AT, SessionRefreshMiddleware, stamp_session
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _the_real_interval(settings):
    settings.SESSION_REFRESH_SECONDS = 60


def session_writes(client, path="/") -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return [q["sql"] for q in context.captured_queries if q["sql"].startswith("UPDATE")]


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def refreshed_long_ago(client, seconds: int) -> None:
    """As if the session had last been refreshed ``seconds`` ago, its expiry with it."""
    session = client.session
    session[REFRESHED_AT] = int(time.time()) - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    )


def test_the_idle_timeout_is_thirty_minutes_refreshed_at_most_once_a_minute():
    from config import settings as project

    assert project.SESSION_COOKIE_AGE == 30 * 60
    assert project.SESSION_REFRESH_SECONDS == 60
    assert not getattr(project, "SESSION_SAVE_EVERY_REQUEST", False)


def test_pages_within_the_minute_of_signing_in_do_not_write_the_session(client, staff_user):
    client.force_login(staff_user)  # signing in saves the session, stamped
    assert session_writes(client) == []
    assert session_writes(client) == []


def test_signing_in_over_another_persons_session_stamps_the_new_one(client, staff_user):
    """The session is flushed and saved afresh at sign-in: stamped then, it needs no write on
    the next page."""
    client.force_login(UserFactory())
    client.force_login(staff_user)

    assert REFRESHED_AT in client.session
    assert session_writes(client) == []


def test_a_stamp_at_sign_in_needs_a_session_to_stamp():
    request = RequestFactory().get("/")
    request.session = SessionStore()

    stamp_session(sender=None, request=request, user=None)

    assert request.session.is_empty()


def test_a_page_after_the_minute_pushes_the_expiry_forward(client, staff_user):
    client.force_login(staff_user)
    refreshed_long_ago(client, 10 * 60)
    before = stored(client).expire_date

    writes = session_writes(client)

    assert any("django_session" in sql for sql in writes)
    after = stored(client).expire_date
    assert after - before > dt.timedelta(minutes=9)
    assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_session_idle_for_longer_than_its_age_is_signed_out(client, staff_user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(staff_user)
        clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))

        response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_person_at_work_stays_signed_in_past_the_timeout(client, staff_user):
    """A page every 20 minutes for an hour: each refresh moves the 30-minute expiry on."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(staff_user)
        for _page in range(3):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/").status_code == 200


def test_a_session_saved_for_another_reason_is_stamped_with_that_save(staff_user):
    """Its save pushed the expiry forward already: the next page within the minute need not
    write it again."""
    session = SessionStore()
    session[SESSION_KEY] = str(staff_user.pk)
    session[REFRESHED_AT] = int(time.time()) - 10  # refreshed 10 seconds ago: not due
    session.save()
    session["something"] = "changed by the page"
    request = RequestFactory().get("/")
    request.session = session

    SessionRefreshMiddleware(lambda request: None)(request)

    assert session[REFRESHED_AT] >= int(time.time()) - 1


def test_a_signed_out_persons_next_page_creates_no_session(client, staff_user):
    client.force_login(staff_user)
    client.post("/accounts/logout/")

    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert not Session.objects.exists()


def test_an_anonymous_session_is_never_refreshed(client):
    session = client.session
    session["something"] = "kept"
    session.save()

    assert session_writes(client, "/accounts/login/") == []


def test_an_api_request_with_a_token_creates_no_session(client, manager):
    _token, key = api_token_create(user=manager)

    response = client.get("/api/v1/partners/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
