import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; production keeps Django's slow, safe hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
