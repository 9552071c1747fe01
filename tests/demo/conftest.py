"""Tests that run on the whole demo data set. It takes tens of seconds to load, so it is loaded
once for this package, in a transaction rolled back at the end (each test runs in a savepoint
inside it), and the package's tests run together on one test worker (xdist group "demo")."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/demo/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
