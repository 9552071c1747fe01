"""Login lockout, session expiry and password rules."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.8",
    )


def test_five_failures_lock_the_account_for_thirty_minutes(client):
    UserFactory(username="zhangsan", password="a-long-test-password")
    for _ in range(4):
        assert login(client, "zhangsan", "wrong").status_code == 200
    assert login(client, "zhangsan", "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, "zhangsan", "a-long-test-password")
    assert locked.status_code == 429
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60


def test_a_correct_login_before_the_limit_works_and_resets_the_count(client):
    UserFactory(username="lisi", password="a-long-test-password")
    for _ in range(4):
        login(client, "lisi", "wrong")
    assert login(client, "lisi", "a-long-test-password").status_code == 302


def test_sessions_expire_after_thirty_idle_minutes_and_cookies_are_protected():
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # the idle timeout: tests/test_sessions.py
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SECURE is (not settings.DEBUG)
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
