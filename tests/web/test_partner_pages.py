"""The partner list (filters in the URL, pagination, export link) and the partner page
(企业360) with its edit that catches a stale version without losing the user's input."""

import pytest

from accounts.roles import Role
from partners.models import Partner
from partners.services import interaction_record, partner_update
from tests.factories import (
    AppointmentFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    TagFactory,
    UserFactory,
)
from tests.web.conftest import page_queries, signed_in

pytestmark = pytest.mark.django_db


def _partners(n: int, **fields) -> list[Partner]:
    industry, tag = IndustryFactory(), TagFactory()
    return [PartnerFactory(industries=[industry], tags=[tag], **fields) for _ in range(n)]


def test_the_list_filters_from_the_url_and_pages(staff_client, staff_user):
    mine = PartnerFactory(name="中关村科技有限公司", steward=staff_user)
    PartnerFactory(name="北京航天有限公司")
    body = staff_client.get("/partners/", {"q": "zgc"}).content.decode()
    assert "中关村科技有限公司" in body
    assert "北京航天有限公司" not in body
    assert "/api/v1/partners/export/?q=zgc" in body
    body = staff_client.get("/partners/", {"steward": staff_user.pk}).content.decode()
    assert mine.name in body
    assert "北京航天有限公司" not in body
    _partners(55)
    page_two = staff_client.get("/partners/", {"page": 2}).content.decode()
    assert "page=1" in page_two  # the previous-page link keeps the filters


def test_a_bad_filter_is_reported(staff_client):
    response = staff_client.get("/partners/", {"industry": "x"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_list_takes_a_fixed_number_of_queries(staff_client):
    _partners(3)
    _response, small = page_queries(staff_client, "/partners/")
    _partners(40)
    response, large = page_queries(staff_client, "/partners/")
    assert response.status_code == 200
    assert small == large


def _rich_partner(steward) -> Partner:
    partner = PartnerFactory(name="丰台轨道交通有限公司", steward=steward)
    ContactFactory(partner=partner, name="张经理", phone="13812345678", is_primary=True)
    AppointmentFactory(partner=partner, year=2024)
    interaction_record(
        partner=partner,
        actor=steward,
        kind="visit",
        occurred_at=partner.created_at,
        summary="走访了解扩产计划",
    )
    return partner


def test_the_partner_page_shows_the_360_view(staff_client, staff_user):
    partner = _rich_partner(staff_user)
    body = staff_client.get(f"/partners/{partner.pk}/").content.decode()
    for text in ("丰台轨道交通有限公司", "张经理", "13812345678", "走访了解扩产计划", "2024"):
        assert text in body
    other = signed_in(UserFactory(roles=[Role.STAFF]))
    assert "138****5678" in other.get(f"/partners/{partner.pk}/").content.decode()


def test_the_partner_page_takes_a_fixed_number_of_queries(staff_client, staff_user):
    partner = _rich_partner(staff_user)
    _response, small = page_queries(staff_client, f"/partners/{partner.pk}/")
    for n in range(5):
        ContactFactory(partner=partner)
        AppointmentFactory(partner=partner, year=2020 + n)
        interaction_record(
            partner=partner,
            actor=staff_user,
            kind="call",
            occurred_at=partner.created_at,
            summary="x",
        )
    response, large = page_queries(staff_client, f"/partners/{partner.pk}/")
    assert response.status_code == 200
    assert small == large


def test_the_audit_trail_is_for_those_allowed(manager, staff_client, staff_user):
    partner = PartnerFactory(steward=staff_user)
    assert "audit-title" in signed_in(manager).get(f"/partners/{partner.pk}/").content.decode()
    assert "audit-title" not in staff_client.get(f"/partners/{partner.pk}/").content.decode()


def _edit(client, partner, version, **changes):
    data = {
        "version": version,
        "name": partner.name,
        "short_name": partner.short_name,
        "status": partner.status,
        "address": partner.address,
        "introduction": "",
        "business_scope": "",
        "needs": "",
        "notes": "",
        **changes,
    }
    return client.post(f"/partners/{partner.pk}/edit/", data)


def test_the_steward_edits_in_place(staff_client, staff_user):
    partner = PartnerFactory(steward=staff_user)
    response = _edit(staff_client, partner, partner.version, address="丰台区丽泽路18号")
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.address == "丰台区丽泽路18号"


def test_a_stale_edit_shows_what_changed_and_keeps_the_input(staff_client, staff_user, manager):
    partner = PartnerFactory(steward=staff_user, address="旧地址")
    seen = partner.version
    partner_update(partner=partner, actor=manager, address="经理改的地址")
    response = _edit(staff_client, partner, seen, address="我的新地址")
    body = response.content.decode()
    assert response.status_code == 409
    assert "旧地址" in body
    assert "经理改的地址" in body
    assert "我的新地址" in body
    partner.refresh_from_db()
    assert partner.address == "经理改的地址"  # nothing overwritten
    assert f'name="version" value="{partner.version}"' in body  # saving again applies it


def test_bad_input_in_the_edit_is_shown(staff_client, staff_user):
    partner = PartnerFactory(steward=staff_user)
    response = _edit(staff_client, partner, partner.version, name="")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    partner.refresh_from_db()
    assert partner.name


def test_who_may_open_and_edit(client, leader_client, leader, staff_user):
    partner = PartnerFactory(steward=UserFactory(roles=[Role.STAFF]))
    assert client.get(f"/partners/{partner.pk}/").url.startswith("/accounts/login/")
    assert leader_client.get(f"/partners/{partner.pk}/").status_code == 403
    assert leader_client.get("/partners/").status_code == 403
    not_steward = signed_in(staff_user)
    assert "edit-title" not in not_steward.get(f"/partners/{partner.pk}/").content.decode()
    assert _edit(not_steward, partner, partner.version, address="x").status_code == 403
    assert not_steward.get("/partners/999999/").status_code == 404
    assert "404.html" in [t.name for t in not_steward.get("/partners/999999/").templates]
