"""The chain-leader portal: its own profile (self-service fields at once, a new name as a change
request, a stale edit caught), its requests (raise, follow, rate), its chains, and nothing of
any other partner."""

import pytest

from partners.models import EnterpriseRequest, PartnerChangeRequest
from partners.services import partner_update, request_change_status, request_raise
from tests.factories import AppointmentFactory, ContactFactory, PartnerFactory, UserFactory
from tests.web.conftest import page_queries

pytestmark = pytest.mark.django_db


def _profile(partner, version, **changes):
    return {
        "version": version,
        "name": partner.name,
        "address": partner.address,
        "introduction": partner.introduction,
        "business_scope": partner.business_scope,
        "needs": partner.needs,
        **changes,
    }


def test_the_portal_shows_its_own_partner(leader_client, leader):
    ContactFactory(partner=leader.partner, name="李秘书", phone="13912345678")
    appointment = AppointmentFactory(partner=leader.partner)
    ContactFactory(name="别家联系人")
    body = leader_client.get("/portal/").content.decode()
    assert leader.partner.name in body
    assert "李秘书" in body
    assert "13912345678" in body
    assert appointment.chain.name in body
    assert "别家联系人" not in body


def test_self_service_fields_change_at_once_and_a_new_name_waits(leader_client, leader):
    partner = leader.partner
    response = leader_client.post(
        "/portal/profile/",
        _profile(partner, partner.version, introduction="专注轨道交通装备", name="新名称有限公司"),
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.introduction == "专注轨道交通装备"
    assert partner.name != "新名称有限公司"
    change = PartnerChangeRequest.objects.get(partner=partner)
    assert change.changes == {"name": "新名称有限公司"}


def test_a_stale_profile_edit_is_caught(leader_client, leader, manager):
    partner = leader.partner
    seen = partner.version
    partner_update(partner=partner, actor=manager, address="经理改的地址")
    response = leader_client.post("/portal/profile/", _profile(partner, seen, needs="我的需求"))
    assert response.status_code == 409
    assert "我的需求" in response.content.decode()
    partner.refresh_from_db()
    assert (partner.address, partner.needs) == ("经理改的地址", "")


def test_raising_following_and_rating_a_request(leader_client, leader):
    response = leader_client.post(
        "/portal/requests/", {"category": "space", "description": "需要2000平方米研发用房"}
    )
    assert response.status_code == 302
    request = EnterpriseRequest.objects.get()
    assert (request.partner, request.raised_by) == (leader.partner, leader)
    body = leader_client.get("/portal/").content.decode()
    assert "需要2000平方米研发用房" in body
    assert f"/portal/requests/{request.pk}/rate/" not in body  # not resolved yet
    request_change_status(request=request, actor=UserFactory(), to_status="resolved")
    assert f"/portal/requests/{request.pk}/rate/" in leader_client.get("/portal/").content.decode()
    leader_client.post(f"/portal/requests/{request.pk}/rate/", {"satisfaction": 4})
    request.refresh_from_db()
    assert request.satisfaction == 4


def test_bad_input_is_refused(leader_client, leader):
    response = leader_client.post("/portal/requests/", {"category": "space", "description": ""})
    assert response.status_code == 400
    assert not EnterpriseRequest.objects.exists()
    other = request_raise(
        partner=PartnerFactory(), actor=UserFactory(), category="policy", description="别家的"
    )
    assert (
        leader_client.post(f"/portal/requests/{other.pk}/rate/", {"satisfaction": 5}).status_code
        == 404
    )
    assert "别家的" not in leader_client.get("/portal/").content.decode()


def test_the_portal_takes_a_fixed_number_of_queries(leader_client, leader):
    AppointmentFactory(partner=leader.partner, year=2019)  # prefetches run once there are rows
    _response, small = page_queries(leader_client, "/portal/")
    for n in range(5):
        ContactFactory(partner=leader.partner)
        AppointmentFactory(partner=leader.partner, year=2020 + n)
        request_raise(
            partner=leader.partner, actor=leader, category="policy", description=f"诉求{n}"
        )
    response, large = page_queries(leader_client, "/portal/")
    assert response.status_code == 200
    assert small == large


def test_only_chain_leader_accounts_have_a_portal(client, staff_client):
    assert client.get("/portal/").url.startswith("/accounts/login/")
    assert staff_client.get("/portal/").status_code == 403
    assert staff_client.post("/portal/requests/", {"category": "space"}).status_code == 403
