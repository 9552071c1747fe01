"""Engagement through the API: logging a contact with its follow-up, work-list filters, the
request life cycle, and what a chain-leader unit may do with its own requests."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from partners.models import EnterpriseRequest, FollowUp
from partners.services import (
    follow_up_create,
    interaction_record,
    request_change_status,
    request_raise,
)
from tests.factories import ContactFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_logging_a_visit_with_a_next_date_creates_the_follow_up(staff_user):
    partner = PartnerFactory(steward=staff_user)
    contact = ContactFactory(partner=partner)
    response = as_user(staff_user).post(
        "/api/v1/interactions/",
        {
            "partner_id": partner.pk,
            "kind": "visit",
            "occurred_at": timezone.now().isoformat(),
            "summary": "走访了解扩产计划",
            "contacts_met_ids": [contact.pk],
            "next_follow_up_on": "2026-12-15",
            "follow_up_action": "反馈用地意见",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    follow_up = FollowUp.objects.get()
    assert (follow_up.action, follow_up.owner, follow_up.due_on) == (
        "反馈用地意见",
        staff_user,
        dt.date(2026, 12, 15),
    )
    assert response.json()["contacts_met"] == [{"id": contact.pk, "name": contact.name}]


def test_follow_up_work_lists_mine_overdue_and_this_week(staff_user):
    today = timezone.localdate()
    partner = PartnerFactory()
    late = follow_up_create(
        partner=partner, owner=staff_user, due_on=today - dt.timedelta(days=3), action="a"
    )
    soon = follow_up_create(partner=partner, owner=staff_user, due_on=today, action="b")
    other = follow_up_create(partner=partner, owner=UserFactory(), due_on=today, action="c")
    client = as_user(staff_user)
    assert ids(client.get("/api/v1/follow-ups/", {"mine": "true"})) == {late.pk, soon.pk}
    assert ids(client.get("/api/v1/follow-ups/", {"overdue": "true"})) == {late.pk}
    assert ids(client.get("/api/v1/follow-ups/", {"due_this_week": "true"})) == {soon.pk, other.pk}
    done = client.post(f"/api/v1/follow-ups/{late.pk}/complete/")
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert client.post(f"/api/v1/follow-ups/{late.pk}/cancel/").status_code == 409


def test_request_life_cycle_through_the_api(staff_user, manager):
    partner = PartnerFactory(steward=staff_user)
    client = as_user(staff_user)
    created = client.post(
        "/api/v1/requests/",
        {
            "partner_id": partner.pk,
            "category": "approvals",
            "description": "环评审批进度",
            "received_on": "2024-02-08",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["deadline"] == "2024-02-21"  # 5 working days across the Spring Festival
    url = f"/api/v1/requests/{body['id']}/"
    assert client.patch(url, {"status": "closed"}, format="json").status_code == 400
    assert client.post(f"{url}transition/", {"to_status": "closed"}).status_code == 400
    assert (
        client.post(f"{url}transition/", {"to_status": "in_progress"}).json()["status"]
        == "in_progress"
    )
    extended = client.post(f"{url}extend/", {"working_days": 2, "reason": "等待补充材料"})
    assert extended.json()["deadline"] == "2024-02-23"
    reassigned = as_user(manager).post(
        f"{url}reassign/", {"owner_department": "区生态环境局", "reason": "归口"}
    )
    assert reassigned.json()["owner_department"] == "区生态环境局"
    events = [e["kind"] for e in reassigned.json()["events"]]
    assert events == ["status", "status", "extended", "reassigned"]


def test_request_filters(staff_user):
    partner = PartnerFactory()
    mine = request_raise(
        partner=partner,
        actor=staff_user,
        category="space",
        description="a",
        owner=staff_user,
        received_on=dt.date(2024, 1, 2),
    )
    other = request_raise(
        partner=partner, actor=staff_user, category="talent", description="b", owner=UserFactory()
    )
    client = as_user(staff_user)
    assert ids(client.get("/api/v1/requests/", {"mine": "true"})) == {mine.pk}
    assert ids(client.get("/api/v1/requests/", {"overdue": "true"})) == {mine.pk}
    assert ids(client.get("/api/v1/requests/", {"category": "talent"})) == {other.pk}
    assert ids(client.get("/api/v1/requests/", {"status": "received", "partner": partner.pk})) == {
        mine.pk,
        other.pk,
    }


@pytest.fixture
def leader():
    partner = PartnerFactory(steward=UserFactory(roles=[Role.STAFF]))
    return UserFactory(roles=[Role.CHAIN_LEADER], partner=partner, is_staff=False)


def test_a_chain_leader_raises_its_own_request_and_rates_it(leader):
    client = as_user(leader)
    stranger = PartnerFactory()
    created = client.post(
        "/api/v1/requests/",
        {"partner_id": stranger.pk, "category": "policy", "description": "咨询政策"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["partner"]["id"] == leader.partner_id  # always its own partner
    request = EnterpriseRequest.objects.get()
    assert (
        client.post(f"/api/v1/requests/{request.pk}/rate/", {"satisfaction": 5}).status_code == 409
    )
    request_change_status(request=request, actor=UserFactory(), to_status="resolved")
    rated = client.post(f"/api/v1/requests/{request.pk}/rate/", {"satisfaction": 4})
    assert rated.status_code == 200
    assert rated.json()["satisfaction"] == 4
    assert (
        client.post(f"/api/v1/requests/{request.pk}/rate/", {"satisfaction": 9}).status_code == 400
    )
    assert (
        client.post(
            f"/api/v1/requests/{request.pk}/transition/", {"to_status": "closed"}
        ).status_code
        == 403
    )


def test_a_chain_leader_never_sees_interaction_notes(leader):
    interaction_record(
        partner=leader.partner,
        actor=leader.partner.steward,
        kind="visit",
        occurred_at=timezone.now(),
        summary="内部评价：配合度一般",
    )
    client = as_user(leader)
    assert client.get("/api/v1/interactions/").status_code == 403
    own = client.get(f"/api/v1/partners/{leader.partner_id}/").json()
    assert "内部评价" not in str(own)


def test_partners_overdue_for_a_visit_by_cadence(manager):
    from chains.models import ChainLeaderAppointment
    from tests.factories import ChainFactory

    now = timezone.now()
    leader = PartnerFactory(name="链长单位")
    ChainLeaderAppointment.objects.create(partner=leader, chain=ChainFactory(), year=2024)
    catalogue = PartnerFactory(name="目录企业", in_doubling_catalogue=True)
    ordinary = PartnerFactory(name="普通伙伴")
    never = PartnerFactory(name="从未联系")
    for partner, days in ((leader, 40), (catalogue, 40), (ordinary, 80)):
        interaction_record(
            partner=partner,
            actor=manager,
            kind="call",
            occurred_at=now - dt.timedelta(days=days),
            summary="联系",
        )
    client = as_user(manager)
    overdue = ids(client.get("/api/v1/partners/", {"visit_overdue": "true"}))
    assert overdue == {leader.pk, never.pk}  # 40 days > 30 for a chain leader; never contacted
    assert ids(client.get("/api/v1/partners/", {"visit_overdue": "false"})) == {
        catalogue.pk,
        ordinary.pk,
    }


def test_a_partner_never_contacted_counts_from_the_day_it_joined(manager):
    joined_recently = PartnerFactory(joined_on=timezone.localdate() - dt.timedelta(days=10))
    joined_long_ago = PartnerFactory(joined_on=timezone.localdate() - dt.timedelta(days=100))
    overdue = ids(as_user(manager).get("/api/v1/partners/", {"visit_overdue": "true"}))
    assert joined_long_ago.pk in overdue
    assert joined_recently.pk not in overdue


def test_the_last_contact_follows_logging_editing_and_deleting_interactions(manager):
    partner = PartnerFactory()
    now = timezone.now().replace(microsecond=0)
    older = interaction_record(
        partner=partner,
        actor=manager,
        kind="call",
        occurred_at=now - dt.timedelta(days=9),
        summary="a",
    )
    newer = interaction_record(
        partner=partner,
        actor=manager,
        kind="visit",
        occurred_at=now - dt.timedelta(days=2),
        summary="b",
    )
    partner.refresh_from_db()
    assert partner.last_contacted_at == newer.occurred_at
    client = as_user(manager)
    moved = now - dt.timedelta(days=1)
    response = client.patch(
        f"/api/v1/interactions/{older.pk}/", {"occurred_at": moved.isoformat()}, format="json"
    )
    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.last_contacted_at == moved
    assert client.delete(f"/api/v1/interactions/{older.pk}/").status_code == 204
    partner.refresh_from_db()
    assert partner.last_contacted_at == newer.occurred_at
    assert partner.version == 1  # derived: no new version, no edit conflict for the steward
