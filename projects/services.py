"""Writes for projects: creation and every move through the pipeline, each recorded."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import is_staff_member
from core.audit import save_with_relations
from core.services import lock_version
from projects.models import Project, Stage, StageChange

# The pipeline moves one step forward (negotiations may also fall back to lead); any live stage
# can be dropped; a dropped project can only be reopened at the stage it was dropped from.
FORWARD = {
    Stage.LEAD: {Stage.NEGOTIATING},
    Stage.NEGOTIATING: {Stage.SIGNED, Stage.LEAD},
    Stage.SIGNED: {Stage.LANDED},
    Stage.LANDED: {Stage.UNDER_CONSTRUCTION},
    Stage.UNDER_CONSTRUCTION: {Stage.OPERATING},
    Stage.OPERATING: set(),
}


def stage_allowed_targets(project: Project) -> set[str]:
    if project.stage == Stage.DROPPED:
        return {stage_before_drop(project)}
    return FORWARD[Stage(project.stage)] | {Stage.DROPPED}


def stage_before_drop(project: Project) -> str:
    last_drop = project.stage_changes.filter(to_stage=Stage.DROPPED).order_by("-changed_at", "-pk")
    change = last_drop.first()
    return change.from_stage if change and change.from_stage else Stage.LEAD


def stage_check_transition(project: Project, to_stage: str, reason: str = "") -> None:
    """Raise a ValidationError unless the move is allowed (and a drop has a reason)."""
    if to_stage not in Stage.values:
        raise ValidationError(
            {
                "stage": ValidationError(
                    _("Unknown stage “%(stage)s”."),
                    code="stage_unknown",
                    params={"stage": to_stage},
                )
            }
        )
    if to_stage not in stage_allowed_targets(project):
        raise ValidationError(
            {
                "stage": ValidationError(
                    _("A project cannot move from “%(from)s” to “%(to)s”."),
                    code="stage_transition_not_allowed",
                    params={"from": Stage(project.stage).label, "to": Stage(to_stage).label},
                )
            }
        )
    if to_stage == Stage.DROPPED and not reason.strip():
        raise ValidationError(
            {
                "drop_reason": ValidationError(
                    _("Say why the project is dropped."), code="drop_reason_required"
                )
            }
        )


@transaction.atomic
def project_change_stage(
    *,
    project: Project,
    to_stage: str,
    actor,
    note: str = "",
    reason: str = "",
    changed_at: datetime | None = None,
    expected_version: int | None = None,
) -> StageChange:
    """Move a project to another stage and record the move, or refuse with a reason."""
    project = lock_version(project, expected_version)
    stage_check_transition(project, to_stage, reason)
    when = stage_leave_current(project, changed_at, to_stage)
    change = StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=to_stage,
        changed_at=when,
        changed_by=actor,
        note=reason.strip() if to_stage == Stage.DROPPED else note,
    )
    project.stage = to_stage
    project.stage_changed_at = when
    project.drop_reason = reason.strip() if to_stage == Stage.DROPPED else ""
    project.save(update_fields=["stage", "stage_changed_at", "drop_reason", "updated_at"])
    return change


def stage_leave_current(project: Project, changed_at: datetime | None, to_stage: str) -> datetime:
    """End the project's stay in its current stage with its move to ``to_stage``, and return
    the move's time: ``changed_at``, refused if before the stay began (a history is told in
    order), or now (never before the stay began, whatever another host's clock said). The
    current stay is the latest move, so that a history whose last move was deleted by hand
    mends itself. The project is locked by the caller."""
    current = project.stage_changes.order_by("-changed_at", "-pk").first()
    when = changed_at or timezone.now()
    if current is None:
        return when
    if when < current.changed_at:
        if changed_at is None:
            when = current.changed_at
        else:
            raise ValidationError(
                {
                    "changed_at": ValidationError(
                        _("A move cannot be dated before the project's last move (%(last)s)."),
                        code="stage_change_before_last_move",
                        params={
                            "last": date_format(timezone.localtime(current.changed_at), "Y-m-d H:i")
                        },
                    )
                }
            )
    StageChange.objects.filter(pk=current.pk).update(left_at=when, next_stage=to_stage)
    return when


@transaction.atomic
def project_create(
    *, actor, created_at: datetime | None = None, investors=(), industries=(), **fields
) -> Project:
    """Create a project at the lead stage; its first StageChange records the creation. A
    project a staff member records is owned by that staff member unless it says otherwise."""
    if fields.get("owner") is None and actor is not None and is_staff_member(actor):
        fields["owner"] = actor
    when = created_at or timezone.now()
    project = Project(stage=Stage.LEAD, stage_changed_at=when, **fields)
    project.full_clean()
    save_with_relations(project, {"investors": investors, "industries": industries})
    project_record_creation(project=project, actor=actor, when=when)
    return project


def project_record_creation(*, project: Project, actor, when: datetime | None = None) -> None:
    """The first line of a project's stage history: it entered the pipeline (a new project's:
    its stay is the current one, of which a project has one)."""
    StageChange.objects.create(
        project=project,
        from_stage="",
        to_stage=project.stage,
        changed_at=when or project.stage_changed_at or timezone.now(),
        changed_by=actor,
    )
