"""Importing contact records (走访/联系记录) kept in spreadsheets before the system: one row per
contact. A row whose partner, time and summary match a recorded contact is unchanged, so the
same file can be imported twice. Each row goes through ``interaction_record``: the next
follow-up it names is created and the partner's last contact is kept current."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import columns as cells
from core.imports.base import (
    UNCHANGED,
    Outcome,
    RowByRowImporter,
    choice_labels,
    choice_value,
    register,
    unknown_name_message,
)
from core.imports.columns import Column
from partners.importers.references import PartnerReferences, UserReferences, chunks
from partners.models import Interaction
from partners.models.engagement import InteractionKind
from partners.services.engagement import interaction_record


class Lookups:
    def __init__(self, rows: list[dict]):
        self.partners = PartnerReferences(rows)
        self.users = UserReferences()
        ids = sorted({p.pk for p in self.partners.by_code.values()} | self._named_ids())
        self.recorded: set[tuple] = set()
        for chunk in chunks(ids):
            records = Interaction.objects.filter(partner_id__in=chunk)
            self.recorded |= set(records.values_list("partner_id", "occurred_at", "summary"))

    def _named_ids(self) -> set[int]:
        return {p.pk for group in self.partners.by_name.values() for p in group}


@register
class InteractionImporter(RowByRowImporter):
    kind = "interactions"
    label = gettext_lazy("Contact records")
    permission = "partners.add_interaction"
    key_columns = ("partner_id", "occurred_at", "summary")
    columns = [
        Column(
            "partner",
            gettext_lazy("Partner"),
            ("企业名称", "单位名称", "走访企业", "企业"),
            required=True,
        ),
        Column(
            "uscc", gettext_lazy("Unified social credit code"), ("统一社会信用代码", "信用代码")
        ),
        Column(
            "occurred_at",
            gettext_lazy("When"),
            ("走访时间", "走访日期", "联系时间", "日期", "时间"),
            required=True,
            help=gettext_lazy("2024-03-29 or 2024-03-29 14:30."),
        ),
        Column(
            "kind",
            gettext_lazy("Kind of contact"),
            ("走访方式", "联系方式", "方式", "类型"),
            required=True,
            help=gettext_lazy("Visit on site, phone call, meeting, event or online."),
        ),
        Column(
            "summary",
            gettext_lazy("Summary"),
            ("走访内容", "联系内容", "内容", "情况摘要"),
            required=True,
        ),
        Column("outcome", gettext_lazy("Outcome"), ("走访成效", "成效", "结果", "办理结果")),
        Column(
            "recorded_by",
            gettext_lazy("Recorded by"),
            ("记录人", "走访人", "填报人"),
            help=gettext_lazy("A user name or full name; empty: the person who imports."),
        ),
        Column(
            "next_follow_up_on",
            gettext_lazy("Next follow-up on"),
            ("下次跟进日期", "跟进日期", "下次走访日期"),
        ),
    ]

    def prepare(self, rows: list[dict]) -> Lookups:
        return Lookups(rows)

    def check_row(self, outcome: Outcome, row: dict, lookups: Lookups) -> None:
        partner = lookups.partners.resolve(self, outcome, row)
        occurred_at = self.parse(outcome, row, "occurred_at", cells.moment)
        if occurred_at is not None and occurred_at > timezone.now():
            outcome.reject(self.column("occurred_at"), _("A contact cannot be in the future."))
        summary = self.parse(outcome, row, "summary", cells.text, max_length=5000)
        outcome.values = {
            "partner": partner,
            "partner_id": partner.pk if partner else None,
            "occurred_at": occurred_at,
            "summary": summary,
            "kind": self._kind(outcome, row),
            "outcome": self.parse(outcome, row, "outcome", cells.text, max_length=5000) or "",
            "recorded_by": lookups.users.by_pk.get(
                lookups.users.resolve(self, outcome, row, "recorded_by")
            ),
            "next_follow_up_on": self.parse(outcome, row, "next_follow_up_on", cells.date),
        }
        if outcome.action != "reject" and (partner.pk, occurred_at, summary) in lookups.recorded:
            outcome.action = UNCHANGED

    def _kind(self, outcome: Outcome, row: dict) -> str:
        raw = cells.text(row.get("kind"))
        value = choice_value(raw, InteractionKind)
        if raw and value is None:
            outcome.reject(
                self.column("kind"),
                unknown_name_message(_("kind of contact"), raw, choice_labels(InteractionKind)),
            )
        return value or ""

    def write_row(self, outcome: Outcome) -> None:
        values = outcome.values
        interaction_record(
            partner=values["partner"],
            actor=values["recorded_by"] or self.actor,
            kind=values["kind"],
            occurred_at=values["occurred_at"],
            summary=values["summary"],
            outcome=values["outcome"],
            next_follow_up_on=values["next_follow_up_on"],
        )
