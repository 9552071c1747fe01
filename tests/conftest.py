import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; production keeps Django's slow, safe hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sessions_refreshed_at_sign_in_only(settings):
    """A signed-in test client's session is written at sign-in and not again within the
    test, however slow the machine, so that query counts do not depend on the clock;
    tests/test_sessions.py sets the real interval back."""
    settings.SESSION_REFRESH_SECONDS = 24 * 3600


@pytest.fixture(autouse=True)
def _reports_computed_afresh(settings):
    """A test's transaction never commits, so the data version (core.data_version) never
    changes inside it: reports are computed afresh, and tests/test_report_cache.py, with real
    commits, tests the cache."""
    settings.REPORT_CACHE_SECONDS = 0


@pytest.fixture
def manager(db):
    return UserFactory(username="manager-test", roles=[Role.MANAGER])


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff-test", roles=[Role.STAFF])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root-test", is_superuser=True)


@pytest.fixture
def role_groups(db):
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def api(manager):
    """An API client signed in as a manager (all domain permissions)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(manager)
    return client
