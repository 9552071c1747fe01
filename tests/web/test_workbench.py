"""The staff workbench: what is due, the quick “log a contact” form (partner found by pinyin
initials, saved in one post with its follow-up), bad input, who may use it, and a fixed number
of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from partners.models import FollowUp, Interaction, Notification
from partners.services import follow_up_create, request_raise
from tests.factories import PartnerFactory, UserFactory
from tests.web.conftest import page_queries, signed_in

pytestmark = pytest.mark.django_db


def _due_items(staff, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        partner = PartnerFactory(steward=staff, joined_on=today - dt.timedelta(days=400))
        follow_up_create(partner=partner, owner=staff, due_on=today, action=f"回访{i}")
        request_raise(
            partner=partner,
            actor=staff,
            category="policy",
            description=f"诉求{i}",
            received_on=today - dt.timedelta(days=30),
        )
        Notification.objects.create(recipient=staff, title=f"提醒{i}")


def test_the_workbench_lists_what_is_due(staff_client, staff_user):
    _due_items(staff_user, 2)
    body = staff_client.get("/").content.decode()
    assert "回访0" in body
    assert "回访1" in body
    assert "诉求0" in body
    assert "提醒1" in body
    assert "测试科技有限公司" in body  # overdue for a visit: never contacted, joined long ago


def test_the_workbench_takes_a_fixed_number_of_queries(staff_client, staff_user):
    _due_items(staff_user, 1)
    _response, small = page_queries(staff_client, "/")
    _due_items(staff_user, 25)
    response, large = page_queries(staff_client, "/")
    assert response.status_code == 200
    assert small == large
    assert "More are due" in response.content.decode() or "更多" in response.content.decode()


def test_the_partner_picker_finds_by_pinyin_initials(staff_client):
    partner = PartnerFactory(name="中关村科技有限公司")
    PartnerFactory(name="北京航天有限公司")
    response = staff_client.get("/partners/pick/", {"q": "zgc"})
    body = response.content.decode()
    assert f'value="{partner.pk}"' in body
    assert "北京航天" not in body
    without_js = staff_client.get("/", {"q": "zgc"}).content.decode()
    assert f'value="{partner.pk}"' in without_js


def test_logging_a_contact_with_a_follow_up(staff_client, staff_user):
    partner = PartnerFactory(steward=staff_user)
    due = timezone.localdate() + dt.timedelta(days=7)
    response = staff_client.post(
        "/contacts/log/",
        {
            "partner": partner.pk,
            "kind": "visit",
            "summary": "走访了解用地需求",
            "next_follow_up_on": due,
        },
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert (interaction.partner, interaction.recorded_by, interaction.kind) == (
        partner,
        staff_user,
        "visit",
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.due_on, follow_up.owner) == (due, staff_user)
    partner.refresh_from_db()
    assert partner.last_contacted_at is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"summary": "无企业"}, "partner"),
        ({"summary": "", "partner": "own"}, "summary"),
        ({"summary": "日期错", "partner": "own", "next_follow_up_on": "2000-01-01"}, "past"),
    ],
)
def test_bad_input_shows_the_error_and_saves_nothing(staff_client, staff_user, fields, message):
    partner = PartnerFactory(name="甲公司")
    data = {"kind": "call", **fields}
    if data.get("partner") == "own":
        data["partner"] = partner.pk
    response = staff_client.post("/contacts/log/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()
    if "partner" in data:
        assert "甲公司" in response.content.decode()  # the chosen partner stays chosen


def test_who_may_use_the_workbench(client, leader_client, auditor_client):
    assert client.get("/").status_code == 302  # to the login page
    assert client.get("/").url.startswith("/accounts/login/")
    assert leader_client.get("/").url == "/portal/"
    assert auditor_client.get("/").status_code == 200
    assert "quick-log" not in auditor_client.get("/").content.decode()
    assert auditor_client.post("/contacts/log/", {}).status_code == 403
    assert leader_client.get("/partners/pick/", {"q": "a"}).status_code == 403
    nobody = signed_in(UserFactory(roles=[]))
    assert nobody.get("/").status_code == 403


def test_a_manager_logs_contacts_too(manager):
    client = signed_in(manager)
    assert "quick-log" in client.get("/").content.decode()
    other = UserFactory(roles=[Role.STAFF])
    partner = PartnerFactory(steward=other)
    client.post("/contacts/log/", {"partner": partner.pk, "kind": "call", "summary": "电话"})
    assert Interaction.objects.get().recorded_by == manager
