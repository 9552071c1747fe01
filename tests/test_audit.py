"""The audit trail: every change from the API, the admin or a command records who, when, where
from and which fields changed; managers and auditors read it; nobody can change it."""

import datetime as dt
import io

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from partners.models import Partner
from partners.services import partner_update
from tests.factories import IndustryFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

AUDIT = "/api/v1/audit/"


def client_for(role):
    user = UserFactory(roles=[role])
    client = APIClient()
    client.force_authenticate(user)
    return client, user


def entries(client, **params):
    response = client.get(AUDIT, params)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_api_changes_record_who_where_and_which_fields(manager):
    api = APIClient()
    api.force_authenticate(manager)
    partner = PartnerFactory(name="旧名称有限公司")
    industry = IndustryFactory()
    api.patch(
        f"/api/v1/partners/{partner.pk}/",
        {"name": "新名称有限公司", "industry_ids": [industry.pk]},
        format="json",
    )
    trail = entries(api, object=f"partners.partner:{partner.pk}")
    from_the_call = [e for e in trail if e["action"] == "updated"]
    for entry in from_the_call:
        assert entry["user"] == {"id": manager.pk, "username": manager.username}
        assert entry["source"] == "api"
    changes = {c["field"]: (c["from"], c["to"]) for e in from_the_call for c in e["changes"]}
    assert changes["name"] == ("旧名称有限公司", "新名称有限公司")
    assert changes["industries"] == ([], [industry.pk])
    assert "version" not in changes


def test_creation_and_archiving_are_recorded(manager):
    api = APIClient()
    api.force_authenticate(manager)
    partner = PartnerFactory()
    api.delete(f"/api/v1/partners/{partner.pk}/")
    actions = [e["action"] for e in entries(api, object=f"partners.partner:{partner.pk}")]
    assert actions == ["updated", "created"]
    archived = entries(api, object=f"partners.partner:{partner.pk}")[0]
    assert {c["field"] for c in archived["changes"]} == {"archived_at", "archived_by"}


def test_admin_changes_and_hard_deletes_are_recorded(client):
    admin_user = UserFactory(is_superuser=True)
    client.force_login(admin_user)
    partner = PartnerFactory()
    response = client.post(
        reverse("admin:partners_partner_delete", args=[partner.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Partner.objects.filter(pk=partner.pk).exists()
    api, _user = client_for(Role.AUDITOR)
    deleted = entries(api, object=f"partners.partner:{partner.pk}")[0]
    assert (deleted["action"], deleted["source"], deleted["user"]["id"]) == (
        "deleted",
        "admin",
        admin_user.pk,
    )


def test_only_administrators_may_hard_delete_in_the_admin(client, manager):
    client.force_login(manager)
    partner = PartnerFactory()
    response = client.post(
        reverse("admin:partners_partner_delete", args=[partner.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_a_sign_in_stamps_the_last_login_without_an_audit_entry(client, manager):
    """A sign-in is no change to the person's record: ``last_login`` is written, the user's
    history gains nothing; the sign-in itself stays on record in the access log."""
    entries = manager.history.count()
    sign_ins = AccessLog.objects.filter(username=manager.username).count()
    client.force_login(manager)
    manager.refresh_from_db()
    assert manager.last_login is not None
    assert manager.history.count() == entries
    assert AccessLog.objects.filter(username=manager.username).count() == sign_ins + 1


def test_commands_are_recorded_as_such():
    partner = PartnerFactory()
    partner_update(partner=partner, actor=None, short_name="命令改的")
    call_command("check", stdout=io.StringIO())
    api, _user = client_for(Role.AUDITOR)
    latest = entries(api, object=f"partners.partner:{partner.pk}")[0]
    assert (latest["source"], latest["user"]) == ("command", None)


def test_filter_by_user_and_time(manager, staff_user):
    partner = PartnerFactory(steward=staff_user)
    for user, name in ((manager, "经理改"), (staff_user, "管家改")):
        api = APIClient()
        api.force_authenticate(user)
        api.patch(f"/api/v1/partners/{partner.pk}/", {"short_name": name})
    reader, _user = client_for(Role.AUDITOR)
    by_staff = entries(reader, object=f"partners.partner:{partner.pk}", user=staff_user.pk)
    assert [e["user"]["id"] for e in by_staff] == [staff_user.pk]
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert entries(reader, model="partners.partner", since=future) == []
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    assert entries(reader, model="partners.partner", until=past) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "object"),
        ({"object": "auth.permission:1"}, "object"),
        ({"object": "partners.partner:x"}, "object"),
        ({"model": "partners.partner", "since": "yesterday"}, "since"),
        ({"model": "partners.partner", "user": "me"}, "user"),
    ],
)
def test_bad_audit_queries_are_400(params, field):
    reader, _user = client_for(Role.MANAGER)
    response = reader.get(AUDIT, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.CHAIN_LEADER])
def test_staff_and_chain_leaders_cannot_read_the_audit_trail(role):
    reader, _user = client_for(role)
    assert reader.get(AUDIT, {"model": "partners.partner"}).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_audit_trail_cannot_be_written_through_the_api(method):
    reader, _user = client_for(Role.ADMINISTRATOR)
    assert getattr(reader, method)(AUDIT, {}).status_code == 405


def test_history_pages_in_the_admin_are_for_managers_and_auditors_and_cannot_revert(client):
    partner = PartnerFactory()
    history_url = reverse("admin:partners_partner_history", args=[partner.pk])
    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    assert client.get(history_url).status_code == 200
    record = partner.history.first()
    revert_url = reverse(
        "admin:partners_partner_simple_history", args=[partner.pk, record.history_id]
    )
    versions = partner.history.count()
    client.post(revert_url, {"name": "篡改"})
    partner.refresh_from_db()
    assert partner.name != "篡改"
    assert partner.history.count() == versions
    client.force_login(UserFactory(roles=[Role.STAFF]))
    assert client.get(history_url).status_code == 403
