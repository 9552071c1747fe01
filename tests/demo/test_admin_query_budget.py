"""Every admin list runs the same number of SQL queries for a page of 5 rows and of 50 rows,
on the demo data set (600 partners, 65 appointments, 50 projects …)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

# The most any admin list may run; the partner list (12) is pinned in test_admin.py.
MAX_QUERIES = 12


def queries_for_page(client, model_admin, url, page_size, monkeypatch) -> tuple[int, int]:
    monkeypatch.setattr(model_admin, "list_per_page", page_size)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_admin_list_query_count_does_not_grow_with_the_page(client, superuser, model, monkeypatch):
    client.force_login(superuser)
    model_admin = admin.site._registry[model]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    small, _rows = queries_for_page(client, model_admin, url, 5, monkeypatch)
    large, rows = queries_for_page(client, model_admin, url, 50, monkeypatch)
    assert small == large, f"{url}: {small} queries for 5 rows, {large} for {rows}"
    assert large <= MAX_QUERIES
