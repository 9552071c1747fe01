"""The reference and roster resources: each can be created, read, listed, filtered and edited
with its version; the rules of their services hold through the API."""

import pytest
from rest_framework.test import APIClient

from chains.models import WorkCampMembership
from tests.factories import (
    AppointmentFactory,
    CarrierFactory,
    ChainFactory,
    EventFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    sample_code,
)

pytestmark = pytest.mark.django_db


def payloads():
    """(resource, payload builder, field to edit) for each writable resource."""
    return {
        "industries": (lambda: {"name": "低空经济", "kind": "future"}, "name"),
        "chains": (lambda: {"name": "低空经济产业链", "industry_id": IndustryFactory().pk}, "name"),
        "segments": (
            lambda: {"chain_id": ChainFactory().pk, "name": "低空制造", "position": 1},
            "name",
        ),
        "appointments": (
            lambda: {
                "partner_id": PartnerFactory().pk,
                "chain_id": ChainFactory().pk,
                "year": 2025,
            },
            "note",
        ),
        "work-camps": (
            lambda: {
                "name": "低空经济产业工作营",
                "industry_id": IndustryFactory().pk,
                "lead_department": "区发改委",
            },
            "lead_department",
        ),
        "targets": (
            lambda: {
                "name": "示例目标企业",
                "segment_id": SegmentFactory().pk,
                "uscc": sample_code(3),
            },
            "note",
        ),
        "contacts": (
            lambda: {"partner_id": PartnerFactory().pk, "name": "张三", "phone": "010-63812345"},
            "title",
        ),
        "tags": (lambda: {"name": "瞪羚"}, "description"),
        "carriers": (lambda: {"name": "丽泽SOHO", "kind": "building"}, "address"),
        "recognitions": (
            lambda: {
                "partner_id": PartnerFactory().pk,
                "year": 2024,
                "title": "贡献突出市场主体",
                "category": "partner",
            },
            "title",
        ),
        "events": (
            lambda: {"name": "2024年大会", "date": "2024-04-23", "kind": "conference"},
            "location",
        ),
    }


@pytest.mark.parametrize("resource", list(payloads()))
def test_create_read_list_and_edit_with_version(api, resource):
    build, field = payloads()[resource]
    created = api.post(f"/api/v1/{resource}/", build(), format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/{resource}/{created.json()['id']}/"
    assert api.get(url).status_code == 200
    assert api.get(f"/api/v1/{resource}/").json()["count"] == 1
    edited = api.patch(url, {field: "新值"}, format="json", HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200, edited.json()
    assert edited.json()["version"] == 2
    assert api.patch(url, {field: "旧值"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412


def test_appointment_for_a_withdrawn_partner_is_refused(api):
    partner = PartnerFactory(status="withdrawn")
    response = api.post(
        "/api/v1/appointments/",
        {"partner_id": partner.pk, "chain_id": ChainFactory().pk, "year": 2024},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["partner"][0]["code"] == "partner_withdrawn"


def test_duplicate_appointment_is_a_conflict(api):
    appointment = AppointmentFactory()
    response = api.post(
        "/api/v1/appointments/",
        {"partner_id": appointment.partner_id, "chain_id": appointment.chain_id, "year": 2024},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_industry_cycles_are_refused(api):
    parent = IndustryFactory()
    child = IndustryFactory(parent=parent)
    response = api.patch(f"/api/v1/industries/{parent.pk}/", {"parent_id": child.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["parent"][0]["code"] == "industry_cycle"


def test_an_industry_in_use_cannot_be_deleted(api):
    industry = IndustryFactory()
    ChainFactory(industry=industry)
    response = api.delete(f"/api/v1/industries/{industry.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"


def test_target_company_code_is_validated(api):
    response = api.post(
        "/api/v1/targets/",
        {"name": "目标", "segment_id": SegmentFactory().pk, "uscc": "914403001922038217"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["uscc"][0]["code"] == "uscc_check_digit"


def test_contact_phone_is_validated_and_a_new_primary_takes_over(api):
    partner = PartnerFactory()
    bad = api.post("/api/v1/contacts/", {"partner_id": partner.pk, "name": "甲", "phone": "123"})
    assert bad.json()["fields"]["phone"][0]["code"] == "phone_invalid"
    first = api.post(
        "/api/v1/contacts/", {"partner_id": partner.pk, "name": "甲", "is_primary": True}
    )
    second = api.post(
        "/api/v1/contacts/", {"partner_id": partner.pk, "name": "乙", "is_primary": True}
    )
    assert second.status_code == 201
    assert api.get(f"/api/v1/contacts/{first.json()['id']}/").json()["is_primary"] is False


def test_carrier_zone_must_be_a_zone(api):
    building = CarrierFactory()
    response = api.post(
        "/api/v1/carriers/",
        {"name": "楼", "kind": "building", "zone_id": building.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "zone_id" in response.json()["fields"]


def test_work_camp_members_are_added_listed_and_removed(api):
    camp = api.post(
        "/api/v1/work-camps/",
        {
            "name": "轨道交通产业工作营",
            "industry_id": IndustryFactory().pk,
            "lead_department": "丰台园",
        },
        format="json",
    ).json()
    partner = PartnerFactory()
    url = f"/api/v1/work-camps/{camp['id']}/members/"
    added = api.post(url, {"partner_id": partner.pk, "role": "chain_leader"}, format="json")
    assert added.status_code == 201
    assert added.json()["memberships"][0]["partner"]["id"] == partner.pk
    assert api.post(url, {"partner_id": partner.pk}, format="json").status_code == 409
    listing = api.get("/api/v1/work-camps/", {"member": partner.pk}).json()
    assert listing["results"][0]["member_count"] == 1
    assert api.delete(f"{url}{partner.pk}/").status_code == 204
    assert not WorkCampMembership.objects.exists()
    assert api.delete(f"{url}{partner.pk}/").status_code == 404


def test_events_filter_by_date_range(api):
    early, late = EventFactory(date="2023-03-30"), EventFactory(date="2024-04-23")
    response = api.get("/api/v1/events/", {"date_after": "2024-01-01"})
    assert [e["id"] for e in response.json()["results"]] == [late.pk]
    assert early.pk not in [e["id"] for e in response.json()["results"]]


def test_staff_may_read_reference_data_but_not_change_it(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    assert client.get("/api/v1/industries/").status_code == 200
    response = client.post("/api/v1/industries/", {"name": "x", "kind": "future"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
