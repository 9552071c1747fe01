"""The idle timeout of signed-in sessions: the expiry moves forward with use, at most one write
a minute, and a session left idle for longer than its age ends."""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import api_token_create
from core.web.sessions import REFRESHED_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_pages_within_the_minute_of_signing_in_do_not_write_the_session(client, staff_user):
    client.force_login(staff_user)  # signing in saves the session, stamped
    assert session_writes(client) == []
    assert session_writes(client) == []


def test_signing_in_through_the_form_stamps_the_session(client):
    UserFactory(username="wangwu", password="a-long-test-password")
    response = client.post(
        "/accounts/login/", {"username": "wangwu", "password": "a-long-test-password"}
    )

    assert response.status_code == 302
    assert client.session[REFRESHED_AT] >= int(time.time()) - 5


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
    client.force_login(staff_user)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_api_request_with_a_token_creates_no_session(client, manager):
    _token, key = api_token_create(user=manager)

    response = client.get("/api/v1/partners/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
