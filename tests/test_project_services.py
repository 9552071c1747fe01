"""The pipeline: allowed moves only, drops need a reason, every move is recorded with the end
of the stay it began (its next move)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from projects.models import Project, Stage, StageChange
from projects.services import project_change_stage, project_create
from tests.factories import ProjectFactory

migration = importlib.import_module("projects.migrations.0009_stage_change_left_at")

pytestmark = pytest.mark.django_db


def new_project(actor=None):
    return project_create(actor=actor, code="P-1", name="卫星互联网产业园", kind="industrial")


def history(project) -> list[tuple[str, str]]:
    return list(project.stage_changes.values_list("from_stage", "to_stage"))


def test_creation_is_the_first_line_of_history(staff_user):
    project = new_project(staff_user)
    assert project.stage == Stage.LEAD
    assert history(project) == [("", "lead")]
    assert project.stage_changes.get().changed_by == staff_user


def test_walk_through_the_whole_pipeline(staff_user):
    project = new_project()
    path = ["negotiating", "signed", "landed", "under_construction", "operating"]
    for stage in path:
        project_change_stage(project=project, to_stage=stage, actor=staff_user)
    project.refresh_from_db()
    assert project.stage == Stage.OPERATING
    assert [to for _from, to in history(project)] == ["lead", *path]


@pytest.mark.parametrize("target", ["landed", "operating", "signed", "bogus"])
def test_no_jump_from_lead(target):
    project = new_project()
    with pytest.raises(ValidationError) as info:
        project_change_stage(project=project, to_stage=target, actor=None)
    assert info.value.error_dict["stage"][0].code in {
        "stage_transition_not_allowed",
        "stage_unknown",
    }
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert StageChange.objects.count() == 1


def test_drop_needs_a_reason_and_keeps_it():
    project = new_project()
    with pytest.raises(ValidationError) as info:
        project_change_stage(project=project, to_stage="dropped", actor=None, reason="  ")
    assert info.value.error_dict["drop_reason"][0].code == "drop_reason_required"
    project_change_stage(project=project, to_stage="dropped", actor=None, reason="投资方撤回")
    project.refresh_from_db()
    assert project.stage == Stage.DROPPED
    assert project.drop_reason == "投资方撤回"


def test_reopening_returns_to_the_stage_it_was_dropped_from_and_is_recorded():
    project = new_project()
    project_change_stage(project=project, to_stage="negotiating", actor=None)
    project_change_stage(project=project, to_stage="dropped", actor=None, reason="暂缓")
    with pytest.raises(ValidationError):
        project_change_stage(project=project, to_stage="signed", actor=None)
    project_change_stage(project=project, to_stage="negotiating", actor=None, note="重新启动")
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    assert project.drop_reason == ""
    assert history(project)[-1] == ("dropped", "negotiating")


def test_database_refuses_a_dropped_project_without_reason_or_negative_investment():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(stage=Stage.DROPPED, drop_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(planned_investment=-1)
    assert not Project.objects.exists()


def test_negative_investment_is_refused_by_the_service():
    with pytest.raises(ValidationError) as info:
        project_create(actor=None, code="P-2", name="x", kind="industrial", planned_investment=-3)
    assert "planned_investment" in info.value.error_dict
    assert not Project.objects.exists()


def at(day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2024, 3, day, hour))


def stays(project) -> list[tuple]:
    changes = project.stage_changes.order_by("changed_at", "pk")
    return list(changes.values_list("to_stage", "changed_at", "left_at", "next_stage"))


def test_each_stay_ends_at_the_projects_next_move():
    project = project_create(actor=None, code="P-3", name="x", kind="industrial", created_at=at(1))
    project_change_stage(project=project, to_stage="negotiating", actor=None, changed_at=at(5))
    project_change_stage(
        project=project, to_stage="dropped", actor=None, reason="暂缓", changed_at=at(5)
    )
    project_change_stage(project=project, to_stage="negotiating", actor=None, changed_at=at(9))
    assert stays(project) == [
        ("lead", at(1), at(5), "negotiating"),
        ("negotiating", at(5), at(5), "dropped"),
        ("dropped", at(5), at(9), "negotiating"),
        ("negotiating", at(9), None, ""),
    ]


def test_a_move_dated_before_the_last_one_is_refused_and_nothing_changes():
    project = project_create(actor=None, code="P-4", name="x", kind="industrial", created_at=at(5))
    with pytest.raises(ValidationError) as info:
        project_change_stage(project=project, to_stage="negotiating", actor=None, changed_at=at(4))
    assert info.value.error_dict["changed_at"][0].code == "stage_change_before_last_move"
    assert "2024-03-05 09:00" in info.value.error_dict["changed_at"][0].messages[0]
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert stays(project) == [("lead", at(5), None, "")]


def test_the_database_keeps_one_current_stay_each_other_left_for_a_stage_after_it_began():
    project = project_create(actor=None, code="P-5", name="x", kind="industrial", created_at=at(5))
    first = project.stage_changes.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        StageChange.objects.create(project=project, to_stage="negotiating", changed_at=at(6))
    for end in ({"left_at": at(4), "next_stage": "negotiating"}, {"left_at": at(6)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            StageChange.objects.filter(pk=first.pk).update(**end)


def test_the_migration_fills_each_stay_s_end_from_the_moves_recorded():
    project = project_create(actor=None, code="P-6", name="x", kind="industrial", created_at=at(1))
    project_change_stage(project=project, to_stage="negotiating", actor=None, changed_at=at(3))
    project_change_stage(project=project, to_stage="lead", actor=None, changed_at=at(3))
    other = project_create(actor=None, code="P-7", name="y", kind="industrial", created_at=at(2))
    expected = stays(project), stays(other)
    # Wrong ends everywhere (none empty, which the one current stay per project forbids).
    StageChange.objects.update(
        left_at=F("changed_at") + dt.timedelta(days=100), next_stage="operating"
    )
    migration.fill_left_at(apps, None)
    assert (stays(project), stays(other)) == expected


def test_a_move_now_is_never_before_the_last_one_whatever_the_clock():
    """A move recorded on a host whose clock is behind the one that recorded the last move."""
    future = timezone.now() + dt.timedelta(minutes=5)
    project = project_create(actor=None, code="P-8", name="x", kind="industrial", created_at=future)
    project_change_stage(project=project, to_stage="negotiating", actor=None)
    assert stays(project) == [
        ("lead", future, future, "negotiating"),
        ("negotiating", future, None, ""),
    ]


def test_a_history_whose_last_move_was_deleted_by_hand_mends_at_the_next_move():
    project = project_create(actor=None, code="P-9", name="x", kind="industrial", created_at=at(1))
    project_change_stage(project=project, to_stage="negotiating", actor=None, changed_at=at(2))
    project_change_stage(project=project, to_stage="signed", actor=None, changed_at=at(3))
    project.stage_changes.get(to_stage="signed").delete()
    Project.objects.filter(pk=project.pk).update(stage="negotiating")
    project_change_stage(project=project, to_stage="signed", actor=None, changed_at=at(4))
    assert stays(project) == [
        ("lead", at(1), at(2), "negotiating"),
        ("negotiating", at(2), at(4), "signed"),
        ("signed", at(4), None, ""),
    ]
