"""The Chinese admin: every model listed, search and filters, bad input refused on the form."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chains.models import ChainLeaderAppointment
from partners.models import Partner
from partners.uscc import with_check_character
from projects.models import Stage
from projects.services import project_create
from tests.factories import (
    CarrierFactory,
    ChainFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    TagFactory,
    UserFactory,
    sample_code,
)

pytestmark = pytest.mark.django_db

BAD_CHECK = "914403001922038217"


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def make_partners(count: int) -> None:
    industry, tag, carrier, steward = (
        IndustryFactory(),
        TagFactory(),
        CarrierFactory(),
        UserFactory(),
    )
    for _ in range(count):
        partner = PartnerFactory(
            carrier=carrier, steward=steward, industries=[industry], tags=[tag]
        )
        ContactFactory(partner=partner, is_primary=True)


def test_partner_list_runs_the_same_queries_for_5_and_50_rows(admin_client):
    url = reverse("admin:partners_partner_changelist")
    make_partners(5)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    make_partners(55)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 50
    assert len(few.captured_queries) == len(many.captured_queries) == 12


def test_every_registered_model_has_a_working_list_and_add_page(admin_client):
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist


def test_admin_is_in_chinese_by_default(admin_client):
    PartnerFactory()
    response = admin_client.get(reverse("admin:partners_partner_changelist"))
    assert "发展伙伴" in response.text
    assert "统一社会信用代码" in response.text


@pytest.mark.parametrize("query", ["轨道", "中关村轨道交通", "91110106MA001", "孙颖"])
def test_search_by_chinese_substring_code_prefix_and_contact_name(admin_client, query):
    uscc = with_check_character("91110106MA0012345")
    partner = PartnerFactory(name="北京中关村轨道交通产业发展有限公司", uscc=uscc)
    ContactFactory(partner=partner, name="孙颖")
    PartnerFactory(name="示例商务服务有限公司 001")
    response = admin_client.get(reverse("admin:partners_partner_changelist"), {"q": query})
    assert [p.pk for p in response.context["cl"].result_list] == [partner.pk]


def test_filter_by_industry(admin_client):
    rail = IndustryFactory(name="轨道交通")
    partner = PartnerFactory(industries=[rail])
    PartnerFactory()
    response = admin_client.get(
        reverse("admin:partners_partner_changelist"), {"industries__id__exact": rail.pk}
    )
    assert [p.pk for p in response.context["cl"].result_list] == [partner.pk]


def partner_form(**overrides) -> dict:
    data = {
        "uscc": sample_code(1),
        "name": "北京示例科技有限公司",
        "organisation_type": "private",
        "joined_on": "2024-01-02",
        "status": "active",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    return data | overrides


def test_admin_refuses_a_duplicate_code_and_names_the_partner(admin_client):
    PartnerFactory(uscc=sample_code(1), name="已在册科技有限公司")
    response = admin_client.post(reverse("admin:partners_partner_add"), partner_form())
    assert response.status_code == 200
    assert "已在册科技有限公司" in response.context["adminform"].form.errors["uscc"][0]
    assert Partner.objects.count() == 1


def test_admin_refuses_a_bad_phone_in_the_contact_inline(admin_client):
    data = partner_form(
        **{"contacts-TOTAL_FORMS": "1", "contacts-0-name": "张三", "contacts-0-phone": "12345"}
    )
    response = admin_client.post(reverse("admin:partners_partner_add"), data)
    assert response.status_code == 200
    assert not Partner.objects.exists()


def test_admin_check_character_override_is_recorded(client, manager):
    client.force_login(manager)
    url = reverse("admin:partners_partner_add")
    refused = client.post(url, partner_form(uscc=BAD_CHECK))
    assert "uscc" in refused.context["adminform"].form.errors
    response = client.post(url, partner_form(uscc=BAD_CHECK, override_check_digit="on"))
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.uscc_check_overridden_by == manager


def test_admin_refuses_an_appointment_for_a_withdrawn_partner(admin_client):
    partner = PartnerFactory(status=Partner.Status.WITHDRAWN)
    response = admin_client.post(
        reverse("admin:chains_chainleaderappointment_add"),
        {"partner": partner.pk, "chain": ChainFactory().pk, "year": 2024},
    )
    assert response.status_code == 200
    assert "partner" in response.context["adminform"].form.errors
    assert not ChainLeaderAppointment.objects.exists()


def project_form(project, **overrides) -> dict:
    data = {
        "name": project.name,
        "code": project.code,
        "kind": project.kind,
        "stage_changes-TOTAL_FORMS": "0",
        "stage_changes-INITIAL_FORMS": "0",
    }
    return data | overrides


def test_admin_moves_a_project_through_the_service(admin_client, superuser):
    project = project_create(actor=None, code="P-9", name="北宫低空经济产业园", kind="industrial")
    url = reverse("admin:projects_project_change", args=[project.pk])
    refused = admin_client.post(url, project_form(project, move_to="operating"))
    assert "move_to" in refused.context["adminform"].form.errors
    moved = admin_client.post(url, project_form(project, move_to="negotiating"))
    assert moved.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    assert project.stage_changes.last().changed_by == superuser


def test_staff_reads_every_partner_but_changes_only_those_it_stewards(client, staff_user):
    client.force_login(staff_user)
    mine = PartnerFactory(steward=staff_user)
    other = PartnerFactory()
    assert client.get(reverse("admin:partners_partner_change", args=[other.pk])).status_code == 200
    data = partner_form(uscc=other.uscc, name="改名")
    refused = client.post(reverse("admin:partners_partner_change", args=[other.pk]), data)
    assert refused.status_code == 403
    data = partner_form(uscc=mine.uscc, name="我管的伙伴有限公司")
    assert (
        client.post(reverse("admin:partners_partner_change", args=[mine.pk]), data).status_code
        == 302
    )


def test_users_are_managed_by_administrators_only(client, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_a_chain_leader_account_must_be_bound_to_a_partner(admin_client):
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=False)
    data = {
        "username": user.username,
        "groups": [Group.objects.get(name="chain_leader").pk],
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        "is_active": "on",
    }
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 200
    assert "partner" in response.context["adminform"].form.errors
