"""The pipeline: allowed moves only, drops need a reason, every move is recorded."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Project, Stage, StageChange
from projects.services import project_change_stage, project_create
from tests.factories import ProjectFactory

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
