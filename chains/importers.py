"""Importing the annual chain-leader roster and the members of the work camps. Each row goes
through the app's services, so a withdrawn partner cannot be appointed; a row already on the
roster (or already a member with that role) is unchanged."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chains.models import (
    ChainLeaderAppointment,
    IndustryChain,
    WorkCamp,
    WorkCampMembership,
    WorkCampRole,
)
from chains.services import appointment_create, work_camp_add_member
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
from partners.importers.references import PartnerReferences
from partners.models import Partner

PARTNER = Column(
    "partner",
    gettext_lazy("Partner"),
    ("链长单位", "企业名称", "单位名称", "成员单位", "企业"),
    required=True,
)
USCC = Column(
    "uscc",
    gettext_lazy("Unified social credit code"),
    ("统一社会信用代码", "信用代码"),
    help=gettext_lazy("Optional: finds the partner when several have the same name."),
)


def _withdrawn(importer, outcome: Outcome, partner: Partner | None) -> None:
    if partner is not None and partner.status == Partner.Status.WITHDRAWN:
        outcome.reject(
            importer.column("partner"),
            _("“%(name)s” has withdrawn from the partner plan.") % {"name": partner.name},
        )


@register
class AppointmentImporter(RowByRowImporter):
    kind = "appointments"
    label = gettext_lazy("Chain-leader roster")
    permission = "chains.add_chainleaderappointment"
    key_columns = ("year", "chain_id", "partner_id")
    columns = [
        Column("year", gettext_lazy("Roster year"), ("年度", "年份", "名单年度"), required=True),
        Column(
            "chain",
            gettext_lazy("Industry chain"),
            ("产业链", "所属产业链", "链条", "产业链名称"),
            required=True,
        ),
        PARTNER,
        USCC,
        Column("note", gettext_lazy("Note"), ("备注", "说明")),
    ]

    def prepare(self, rows: list[dict]) -> dict:
        return {
            "partners": PartnerReferences(rows),
            "chains": {c.name: c for c in IndustryChain.objects.all()},
            "roster": {
                (a.year, a.chain_id, a.partner_id): a
                for a in ChainLeaderAppointment.objects.filter(
                    year__in={self._year(r) for r in rows} - {None}
                )
            },
        }

    @staticmethod
    def _year(row: dict) -> int | None:
        try:
            return cells.year(row.get("year"))
        except cells.CellError:
            return None

    def check_row(self, outcome: Outcome, row: dict, lookups: dict) -> None:
        year = self.parse(outcome, row, "year", cells.year)
        chain = self.named(outcome, row, "chain", lookups["chains"], _("industry chain"))
        partner = lookups["partners"].resolve(self, outcome, row)
        _withdrawn(self, outcome, partner)
        note = self.parse(outcome, row, "note", cells.text) or ""
        outcome.values = {
            "year": year,
            "chain_id": chain.pk if chain else None,
            "partner_id": partner.pk if partner else None,
            "chain": chain,
            "partner": partner,
            "note": note,
        }
        if outcome.action == "reject":
            return
        existing = lookups["roster"].get((year, chain.pk, partner.pk))
        outcome.target = existing
        if existing is not None:
            outcome.action = UPDATE if note and note != existing.note else UNCHANGED

    def write_row(self, outcome: Outcome) -> None:
        values = outcome.values
        if outcome.action == CREATE:
            appointment_create(
                partner=values["partner"],
                chain=values["chain"],
                year=values["year"],
                note=values["note"],
            )
        else:
            instance_update(outcome.target, actor=self.actor, note=values["note"])


@register
class WorkCampMemberImporter(RowByRowImporter):
    kind = "work-camp-members"
    label = gettext_lazy("Work camp members")
    permission = "chains.change_workcamp"
    key_columns = ("camp_id", "partner_id")
    columns = [
        Column(
            "camp",
            gettext_lazy("Work camp"),
            ("工作营", "产业工作营", "所属工作营", "工作营名称"),
            required=True,
        ),
        PARTNER,
        USCC,
        Column(
            "role",
            gettext_lazy("Role"),
            ("角色", "成员类型", "身份"),
            help=gettext_lazy("Chain leader or member; empty: member."),
        ),
        Column("joined_on", gettext_lazy("Joined on"), ("加入日期", "加入时间")),
    ]

    def prepare(self, rows: list[dict]) -> dict:
        return {
            "partners": PartnerReferences(rows),
            "camps": {c.name: c for c in WorkCamp.objects.all()},
            "members": {(m.camp_id, m.partner_id): m for m in WorkCampMembership.objects.all()},
        }

    def check_row(self, outcome: Outcome, row: dict, lookups: dict) -> None:
        camp = self.named(outcome, row, "camp", lookups["camps"], _("work camp"))
        partner = lookups["partners"].resolve(self, outcome, row)
        _withdrawn(self, outcome, partner)
        outcome.values = {
            "camp": camp,
            "partner": partner,
            "camp_id": camp.pk if camp else None,
            "partner_id": partner.pk if partner else None,
            "role": self._role(outcome, row),
            "joined_on": self.parse(outcome, row, "joined_on", cells.date),
        }
        if outcome.action == "reject":
            return
        existing = lookups["members"].get((camp.pk, partner.pk))
        outcome.target = existing
        if existing is not None:
            same = existing.role == outcome.values["role"] and (
                outcome.values["joined_on"] in (None, existing.joined_on)
            )
            outcome.action = UNCHANGED if same else UPDATE

    def _role(self, outcome: Outcome, row: dict) -> str:
        raw = cells.text(row.get("role"))
        value = choice_value(raw, WorkCampRole) if raw else WorkCampRole.MEMBER
        if value is None:
            outcome.reject(
                self.column("role"),
                unknown_name_message(_("role"), raw, choice_labels(WorkCampRole)),
            )
        return value or WorkCampRole.MEMBER

    def write_row(self, outcome: Outcome) -> None:
        values = outcome.values
        if outcome.action == CREATE:
            work_camp_add_member(
                camp=values["camp"],
                partner=values["partner"],
                role=values["role"],
                joined_on=values["joined_on"],
            )
            return
        changes = {"role": values["role"]}
        if values["joined_on"] is not None:
            changes["joined_on"] = values["joined_on"]
        instance_update(outcome.target, actor=self.actor, **changes)
