"""What a chain-leader account sees and changes: its own record in full, others as a directory,
never another partner's phone, email or notes; key fields go through a change request."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from chains.models import ChainLeaderAppointment
from partners.models import Partner, PartnerChangeRequest
from tests.factories import (
    ChainFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_PHONE = "13912345678"
SECRET_EMAIL = "secret@example.com"
SECRET_NOTES = "内部备注：不对外"


@pytest.fixture
def world():
    steward = UserFactory(username="steward", roles=[Role.STAFF])
    own = PartnerFactory(name="交控科技股份有限公司", steward=steward)
    other = PartnerFactory(name="北京中关村轨道交通产业发展有限公司", notes=SECRET_NOTES)
    ContactFactory(partner=other, name="孙颖", phone=SECRET_PHONE, email=SECRET_EMAIL)
    ContactFactory(partner=own, name="自己人", phone="13800001111", is_primary=True)
    leader = UserFactory(username="leader", roles=[Role.CHAIN_LEADER], partner=own, is_staff=False)
    chain = ChainFactory()
    ChainLeaderAppointment.objects.create(partner=own, chain=chain, year=2024)
    client = APIClient()
    client.force_authenticate(leader)
    return {"client": client, "own": own, "other": other, "steward": steward, "leader": leader}


def body_text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def assert_no_secrets(response):
    text = body_text(response)
    for secret in (SECRET_PHONE, SECRET_EMAIL, SECRET_NOTES, "孙颖"):
        assert secret not in text, (secret, text[:300])


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/partners/",
        "/api/v1/partners/?q=轨道",
        "/api/v1/partners/?q=孙颖",
        "/api/v1/partners/?q=13912345678",
        "/api/v1/contacts/",
        "/api/v1/contacts/?q=孙",
    ],
)
def test_lists_and_searches_never_carry_other_partners_private_data(world, url):
    response = world["client"].get(url)
    assert response.status_code == 200
    assert_no_secrets(response)


def test_search_by_a_contact_name_does_not_reveal_which_partner_has_it(world):
    response = world["client"].get("/api/v1/partners/", {"q": "孙颖"})
    assert response.json()["count"] == 0


def test_other_partner_detail_is_the_directory_entry_only(world):
    response = world["client"].get(f"/api/v1/partners/{world['other'].pk}/")
    assert response.status_code == 200
    assert set(response.json()) == {
        "id",
        "name",
        "short_name",
        "industries",
        "segments",
        "carrier",
        "tags",
    }
    assert_no_secrets(response)


def test_other_partners_contacts_are_invisible_and_answer_404(world):
    contact = world["other"].contacts.get()
    for method in ("get", "patch", "delete"):
        response = getattr(world["client"], method)(f"/api/v1/contacts/{contact.pk}/")
        assert response.status_code == 404
        assert_no_secrets(response)


def test_errors_do_not_leak_other_partners_data(world):
    client = world["client"]
    for response in (
        client.patch(f"/api/v1/partners/{world['other'].pk}/", {"notes": "x"}),
        client.post("/api/v1/contacts/", {"partner_id": world["other"].pk, "name": "x"}),
        client.get("/api/v1/partners/", {"steward": world["steward"].pk}),
    ):
        assert response.status_code in {200, 403}
        assert_no_secrets(response)


def test_own_record_is_complete_with_full_phone_numbers(world):
    response = world["client"].get(f"/api/v1/partners/{world['own'].pk}/")
    body = response.json()
    assert body["contacts"][0]["phone"] == "13800001111"
    assert "notes" in body


def test_plain_fields_change_at_once(world):
    url = f"/api/v1/partners/{world['own'].pk}/"
    response = world["client"].patch(
        url, {"address": "丰台区汉威国际广场", "needs": "寻找信号控制配套"}
    )
    assert response.status_code == 200
    world["own"].refresh_from_db()
    assert world["own"].address == "丰台区汉威国际广场"
    assert world["own"].needs == "寻找信号控制配套"
    assert not PartnerChangeRequest.objects.exists()


def test_fields_outside_self_service_are_refused(world):
    url = f"/api/v1/partners/{world['own'].pk}/"
    response = world["client"].patch(url, {"notes": "x", "status": "withdrawn"})
    assert response.status_code == 403
    assert response.json()["code"] == "field_not_editable"
    assert response.json()["fields"] == ["notes", "status"]


def test_key_fields_become_a_change_request_and_old_values_stand(world):
    url = f"/api/v1/partners/{world['own'].pk}/"
    industry = IndustryFactory(name="轨道交通")
    response = world["client"].patch(
        url,
        {"name": "交控科技（新名称）股份有限公司", "industry_ids": [industry.pk]},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "交控科技股份有限公司"
    pending = body["pending_change_request"]
    assert pending["status"] == "pending"
    assert pending["changes"] == {
        "name": "交控科技（新名称）股份有限公司",
        "industries": [industry.pk],
    }
    again = world["client"].patch(url, {"name": "又一个名字"})
    assert again.status_code == 409
    assert again.json()["code"] == "change_request_pending"


def test_steward_approves_and_the_values_apply(world):
    world["client"].patch(
        f"/api/v1/partners/{world['own'].pk}/", {"name": "交控科技新名称有限公司"}
    )
    request = PartnerChangeRequest.objects.get()
    steward = APIClient()
    steward.force_authenticate(world["steward"])
    response = steward.post(f"/api/v1/change-requests/{request.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert Partner.objects.get(pk=world["own"].pk).name == "交控科技新名称有限公司"
    assert steward.post(f"/api/v1/change-requests/{request.pk}/approve/").status_code == 409


def test_rejection_needs_a_reason_and_the_requester_sees_it(world):
    world["client"].patch(
        f"/api/v1/partners/{world['own'].pk}/", {"organisation_type": "central_soe"}
    )
    request = PartnerChangeRequest.objects.get()
    steward = APIClient()
    steward.force_authenticate(world["steward"])
    url = f"/api/v1/change-requests/{request.pk}/reject/"
    assert steward.post(url, {"reason": ""}).status_code == 400
    assert steward.post(url, {"reason": "以营业执照为准"}).status_code == 200
    mine = world["client"].get("/api/v1/change-requests/").json()["results"]
    assert [(r["status"], r["decision_reason"]) for r in mine] == [("rejected", "以营业执照为准")]
    assert Partner.objects.get(pk=world["own"].pk).organisation_type == "private"


def test_a_steward_of_another_partner_cannot_decide(world):
    world["client"].patch(f"/api/v1/partners/{world['own'].pk}/", {"name": "新名称有限公司"})
    request = PartnerChangeRequest.objects.get()
    stranger = APIClient()
    stranger.force_authenticate(UserFactory(roles=[Role.STAFF]))
    assert stranger.post(f"/api/v1/change-requests/{request.pk}/approve/").status_code == 404


def test_a_chain_leader_sees_only_its_own_chains(world):
    ChainFactory(name="别人的产业链")
    names = [c["name"] for c in world["client"].get("/api/v1/chains/").json()["results"]]
    assert "别人的产业链" not in names
    assert len(names) == 1


def test_phones_are_masked_for_staff_who_do_not_steward_the_partner(world):
    stranger = APIClient()
    stranger.force_authenticate(UserFactory(roles=[Role.STAFF]))
    contact = world["other"].contacts.get()
    assert stranger.get(f"/api/v1/contacts/{contact.pk}/").json()["phone"] == "139****5678"
    steward_partner = PartnerFactory(steward=world["steward"])
    own_contact = ContactFactory(partner=steward_partner, phone="13711112222")
    steward = APIClient()
    steward.force_authenticate(world["steward"])
    assert steward.get(f"/api/v1/contacts/{own_contact.pk}/").json()["phone"] == "13711112222"
    rows = steward.get("/api/v1/contacts/", {"partner": world["other"].pk}).json()["results"]
    assert rows[0]["phone"] == "139****5678"
