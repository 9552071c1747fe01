"""The rules for projects: staff create projects and change (and advance) the ones they own."""

import rules

from accounts.roles import can_manage, can_read_all, is_administrator, is_staff_member, no_object
from core.permissions import declare


@rules.predicate
def owns(user, project) -> bool:
    return project is not None and project.owner_id == user.pk


may_edit_project = can_manage | (is_staff_member & (no_object | owns))

declare(
    "projects.project",
    view=can_read_all,
    add=can_manage | is_staff_member,
    change=may_edit_project,
    delete=is_administrator,
)
rules.set_perm("projects.advance_project", may_edit_project)
rules.set_perm("projects.archive_project", can_manage)
rules.set_perm("projects.restore_project", can_manage)
declare("projects.event", view=can_read_all, change=can_manage)
declare("projects.stagechange", view=can_read_all)
declare("projects.pipelinetarget", view=can_read_all, change=can_manage)
rules.set_perm("projects.view_pipeline_report", can_read_all)
# The admin site shows this app to everyone who works in it (rules' module permission).
rules.set_perm("projects", can_read_all)
