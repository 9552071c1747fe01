"""The partner resource: round trip, every filter, Chinese search, ordering, nested detail and
safe concurrent edits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from chains.models import Industry
from partners.models import Carrier, Partner
from tests.factories import (
    AppointmentFactory,
    CarrierFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
    sample_code,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/partners/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_round_trip_create_read_filter_update_delete(api):
    rail = IndustryFactory(name="轨道交通")
    created = api.post(
        URL,
        {
            "uscc": f" {sample_code(1).lower()} ",
            "name": "北京示例轨道交通科技有限公司",
            "short_name": "示例轨交",
            "organisation_type": "private",
            "joined_on": "2024-01-02",
            "industry_ids": [rail.pk],
            "registered_capital": "1000.50",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["uscc"] == sample_code(1)
    assert body["industries"] == [{"id": rail.pk, "name": "轨道交通", "kind": "leading"}]
    assert created.headers["ETag"] == '"1"'
    url = f"{URL}{body['id']}/"

    assert api.get(url).json()["name"] == "北京示例轨道交通科技有限公司"
    assert ids(api.get(URL, {"industry": rail.pk})) == {body["id"]}

    updated = api.patch(url, {"short_name": "示例"}, format="json", HTTP_IF_MATCH='"1"')
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert updated.headers["ETag"] == '"2"'

    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert Partner.objects.get().archived_at is not None
    assert ids(api.get(URL)) == set()
    assert ids(api.get(URL, {"archived": "true"})) == {body["id"]}


def test_two_clients_editing_the_same_partner_never_overwrite_each_other(manager, staff_user):
    partner = PartnerFactory(name="原名称有限公司")
    first, second = APIClient(), APIClient()
    first.force_authenticate(manager)
    second.force_authenticate(manager)
    url = f"{URL}{partner.pk}/"
    version = first.get(url).json()["version"]
    assert second.get(url).headers["ETag"] == f'"{version}"'

    assert first.patch(url, {"name": "甲改的名称"}, HTTP_IF_MATCH=f'"{version}"').status_code == 200
    stale = second.patch(url, {"name": "乙改的名称"}, HTTP_IF_MATCH=f'"{version}"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["current_version"] == version + 1
    partner.refresh_from_db()
    assert partner.name == "甲改的名称"


def test_version_in_the_body_is_checked_too(api):
    partner = PartnerFactory()
    url = f"{URL}{partner.pk}/"
    assert api.patch(url, {"name": "新", "version": 1}).status_code == 200
    assert api.patch(url, {"name": "旧", "version": 1}).status_code == 412


def test_delete_with_a_stale_version_changes_nothing(api):
    partner = PartnerFactory()
    api.patch(f"{URL}{partner.pk}/", {"name": "改过"})
    assert api.delete(f"{URL}{partner.pk}/", HTTP_IF_MATCH='"1"').status_code == 412
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_an_archived_partner_is_restored_by_a_manager(api):
    partner = PartnerFactory()
    assert api.delete(f"{URL}{partner.pk}/").status_code == 204
    assert api.delete(f"{URL}{partner.pk}/").json()["code"] == "already_archived"
    restored = api.post(f"{URL}{partner.pk}/restore/")
    assert restored.status_code == 200
    assert restored.json()["archived_at"] is None
    assert ids(api.get(URL)) == {partner.pk}
    assert api.post(f"{URL}{partner.pk}/restore/").json()["code"] == "not_archived"


def test_staff_cannot_use_the_check_character_override(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    data = {
        "uscc": "914403001922038217",
        "name": "x",
        "organisation_type": "private",
        "joined_on": "2024-01-01",
        "override_check_digit": True,
    }
    response = client.post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["uscc"][0]["code"] == "uscc_override_forbidden"


def test_detail_carries_contacts_tags_carrier_steward_and_current_appointments(api):
    steward = UserFactory(full_name="王管家")
    carrier = CarrierFactory(name="丰台创新中心")
    tag = TagFactory(name="国家高新技术企业")
    partner = PartnerFactory(carrier=carrier, steward=steward, tags=[tag])
    ContactFactory(partner=partner, name="孙颖", is_primary=True)
    old = AppointmentFactory(partner=partner, year=2023)
    current = AppointmentFactory(partner=partner, year=2024)
    body = api.get(f"{URL}{partner.pk}/").json()
    assert [c["name"] for c in body["contacts"]] == ["孙颖"]
    assert body["tags"] == [{"id": tag.pk, "name": "国家高新技术企业"}]
    assert body["carrier"]["name"] == "丰台创新中心"
    assert body["steward"]["full_name"] == "王管家"
    assert [a["id"] for a in body["current_appointments"]] == [current.pk]
    assert old.pk not in [a["id"] for a in body["current_appointments"]]


def test_a_partner_is_found_by_its_address_whatever_list_filters_come_with_it(api):
    partner = PartnerFactory(status="active")
    answer = api.get(f"{URL}{partner.pk}/", {"status": "withdrawn", "industry": "x"})
    assert answer.status_code == 200
    assert answer.json()["id"] == partner.pk


def test_a_partners_contacts_are_masked_without_a_query_each(staff_user):
    """Whether a phone is shown depends on the contact's partner: the one being read, which
    the prefetch sets on each contact, not a query per contact."""
    client = APIClient()
    client.force_authenticate(staff_user)
    few, many = PartnerFactory(), PartnerFactory()
    ContactFactory(partner=few, phone="13812345678")
    for n in range(4):
        ContactFactory(partner=many, phone=f"1391234567{n}")

    def detail(partner):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"{URL}{partner.pk}/").json()
        return body, len(queries)

    detail(few)  # the user's roles, read once per request
    (few_body, few_queries), (many_body, many_queries) = detail(few), detail(many)
    assert few_queries == many_queries
    assert sorted(c["phone"] for c in many_body["contacts"]) == [f"139****567{n}" for n in range(4)]
    assert few_body["contacts"][0]["phone"] == "138****5678"


def test_without_any_roster_a_partner_has_no_current_appointments(api):
    partner = PartnerFactory()
    assert api.get(f"{URL}{partner.pk}/").json()["current_appointments"] == []


@pytest.mark.parametrize(
    "query", ["轨道", "中关村轨道交通", "91110106MA001", "91110106ma001", "孙颖"]
)
def test_search_by_chinese_name_code_prefix_and_contact(api, query):
    from partners.uscc import with_check_character

    partner = PartnerFactory(
        name="北京中关村轨道交通产业发展有限公司", uscc=with_check_character("91110106MA0012345")
    )
    ContactFactory(partner=partner, name="孙颖")
    PartnerFactory(name="示例商务服务有限公司 001")
    assert ids(api.get(URL, {"q": query})) == {partner.pk}


def test_filter_by_industry_includes_sub_industries(api):
    aerospace = IndustryFactory(name="航天航空")
    commercial = IndustryFactory(name="商业航天", parent=aerospace)
    parent_level = PartnerFactory(industries=[aerospace])
    child_level = PartnerFactory(industries=[commercial])
    PartnerFactory(industries=[IndustryFactory()])
    assert ids(api.get(URL, {"industry": aerospace.pk})) == {parent_level.pk, child_level.pk}
    assert ids(api.get(URL, {"industry": commercial.pk})) == {child_level.pk}


def test_filter_by_chain_segment_carrier_and_zone(api):
    segment = SegmentFactory()
    other_segment = SegmentFactory(chain=segment.chain)
    zone = CarrierFactory(kind=Carrier.Kind.ZONE, name="丽泽金融商务区")
    building = CarrierFactory(name="丽泽SOHO", zone=zone)
    in_building = PartnerFactory(carrier=building)
    in_building.segments.set([segment])
    in_zone = PartnerFactory(carrier=zone)
    in_zone.segments.set([other_segment])
    PartnerFactory()
    assert ids(api.get(URL, {"chain": segment.chain.pk})) == {in_building.pk, in_zone.pk}
    assert ids(api.get(URL, {"segment": segment.pk})) == {in_building.pk}
    assert ids(api.get(URL, {"carrier": building.pk})) == {in_building.pk}
    assert ids(api.get(URL, {"zone": zone.pk})) == {in_building.pk, in_zone.pk}


def test_filter_by_tag_steward_status_type_and_catalogue(api):
    tag, steward = TagFactory(), UserFactory()
    tagged = PartnerFactory(tags=[tag])
    stewarded = PartnerFactory(steward=steward, in_doubling_catalogue=True)
    withdrawn = PartnerFactory(status="withdrawn", organisation_type="central_soe")
    assert ids(api.get(URL, {"tag": tag.pk})) == {tagged.pk}
    assert ids(api.get(URL, {"steward": steward.pk})) == {stewarded.pk}
    assert ids(api.get(URL, {"status": "withdrawn"})) == {withdrawn.pk}
    assert ids(api.get(URL, {"status": ["withdrawn", "active"]})) == {
        tagged.pk,
        stewarded.pk,
        withdrawn.pk,
    }
    assert ids(api.get(URL, {"organisation_type": "central_soe"})) == {withdrawn.pk}
    assert ids(api.get(URL, {"in_doubling_catalogue": "true"})) == {stewarded.pk}


def test_filter_by_joined_range_roster_year_and_recognition_year(api):
    from partners.models import Recognition

    early = PartnerFactory(joined_on="2023-03-30")
    late = PartnerFactory(joined_on="2024-02-01")
    AppointmentFactory(partner=late, year=2024)
    Recognition.objects.create(
        partner=early, year=2024, title="贡献突出市场主体", category="partner"
    )
    assert ids(api.get(URL, {"joined_after": "2024-01-01"})) == {late.pk}
    assert ids(api.get(URL, {"joined_before": "2023-12-31"})) == {early.pk}
    assert ids(api.get(URL, {"chain_leader_year": 2024})) == {late.pk}
    assert ids(api.get(URL, {"chain_leader_year": 2023})) == set()
    assert ids(api.get(URL, {"recognised_year": 2024})) == {early.pk}


def test_ordering_and_pagination(api):
    for name in ("乙公司", "甲公司", "丙公司"):
        PartnerFactory(name=name)
    names = [r["name"] for r in api.get(URL, {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)
    page = api.get(URL, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3
    assert len(page["results"]) == 1
    assert page["previous"] is not None


def test_industries_can_be_set_and_replaced(api):
    first, second = IndustryFactory(), IndustryFactory()
    partner = PartnerFactory(industries=[first])
    response = api.patch(f"{URL}{partner.pk}/", {"industry_ids": [second.pk]}, format="json")
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["industries"]] == [second.pk]
    assert list(Industry.objects.get(pk=second.pk).partners.all()) == [partner]


def test_a_partner_recorded_by_staff_is_stewarded_by_it_and_stays_editable(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    data = {
        "uscc": sample_code(9),
        "name": "新来的伙伴有限公司",
        "organisation_type": "private",
        "joined_on": "2024-05-06",
    }
    created = client.post(URL, data, format="json")
    assert created.json()["steward"]["id"] == staff_user.pk
    response = client.patch(f"{URL}{created.json()['id']}/", {"address": "丰台区"}, format="json")
    assert response.status_code == 200
