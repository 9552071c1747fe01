"""Shared helpers of the page tests: a signed-in browser-less client per role, and the number
of SQL queries a page takes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from tests.factories import PartnerFactory, UserFactory


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_queries(client: Client, url: str, **params) -> tuple:
    """The response to GET ``url`` and the number of SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return response, len(queries)


@pytest.fixture
def staff_client(staff_user) -> Client:
    return signed_in(staff_user)


@pytest.fixture
def manager_client(manager) -> Client:
    return signed_in(manager)


@pytest.fixture
def auditor_client(db) -> Client:
    return signed_in(UserFactory(username="auditor-test", roles=[Role.AUDITOR]))


@pytest.fixture
def leader(db):
    """A chain-leader account bound to its own partner."""
    return UserFactory(username="leader-test", roles=[Role.CHAIN_LEADER], partner=PartnerFactory())


@pytest.fixture
def leader_client(leader) -> Client:
    return signed_in(leader)
