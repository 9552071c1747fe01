"""Every API list runs the same number of SQL queries for 5 rows as for 50, and every list and
detail stays within the maximum the README documents; an endpoint missing there fails."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.api import router

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `/api/v1/([\w/-]+)/` \| (\d+) \| (\d+|—) \|$", re.MULTILINE)


def documented_budget() -> dict[str, tuple[int, int | None]]:
    rows = ROW.findall(README.read_text(encoding="utf-8"))
    return {name: (int(lst), None if det == "—" else int(det)) for name, lst, det in rows}


def count(client, url, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(context.captured_queries), response.json()


PREFIXES = [prefix for prefix, _viewset, _basename in router.registry]


def test_every_endpoint_has_a_documented_budget():
    assert set(PREFIXES) == set(documented_budget())


@pytest.mark.parametrize("prefix", PREFIXES)
def test_list_and_detail_query_counts(client, manager, prefix):
    client.force_login(manager)
    list_budget, detail_budget = documented_budget()[prefix]
    url = f"/api/v1/{prefix}/"
    params = {"audit": {"model": "partners.partner"}, "search": {"q": "科技"}}.get(prefix, {})
    small, _body = count(client, url, page_size=5, **params)
    large, body = count(client, url, page_size=50, **params)
    assert small == large <= list_budget, (small, large, list_budget)
    if detail_budget is None:
        return
    rows = body["results"]
    assert len(rows) >= 2, f"the demo data set has too few {prefix} to compare"
    first, _ = count(client, f"{url}{rows[0]['id']}/")
    last, _ = count(client, f"{url}{rows[-1]['id']}/")
    assert first == last <= detail_budget, (first, last, detail_budget)


# A partner search adds an EXPLAIN and up to three lookups of the partners it finds (README).
SEARCH_EXTRA = 4


@pytest.mark.parametrize("query", ["科技", "jkkj", "交控科技", "zzzz"])
def test_a_partner_search_stays_within_its_documented_extra(client, manager, query):
    client.force_login(manager)
    list_budget, _detail = documented_budget()["partners"]
    small, _body = count(client, "/api/v1/partners/", page_size=5, q=query)
    large, _body = count(client, "/api/v1/partners/", page_size=50, q=query)
    assert small == large <= list_budget + SEARCH_EXTRA, (small, large, list_budget)
