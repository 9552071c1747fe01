"""Importing the doubling plan's annual indicators (倍增企业年度指标), one row per catalogue
enterprise and year, as the statistics office sends them. A row for a year already recorded
updates it; a row with the same figures is unchanged, so the same file can be imported twice."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import columns as cells
from core.imports.base import CREATE, UNCHANGED, UPDATE, Outcome, RowByRowImporter, register
from core.imports.columns import CellError, Column
from partners.importers.references import PartnerReferences, chunks
from partners.models import DoublingIndicator
from partners.services.doubling import doubling_indicator_create, doubling_indicator_update

FIGURES = ("revenue", "tax", "rd_spending", "employees")


def whole_number(value) -> int | None:
    """A count such as 120 or 1,200 (no fractions, not negative)."""
    number = cells.amount(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("Write a whole number."))
    return int(number)


class Lookups:
    def __init__(self, rows: list[dict]):
        self.partners = PartnerReferences(rows)
        ids = sorted({p.pk for p in self.partners.by_code.values()} | self._named_ids())
        self.recorded: dict[tuple[int, int], DoublingIndicator] = {}
        for chunk in chunks(ids):
            for indicator in DoublingIndicator.objects.filter(partner_id__in=chunk):
                self.recorded[(indicator.partner_id, indicator.year)] = indicator

    def _named_ids(self) -> set[int]:
        return {p.pk for group in self.partners.by_name.values() for p in group}


@register
class DoublingIndicatorImporter(RowByRowImporter):
    kind = "doubling-indicators"
    label = gettext_lazy("Doubling-plan indicators")
    permission = "partners.change_doublingindicator"
    key_columns = ("partner_id", "year")
    columns = [
        Column("partner", gettext_lazy("Partner"), ("企业名称", "单位名称", "企业"), required=True),
        Column(
            "uscc",
            gettext_lazy("Unified social credit code"),
            ("统一社会信用代码", "信用代码"),
            help=gettext_lazy("Optional: finds the partner when several have the same name."),
        ),
        Column("year", gettext_lazy("Year"), ("年度", "年份"), required=True),
        Column(
            "revenue",
            gettext_lazy("Revenue (10,000 yuan)"),
            ("营业收入（万元）", "营业收入"),
            required=True,
        ),
        Column(
            "tax", gettext_lazy("Tax paid (10,000 yuan)"), ("税收（万元）", "税收"), required=True
        ),
        Column(
            "rd_spending",
            gettext_lazy("R&D spending (10,000 yuan)"),
            ("研发投入（万元）", "研发投入", "研发费用（万元）"),
            required=True,
        ),
        Column(
            "employees",
            gettext_lazy("Employees"),
            ("从业人员", "从业人员（人）", "职工人数"),
            required=True,
        ),
    ]

    def prepare(self, rows: list[dict]) -> Lookups:
        return Lookups(rows)

    def check_row(self, outcome: Outcome, row: dict, lookups: Lookups) -> None:
        partner = lookups.partners.resolve(self, outcome, row)
        if partner is not None and not partner.in_doubling_catalogue:
            outcome.reject(
                self.column("partner"),
                _("“%(name)s” is not a doubling-plan catalogue enterprise.")
                % {"name": partner.name},
            )
        values = {
            "partner": partner,
            "partner_id": partner.pk if partner else None,
            "year": self.parse(outcome, row, "year", cells.year),
            "revenue": self.parse(outcome, row, "revenue", cells.amount),
            "tax": self.parse(outcome, row, "tax", cells.amount),
            "rd_spending": self.parse(outcome, row, "rd_spending", cells.amount),
            "employees": self.parse(outcome, row, "employees", whole_number),
        }
        outcome.values = values
        if outcome.action == "reject":
            return
        existing = lookups.recorded.get((partner.pk, values["year"]))
        outcome.target = existing
        if existing is None:
            outcome.action = CREATE
        elif all(Decimal(getattr(existing, f)) == Decimal(values[f]) for f in FIGURES):
            outcome.action = UNCHANGED
        else:
            outcome.action = UPDATE

    def write_row(self, outcome: Outcome) -> None:
        figures = {f: outcome.values[f] for f in FIGURES}
        if outcome.action == CREATE:
            doubling_indicator_create(
                actor=self.actor,
                partner=outcome.values["partner"],
                year=outcome.values["year"],
                **figures,
            )
        else:
            doubling_indicator_update(outcome.target, actor=self.actor, **figures)
