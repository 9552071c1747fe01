"""A real Celery worker, over the real Redis broker and cache, refreshes the reports after a
change: the worker knows every report (registered when the apps load, not by the URLs), and
what it caches is what the web process then serves without computing anything."""

import environ
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from core.report_cache import is_cached
from core.reports import REPORTS
from core.tasks import refresh_reports
from tests.factories import PartnerFactory, UserFactory
from tests.test_reminders_worker import queue, start_worker, stop, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_cache(settings, monkeypatch):
    """A Redis database of this test's own (no other test uses 12), named to the worker by
    ``CACHE_URL``."""
    url = "redis://127.0.0.1:6379/12"
    monkeypatch.setenv("CACHE_URL", url)
    settings.CACHES = {"default": environ.Env.cache_url_config(url)}
    settings.REPORT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


def cached(user, key: str) -> bool:
    return is_cached(key, user, REPORTS[key].parameters({}))


def test_a_worker_refreshes_every_report_for_the_web(shared_cache, queue, tmp_path):  # noqa: F811
    UserFactory(roles=[Role.MANAGER])
    staff = UserFactory(roles=[Role.STAFF])
    client = APIClient()
    client.force_authenticate(staff)
    PartnerFactory()
    client.get("/api/v1/reports/overview/")
    assert cached(staff, "overview")
    PartnerFactory()  # a change: nothing cached for it yet
    assert not any(cached(staff, key) for key in REPORTS)
    refresh_reports.delay()
    worker = start_worker(queue, tmp_path)
    try:
        assert wait_for(lambda: all(cached(staff, key) for key in REPORTS))
    finally:
        stop(worker)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/reports/overview/").json()
    assert body["figures"]["partners"] == 2
    assert not any("partners_partner" in query["sql"] for query in queries)
