"""Importing the major-project list. A row updates the project with the same project code, or
creates it at the lead stage (stages move only through ``advance``, never by import). A staff
member may update only the projects it owns, as in the API."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chains.models import Industry
from core.imports import columns as cells
from core.imports.base import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Outcome,
    RowByRowImporter,
    choice_labels,
    choice_value,
    register,
    unknown_name_message,
)
from core.imports.columns import Column
from core.services import instance_update
from partners.importers.references import UserReferences
from partners.models import Partner
from projects.models import Project, ProjectKind
from projects.services import project_create

SIMPLE_FIELDS = ("name", "kind", "location", "planned_investment", "is_new_quality", "description")


@register
class ProjectImporter(RowByRowImporter):
    kind = "projects"
    label = gettext_lazy("Major projects")
    permission = "projects.add_project"
    key_columns = ("code",)
    columns = [
        Column(
            "code", gettext_lazy("Project code"), ("项目编号", "编号", "项目代码"), required=True
        ),
        Column("name", gettext_lazy("Project name"), ("项目名称", "名称"), required=True),
        Column(
            "kind",
            gettext_lazy("Project kind"),
            ("项目类型", "类型", "项目类别"),
            help=gettext_lazy("Needed for a new project: one of the kinds listed in the system."),
        ),
        Column("industries", gettext_lazy("Industries"), ("所属行业", "行业", "产业领域")),
        Column("location", gettext_lazy("Location"), ("项目地点", "选址", "落地位置", "地点")),
        Column(
            "planned_investment",
            gettext_lazy("Planned investment (100 million yuan)"),
            ("计划投资（亿元）", "计划投资(亿元)", "总投资（亿元）", "计划投资", "投资额"),
        ),
        Column(
            "investors",
            gettext_lazy("Investors"),
            ("投资方", "签约企业", "投资主体"),
            help=gettext_lazy("Registered partner names separated by 、 or commas."),
        ),
        Column("owner", gettext_lazy("Owner"), ("负责人", "责任人", "项目负责人")),
        Column(
            "is_new_quality",
            gettext_lazy("New quality productive forces"),
            ("新质生产力项目", "新质生产力", "是否新质生产力项目"),
        ),
        Column("description", gettext_lazy("Description"), ("项目简介", "项目概况", "简介")),
    ]

    def prepare(self, rows: list[dict]) -> dict:
        codes = {cells.text(r.get("code")) for r in rows} - {""}
        investor_names = {n for r in rows for n in cells.name_forms(r.get("investors"))}
        projects = Project.objects.filter(code__in=codes).prefetch_related(
            "industries", "investors"
        )
        return {
            "projects": {p.code: p for p in projects},
            "industries": dict(Industry.objects.values_list("name", "pk")),
            "partners": dict(
                Partner.objects.filter(name__in=investor_names).values_list("name", "pk")
            ),
            "users": UserReferences(),
        }

    def check_row(self, outcome: Outcome, row: dict, lookups: dict) -> None:
        parse = self.parse
        values = {
            "code": parse(outcome, row, "code", cells.text, max_length=32),
            "name": parse(outcome, row, "name", cells.text, max_length=128),
            "location": parse(outcome, row, "location", cells.text, max_length=128),
            "planned_investment": parse(outcome, row, "planned_investment", cells.amount),
            "description": parse(outcome, row, "description", cells.text, max_length=5000),
            "kind": self._kind(outcome, row),
            "industries": self._names(outcome, row, "industries", lookups["industries"]),
            "investors": self._names(outcome, row, "investors", lookups["partners"]),
            "owner": lookups["users"].by_pk.get(
                lookups["users"].resolve(self, outcome, row, "owner")
            ),
        }
        if cells.text(row.get("is_new_quality")):
            values["is_new_quality"] = parse(outcome, row, "is_new_quality", cells.yes_no)
        outcome.values = values
        if outcome.action == "reject":
            return
        existing = lookups["projects"].get(values["code"])
        outcome.target = existing
        if existing is None:
            if not values["kind"]:
                outcome.reject(self.column("kind"), _("Needed to add a new project."))
            return
        if not self.actor.has_perm("projects.change_project", existing):
            outcome.reject(self.column("code"), _("You may update only projects you own."))
            return
        values["changes"] = self._changes(existing, values)
        outcome.action = UPDATE if values["changes"] else UNCHANGED

    def _kind(self, outcome: Outcome, row: dict) -> str:
        raw = cells.text(row.get("kind"))
        value = choice_value(raw, ProjectKind) if raw else ""
        if value is None:
            outcome.reject(
                self.column("kind"),
                unknown_name_message(_("project kind"), raw, choice_labels(ProjectKind)),
            )
        return value or ""

    def _names(self, outcome: Outcome, row: dict, key: str, known: dict) -> list[int]:
        ids = []
        for name in cells.split_names(row.get(key), known):
            if name in known:
                ids.append(known[name])
                continue
            kind = _("industry") if key == "industries" else _("partner")
            outcome.reject(self.column(key), unknown_name_message(kind, name, known))
        return ids

    @staticmethod
    def _changes(project: Project, values: dict) -> dict:
        changes = {
            name: values[name]
            for name in SIMPLE_FIELDS
            if values.get(name) not in (None, "") and getattr(project, name) != values[name]
        }
        if values["owner"] is not None and values["owner"].pk != project.owner_id:
            changes["owner"] = values["owner"]
        for name in ("industries", "investors"):
            current = {related.pk for related in getattr(project, name).all()}
            if values[name] and set(values[name]) != current:
                changes[name] = values[name]
        return changes

    def write_row(self, outcome: Outcome) -> None:
        values = outcome.values
        if outcome.action == CREATE:
            fields = {f: values[f] for f in SIMPLE_FIELDS if values.get(f) not in (None, "")}
            project_create(
                actor=self.actor,
                code=values["code"],
                owner=values["owner"],
                industries=values["industries"],
                investors=values["investors"],
                **fields,
            )
        else:
            instance_update(outcome.target, actor=self.actor, **values["changes"])
