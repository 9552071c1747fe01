"""The project resource: the stage moves only through the advance action, filters, search."""

import datetime as dt

import pytest
from django.utils import timezone

from projects.models import Stage, StageChange
from projects.services import project_change_stage, project_create
from tests.factories import EventFactory, IndustryFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def make(code="P-1", name="卫星互联网产业园", **fields):
    return project_create(actor=None, code=code, name=name, kind="industrial", **fields)


def advance(api, project, **data):
    return api.post(f"{URL}{project.pk}/advance/", data, format="json")


def test_create_starts_as_a_lead_with_history_and_investors(api):
    investor = PartnerFactory(short_name="京东")
    response = api.post(
        URL,
        {
            "code": "FT-1",
            "name": "京东MALL",
            "kind": "carrier",
            "planned_investment": "12.50",
            "investor_ids": [investor.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == "lead"
    assert [s["to_stage"] for s in body["stage_changes"]] == ["lead"]
    assert body["investors"] == [{"id": investor.pk, "name": investor.name, "short_name": "京东"}]


def test_a_stage_change_without_its_recorder_shows_none(api, manager):
    """History made by an import or a task has no recorder: ``null``, not an empty user."""
    project = make()  # by no one
    project_change_stage(project=project, to_stage=Stage.NEGOTIATING, actor=manager)
    body = api.get(f"{URL}{project.pk}/").json()
    recorders = [change["changed_by"] for change in body["stage_changes"]]
    assert recorders == [
        None,
        {"id": manager.pk, "username": manager.username, "full_name": manager.full_name},
    ]


@pytest.mark.parametrize("field", ["stage", "drop_reason"])
def test_a_plain_patch_of_the_stage_is_refused(api, field):
    project = make()
    response = api.patch(f"{URL}{project.pk}/", {field: "operating"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["stage"][0]["code"] == "stage_read_only"
    project.refresh_from_db()
    assert project.stage == Stage.LEAD


def test_advance_one_step_records_the_move(api, manager):
    project = make()
    response = advance(api, project, to_stage="negotiating", note="首次洽谈")
    assert response.status_code == 200
    assert response.json()["stage"] == "negotiating"
    change = StageChange.objects.filter(project=project).last()
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "lead",
        "negotiating",
        manager,
    )
    assert change.note == "首次洽谈"


def test_no_jump_from_lead_to_operating(api):
    project = make()
    response = advance(api, project, to_stage="operating")
    assert response.status_code == 400
    assert response.json()["fields"]["stage"][0]["code"] == "stage_transition_not_allowed"
    assert project.stage_changes.count() == 1


def test_dropping_needs_a_reason_and_reopening_is_recorded(api):
    project = make()
    missing = advance(api, project, to_stage="dropped")
    assert missing.status_code == 400
    assert missing.json()["fields"]["drop_reason"][0]["code"] == "drop_reason_required"
    assert advance(api, project, to_stage="dropped", reason="投资方撤回").json()["drop_reason"] == (
        "投资方撤回"
    )
    reopened = advance(api, project, to_stage="lead", note="重新接洽")
    assert reopened.status_code == 200
    assert [(s["from_stage"], s["to_stage"]) for s in reopened.json()["stage_changes"]][-1] == (
        "dropped",
        "lead",
    )


def test_advance_with_a_stale_version_is_412(api):
    project = make()
    assert advance(api, project, to_stage="negotiating", version=1).status_code == 200
    assert advance(api, project, to_stage="signed", version=1).status_code == 412
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING


def test_unknown_target_stage_is_400(api):
    response = advance(api, make(), to_stage="bogus")
    assert response.status_code == 400
    assert response.json()["fields"]["to_stage"][0]["code"] == "invalid_choice"


def test_filters(api):
    rail, aerospace = IndustryFactory(), IndustryFactory()
    commercial = IndustryFactory(parent=aerospace)
    conference, owner = EventFactory(), UserFactory()
    signed = make(
        "A",
        "甲项目",
        industries=[commercial],
        signed_at=conference,
        planned_investment=50,
        is_new_quality=True,
        owner=owner,
    )
    promoted = make("B", "乙项目", industries=[rail], promoted_at=conference, planned_investment=5)
    other = make("C", "丙项目")
    project_change_stage(project=signed, to_stage="negotiating", actor=None)
    assert ids(api.get(URL, {"stage": "negotiating"})) == {signed.pk}
    assert ids(api.get(URL, {"stage": ["negotiating", "lead"]})) == {
        signed.pk,
        promoted.pk,
        other.pk,
    }
    assert ids(api.get(URL, {"industry": aerospace.pk})) == {signed.pk}
    assert ids(api.get(URL, {"event": conference.pk})) == {signed.pk, promoted.pk}
    assert ids(api.get(URL, {"owner": owner.pk})) == {signed.pk}
    assert ids(api.get(URL, {"investment_min": 10})) == {signed.pk}
    assert ids(api.get(URL, {"investment_min": 1, "investment_max": 10})) == {promoted.pk}
    assert ids(api.get(URL, {"is_new_quality": "true"})) == {signed.pk}
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    assert signed.pk in ids(api.get(URL, {"stage_changed_since": since}))
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert ids(api.get(URL, {"stage_changed_since": future})) == set()


def test_filter_by_kind(api):
    industrial = make("A")
    renewal = project_create(actor=None, code="B", name="长辛店老镇更新", kind="urban_renewal")
    assert ids(api.get(URL, {"kind": "urban_renewal"})) == {renewal.pk}
    assert industrial.pk not in ids(api.get(URL, {"kind": "urban_renewal"}))


@pytest.mark.parametrize("query", ["卫星", "互联网产业园", "FT2024"])
def test_search_by_name_or_code(api, query):
    project = make(code="FT2024-001", name="卫星互联网产业园")
    make(code="SL-001", name="示例储备项目 001")
    assert ids(api.get(URL, {"q": query})) == {project.pk}


def test_ordering_by_investment(api):
    make("A", planned_investment=1)
    make("B", planned_investment=9)
    codes = [r["code"] for r in api.get(URL, {"ordering": "-planned_investment"}).json()["results"]]
    assert codes == ["B", "A"]


def test_stage_history_is_read_only(api):
    project = make()
    listing = api.get("/api/v1/stage-changes/", {"project": project.pk})
    assert listing.json()["count"] == 1
    change_id = listing.json()["results"][0]["id"]
    assert api.patch(f"/api/v1/stage-changes/{change_id}/", {"note": "x"}).status_code == 405
    assert api.delete(f"/api/v1/stage-changes/{change_id}/").status_code == 405


def test_a_project_recorded_by_staff_is_owned_by_it_and_can_be_advanced(staff_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff_user)
    created = client.post(URL, {"code": "S-1", "name": "新项目", "kind": "other"}, format="json")
    assert created.json()["owner"]["id"] == staff_user.pk
    moved = client.post(f"{URL}{created.json()['id']}/advance/", {"to_stage": "negotiating"})
    assert moved.status_code == 200
