"""Lists count their rows only up to LIST_COUNT_LIMIT: exact below it, "more than" above it,
with pages that reach the limit (core/pagination.py)."""

import pytest

from tests.factories import PartnerFactory
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_partners(settings):
    settings.LIST_COUNT_LIMIT = 5
    return [PartnerFactory(name=f"测试企业{n}有限公司") for n in range(7)]


def test_a_list_within_the_limit_counts_exactly(api, settings):
    settings.LIST_COUNT_LIMIT = 5
    for n in range(5):
        PartnerFactory(name=f"测试企业{n}有限公司")
    body = api.get("/api/v1/partners/").json()
    assert (body["count"], body["count_exact"]) == (5, True)


def test_a_list_past_the_limit_says_so_and_pages_up_to_it(api, seven_partners):
    first = api.get("/api/v1/partners/", {"page_size": 2}).json()
    assert (first["count"], first["count_exact"]) == (5, False)
    last = api.get("/api/v1/partners/", {"page_size": 2, "page": 3}).json()
    assert [row["name"] for row in last["results"]] == ["测试企业4有限公司"]
    assert last["next"] is None
    past = api.get("/api/v1/partners/", {"page_size": 2, "page": 4})
    assert past.status_code == 404


def test_a_search_past_the_limit_is_counted_the_same_way(api, seven_partners):
    body = api.get("/api/v1/partners/", {"q": "测试"}).json()
    assert (body["count"], body["count_exact"]) == (5, False)
    narrowed = api.get("/api/v1/partners/", {"q": "测试企业6"}).json()
    assert (narrowed["count"], narrowed["count_exact"]) == (1, True)


def test_the_list_page_says_more_than_the_limit(staff_user, seven_partners):
    body = signed_in(staff_user).get("/partners/").content.decode()
    assert "超过 5 家" in body
    assert "测试企业4有限公司" in body


def test_the_schema_documents_whether_the_count_is_exact(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    page = schema["components"]["schemas"]["PaginatedPartnerListList"]
    assert page["properties"]["count_exact"]["type"] == "boolean"
    assert "count_exact" in page["required"]
