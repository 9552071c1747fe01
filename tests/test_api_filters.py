"""The API's filter backend builds only the filters a request's query string gives: the same
answers, the same refusals, and the browsable API's form still offers every filter."""

import datetime as dt

import pytest
from django.utils import timezone

from core.api.filters import given_filters
from partners.filters import PartnerFilter
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/partners/"


def test_only_the_filters_the_query_string_names_are_built():
    params = frozenset({"zone", "joined_after", "page_size", "ordering", "unknown"})
    narrowed = given_filters(PartnerFilter, params)
    assert set(narrowed.base_filters) == {"zone", "joined"}
    assert given_filters(PartnerFilter, params) is narrowed  # built once per set of names
    assert set(PartnerFilter.base_filters) > {"zone", "joined", "q", "status"}  # untouched


def test_given_filters_filter_and_bad_values_are_refused(api):
    early = PartnerFactory(joined_on=dt.date(2023, 5, 1), status="active")
    late = PartnerFactory(joined_on=dt.date(2024, 5, 1), status="active")
    PartnerFactory(joined_on=dt.date(2024, 6, 1), status="withdrawn")
    found = api.get(URL, {"joined_after": "2024-01-01", "status": "active"}).json()["results"]
    assert [row["id"] for row in found] == [late.pk]
    assert {row["id"] for row in api.get(URL, {"status": "active"}).json()["results"]} == {
        early.pk,
        late.pk,
    }
    refused = api.get(URL, {"joined_after": "not a date", "status": "active"})
    assert refused.status_code == 400
    assert "joined" in refused.json()["fields"]


def test_the_browsable_api_offers_every_filter(client, manager):
    client.force_login(manager)
    page = client.get(URL, {"status": "active"}, HTTP_ACCEPT="text/html").content.decode()
    assert 'name="chain_leader_year"' in page
    assert 'name="in_doubling_catalogue"' in page


def test_every_resource_declares_its_filter_set():
    """django-filter makes a new class from ``filterset_fields`` on every request, which the
    narrowed classes' cache could never serve."""
    from config.api import router

    with_fields = [
        prefix
        for prefix, viewset, _name in router.registry
        if getattr(viewset, "filterset_fields", None)
    ]
    assert with_fields == []


def test_change_requests_filter_by_status_and_partner(api, manager):
    from partners.models import PartnerChangeRequest

    first, second = PartnerFactory(), PartnerFactory()
    pending = PartnerChangeRequest.objects.create(
        partner=first, requested_by=manager, changes={"name": "新名称"}, previous={"name": "旧"}
    )
    PartnerChangeRequest.objects.create(
        partner=second,
        requested_by=manager,
        changes={},
        previous={},
        status="rejected",
        decided_by=manager,
        decided_at=timezone.now(),
        decision_reason="字段不全",
    )
    url = "/api/v1/change-requests/"
    by_status = api.get(url, {"status": "pending"}).json()["results"]
    assert [row["id"] for row in by_status] == [pending.pk]
    assert api.get(url, {"partner": second.pk}).json()["count"] == 1
    assert api.get(url, {"status": "no-such-status"}).status_code == 400
