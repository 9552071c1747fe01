"""The doubling plan's progress (倍增计划): for each catalogue enterprise, its base year (its
first year of indicators, whenever that was) against its latest year within the period, the
ratio to base of each indicator (revenue, tax, R&D spending, employees), and whether it is on
track toward twice the base; with the district's totals (the sum of the latest years against
the sum of the base years, over the enterprises that reported a year in the period).

*On track*: an indicator is on track when its ratio to base is at least the straight line from
×1 in the base year to ×2 ``HORIZON_YEARS`` years later (so ×1.4 two years after the base, ×2
from the fifth year on). An enterprise is on track when its revenue, the plan's headline
measure, is; ``indicators_on_track`` counts how many of the four are. In its base year itself
(no growth to judge yet), or with a zero base, nothing is judged (empty).

The period selects the latest year: the last year with indicators among the calendar years the
period touches (``?year=2024``, or ``since``/``until``). Filters that apply (to the
enterprise): industry (and below), chain, steward, zone.

Two queries: the figures (counts and sums over the enterprises' base and latest figures,
correlated subqueries), and the enterprises shown, read as far as shown (the workbook reads
them all). Whether an indicator is on track is decided in the database (``_on_track``), for
the count and for each row alike; the ratios shown are arithmetic on the fetched figures.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Least
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.reports import Field, Figure, QueryRows, Report, Table
from partners.models import DoublingIndicator, Partner
from partners.reports.filtering import partner_condition

HORIZON_YEARS = 5  # years from the base year in which each indicator should double

INDICATORS = (
    ("revenue", _("revenue (10,000 yuan)"), "#,##0.00"),
    ("tax", _("tax paid (10,000 yuan)"), "#,##0.00"),
    ("rd_spending", _("R&D spending (10,000 yuan)"), "#,##0.00"),
    ("employees", _("employees"), "#,##0"),
)
BASE = _("{indicator}, base year")
LATEST = _("{indicator}, latest year")
RATIO = _("{indicator}, ratio to base")
DISTRICT_BASE = _("district total of {indicator}, base years")
DISTRICT_LATEST = _("district total of {indicator}, latest years")
DISTRICT_RATIO = _("district {indicator}, ratio to base")


def _indicator_fields() -> list[Field]:
    fields = []
    for key, label, number_format in INDICATORS:
        fields += [
            Field(f"base_{key}", format_lazy(BASE, indicator=label), 14, number_format),
            Field(f"latest_{key}", format_lazy(LATEST, indicator=label), 14, number_format),
            Field(f"{key}_ratio", format_lazy(RATIO, indicator=label), 10, "0.00"),
        ]
    return fields


ENTERPRISE_FIELDS = (
    Field("partner", _("enterprise"), 30),
    Field("base_year", _("base year"), 8),
    Field("latest_year", _("latest year"), 8),
    Field("expected_ratio", _("ratio expected on the path to ×2"), 10, "0.00"),
    *_indicator_fields(),
    Field("indicators_on_track", _("indicators on track"), 10),
    Field("on_track", _("on track"), 8),
)


def doubling_progress(user, params: dict) -> Report:
    period = params["period"]
    enterprises = _enterprises(params, period.since.year, period.until.year)
    reporting = Q(latest_year__isnull=False)
    found = enterprises.annotate(revenue_on_track=_on_track("revenue")).aggregate(
        catalogue_enterprises=Count("pk"),
        reporting=Count("pk", filter=reporting),
        on_track=Count("pk", filter=Q(revenue_on_track=True)),
        **{
            f"{side}_{key}_total": Sum(f"{side}_{key}", filter=reporting)
            for side in ("base", "latest")
            for key in _keys()
        },
    )
    figures = [
        Figure("catalogue_enterprises", _("catalogue enterprises"), found["catalogue_enterprises"]),
        Figure("reporting", _("enterprises with indicators in the period"), found["reporting"]),
        Figure("on_track", _("enterprises on track"), found["on_track"]),
    ]
    for key, label, _format in INDICATORS:
        zero = 0 if key == "employees" else Decimal("0.00")
        base = _figure(key, found[f"base_{key}_total"] or zero)
        latest = _figure(key, found[f"latest_{key}_total"] or zero)
        figures += [
            Figure(f"base_{key}_total", format_lazy(DISTRICT_BASE, indicator=label), base),
            Figure(f"latest_{key}_total", format_lazy(DISTRICT_LATEST, indicator=label), latest),
            Figure(
                f"{key}_ratio", format_lazy(DISTRICT_RATIO, indicator=label), ratio(latest, base)
            ),
        ]
    # Read as far as shown (20,000 catalogue enterprises at ten times district scale); the
    # workbook has them all.
    flags = {f"{key}_on_track": _on_track(key) for key in _keys()}
    rows = QueryRows(
        enterprises.annotate(**flags).values(*_columns()),
        _row,
        count=found["catalogue_enterprises"],
    )
    return Report(
        name="doubling",
        title=_("Doubling-plan progress"),
        period=period,
        figures=figures,
        tables=[Table("enterprises", _("Catalogue enterprises"), ENTERPRISE_FIELDS, rows)],
    )


def _keys() -> list[str]:
    return [key for key, _label, _format in INDICATORS]


def _columns() -> list[str]:
    figures = [f"{side}_{key}" for side in ("base", "latest") for key in _keys()]
    flags = [f"{key}_on_track" for key in _keys()]
    return ["name", "base_year", "latest_year", *figures, *flags]


def _enterprises(params: dict, first_year: int, last_year: int):
    """Catalogue enterprises (not archived) with their base and latest-year figures."""
    indicators = DoublingIndicator.objects.filter(partner=OuterRef("pk"))
    base = indicators.order_by("year")
    latest = indicators.filter(year__gte=first_year, year__lte=last_year).order_by("-year")
    annotations = {
        "base_year": Subquery(base.values("year")[:1]),
        "latest_year": Subquery(latest.values("year")[:1]),
    }
    for key in _keys():
        annotations[f"base_{key}"] = Subquery(base.values(key)[:1])
        annotations[f"latest_{key}"] = Subquery(latest.values(key)[:1])
    return (
        Partner.objects.filter(
            partner_condition(params), in_doubling_catalogue=True, archived_at=None
        )
        .annotate(**annotations)
        .order_by("name", "pk")
    )


def _figure(key: str, value):
    """Amounts with two decimals whatever the database returns (SQLite drops the scale)."""
    if value is None or key == "employees":
        return value
    return Decimal(value).quantize(Decimal("0.01"))


def expected_ratio(years_since_base: int) -> Decimal:
    """Where the straight path from ×1 to ×2 over ``HORIZON_YEARS`` stands after that many
    years (×2 from the horizon on)."""
    years = min(years_since_base, HORIZON_YEARS)
    return (1 + Decimal(years) / HORIZON_YEARS).quantize(Decimal("0.01"), ROUND_HALF_UP)


def ratio(latest, base) -> float | None:
    """``latest / base`` to two decimals; None for a zero or missing base."""
    if not base or latest is None:
        return None
    value = Decimal(latest) / Decimal(base)
    return float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def _on_track(key: str) -> Case:
    """Whether the indicator's ratio to base is at least the path's (``expected_ratio``),
    compared exactly in the database: latest × H ≥ base × (H + years since the base, at most
    H), H being ``HORIZON_YEARS``. Nothing is judged (NULL) without a latest year, in the base
    year itself, or with a zero base."""
    base, latest = F(f"base_{key}"), F(f"latest_{key}")
    years = Least(F("latest_year") - F("base_year"), Value(HORIZON_YEARS))
    judged = Q(latest_year__gt=F("base_year")) & ~Q(**{f"base_{key}": 0})
    on_path = GreaterThanOrEqual(latest * HORIZON_YEARS, base * (years + HORIZON_YEARS))
    return Case(
        When(judged & Q(on_path), then=Value(True)),
        When(judged, then=Value(False)),
        default=Value(None),
        output_field=BooleanField(),
    )


def _row(values: dict) -> dict:
    base_year, latest_year = values["base_year"], values["latest_year"]
    row = {"partner": values["name"], "base_year": base_year, "latest_year": latest_year}
    row["expected_ratio"] = None
    if latest_year is not None:
        row["expected_ratio"] = float(expected_ratio(latest_year - base_year))
    for key in _keys():
        base, latest = values[f"base_{key}"], values[f"latest_{key}"]
        row[f"base_{key}"] = _figure(key, base)
        row[f"latest_{key}"] = _figure(key, latest)
        row[f"{key}_ratio"] = ratio(latest, base)
    # NULL where nothing is judged (see _on_track), so no latest year needs no test here.
    flags = (values[f"{key}_on_track"] for key in _keys())
    known = [flag for flag in flags if flag is not None]
    row["indicators_on_track"] = sum(known) if known else None
    row["on_track"] = values["revenue_on_track"]
    return row
