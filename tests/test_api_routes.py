"""Walks every route of the API router: anonymous callers get 401 everywhere, every declared
ordering works both ways, and the simple filters of each resource select what they say."""

import pytest
from rest_framework.test import APIClient

from chains.models import TargetCompany
from config.api import router
from partners.models import Recognition
from tests.factories import (
    AppointmentFactory,
    CarrierFactory,
    ChainFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REGISTRY = [(prefix, viewset) for prefix, viewset, _basename in router.registry]


@pytest.mark.parametrize(("prefix", "viewset"), REGISTRY, ids=[p for p, _v in REGISTRY])
def test_anonymous_callers_get_401_on_every_route(prefix, viewset):
    client = APIClient()
    lookup = "nokey" if prefix == "tokens" else "1"
    for method in ("get", "post"):
        assert getattr(client, method)(f"/api/v1/{prefix}/").status_code == 401
    has_detail_route = any(hasattr(viewset, name) for name in ("retrieve", "destroy"))
    for method in ("get", "put", "patch", "delete") if has_detail_route else ():
        response = getattr(client, method)(f"/api/v1/{prefix}/{lookup}/")
        assert response.status_code in {401, 405}, (prefix, method)
        if response.status_code == 401:
            assert response.json()["code"] == "not_authenticated"


ORDERED = [(p, f) for p, v in REGISTRY for f in getattr(v, "ordering_fields", None) or ()]


@pytest.mark.parametrize(("prefix", "field"), ORDERED, ids=[f"{p}-{f}" for p, f in ORDERED])
def test_every_declared_ordering_works_both_ways(api, prefix, field):
    for ordering in (field, f"-{field}"):
        response = api.get(f"/api/v1/{prefix}/", {"ordering": ordering})
        assert response.status_code == 200, (prefix, ordering, response.json())


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_contact_filters(api):
    partner = PartnerFactory()
    primary = ContactFactory(partner=partner, is_primary=True, name="孙颖")
    other = ContactFactory(partner=partner)
    ContactFactory()
    assert ids(api.get("/api/v1/contacts/", {"partner": partner.pk})) == {primary.pk, other.pk}
    assert primary.pk in ids(api.get("/api/v1/contacts/", {"is_primary": "true"}))
    assert ids(api.get("/api/v1/contacts/", {"q": "孙"})) == {primary.pk}


def test_carrier_filters(api):
    zone = CarrierFactory(kind="zone")
    building = CarrierFactory(zone=zone, is_featured=True)
    park = CarrierFactory(kind="park")
    assert ids(api.get("/api/v1/carriers/", {"kind": "park"})) == {park.pk}
    assert ids(api.get("/api/v1/carriers/", {"zone": zone.pk})) == {building.pk}
    assert ids(api.get("/api/v1/carriers/", {"is_featured": "true"})) == {building.pk}


def test_recognition_filters(api):
    partner = PartnerFactory()
    first = Recognition.objects.create(
        partner=partner, year=2024, title="贡献突出市场主体", category="partner"
    )
    second = Recognition.objects.create(
        partner=PartnerFactory(), year=2025, title="贡献突出市场主体", category="chain_leader"
    )
    assert ids(api.get("/api/v1/recognitions/", {"year": 2024})) == {first.pk}
    assert ids(api.get("/api/v1/recognitions/", {"category": "chain_leader"})) == {second.pk}
    assert ids(api.get("/api/v1/recognitions/", {"partner": partner.pk})) == {first.pk}


def test_industry_chain_and_segment_filters(api):
    parent = IndustryFactory(kind="leading")
    child = IndustryFactory(kind="future", parent=parent)
    chain = ChainFactory(industry=parent)
    ChainFactory()
    segment = SegmentFactory(chain=chain)
    SegmentFactory()
    assert ids(api.get("/api/v1/industries/", {"parent": parent.pk})) == {child.pk}
    assert child.pk in ids(api.get("/api/v1/industries/", {"kind": "future"}))
    assert ids(api.get("/api/v1/chains/", {"industry": parent.pk})) == {chain.pk}
    assert ids(api.get("/api/v1/segments/", {"chain": chain.pk})) == {segment.pk}


def test_appointment_filters(api):
    appointment = AppointmentFactory(year=2024)
    other = AppointmentFactory(year=2025)
    assert ids(api.get("/api/v1/appointments/", {"year": 2024})) == {appointment.pk}
    assert ids(api.get("/api/v1/appointments/", {"chain": other.chain_id})) == {other.pk}
    assert ids(api.get("/api/v1/appointments/", {"partner": appointment.partner_id})) == {
        appointment.pk
    }


def test_target_filters(api):
    segment, owner = SegmentFactory(), UserFactory()
    mine = TargetCompany.objects.create(
        name="示例目标 甲", segment=segment, owner=owner, status="contacting"
    )
    other = TargetCompany.objects.create(name="示例目标 乙", segment=SegmentFactory())
    assert ids(api.get("/api/v1/targets/", {"chain": segment.chain_id})) == {mine.pk}
    assert ids(api.get("/api/v1/targets/", {"segment": segment.pk})) == {mine.pk}
    assert ids(api.get("/api/v1/targets/", {"owner": owner.pk})) == {mine.pk}
    assert ids(api.get("/api/v1/targets/", {"status": "identified"})) == {other.pk}
    assert ids(api.get("/api/v1/targets/", {"q": "甲"})) == {mine.pk}
