"""The Excel export of the project list: the list's columns (ProjectListSerializer)."""

from core.exports import AMOUNT_FORMAT, Column, choice_label, export_response, field_label, names
from projects.models import Project


def _event_name(event) -> str:
    return event.name if event else ""


PROJECT_COLUMNS = (
    Column(field_label(Project, "code"), lambda p: p.code, 14),
    Column(field_label(Project, "name"), lambda p: p.name, 36),
    Column(field_label(Project, "kind"), choice_label(Project, "kind"), 12),
    Column(field_label(Project, "stage"), choice_label(Project, "stage"), 10),
    Column(field_label(Project, "stage_changed_at"), lambda p: p.stage_changed_at, 17),
    Column(
        field_label(Project, "planned_investment"),
        lambda p: p.planned_investment,
        16,
        AMOUNT_FORMAT,
    ),
    Column(field_label(Project, "industries"), lambda p: names(p.industries), 24),
    Column(field_label(Project, "owner"), lambda p: p.owner, 12),
    Column(field_label(Project, "is_new_quality"), lambda p: p.is_new_quality, 12),
    Column(field_label(Project, "promoted_at"), lambda p: _event_name(p.promoted_at), 28),
    Column(field_label(Project, "signed_at"), lambda p: _event_name(p.signed_at), 28),
)


def project_export(projects):
    return export_response(
        projects, PROJECT_COLUMNS, name="projects", title=Project._meta.verbose_name_plural
    )
