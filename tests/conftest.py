import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import UserFactory


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
