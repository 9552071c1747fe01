"""The recognition and roster report: the year's chain-leader roster, the year's recognition
lists, and both counted year over year.

Who sees what follows the lists' own endpoints: the roster is readable by a chain-leader unit
for its own chains (``/api/v1/appointments/``), the recognition lists are internal
(``/api/v1/recognitions/`` refuses a chain-leader unit). So a chain-leader unit gets the roster
rows and roster counts of its own chains only, and no recognition table, column or figure.

Filters that apply:
- ``industry``: roster lines of chains of that industry (or one below it); recognitions of
  partners in that industry (or one below it);
- ``chain``: the chain's roster lines; recognitions of partners in one of its segments;
- ``steward``: roster lines and recognitions of partners that staff member stewards;
- ``zone``: roster lines and recognitions of partners whose carrier is the zone or inside it.

``year`` (or the year the period ends in) chooses the year; the year-over-year table covers
every year present.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_read_all
from chains.models import ChainLeaderAppointment
from chains.selectors import industry_ids_with_descendants, own_chain_ids
from core.reports import Field, Figure, Report, Table
from partners.models import Partner, Recognition, RecognitionCategory

ROSTER_FIELDS = (
    Field("chain", _("chain"), 24),
    Field("industry", _("industry"), 18),
    Field("partner", _("partner"), 36),
    Field("note", _("note"), 24),
)
RECOGNITION_FIELDS = (
    Field("title", _("list"), 24),
    Field("category", _("category"), 16),
    Field("partner", _("partner"), 36),
)
ROSTER_YEAR_FIELDS = (
    Field("year", _("year"), 8),
    Field("roster", _("roster lines"), 12),
    Field("roster_change", _("change"), 10),
    Field("units", _("chain-leader units"), 12),
    Field("units_change", _("change"), 10),
)


def _partner_filter(params: dict, prefix: str = "") -> Q:
    """The steward and zone filters on a partner (``prefix`` leads from the row to it)."""
    condition = Q()
    if params.get("steward"):
        condition &= Q(**{f"{prefix}steward_id": params["steward"]})
    if params.get("zone"):
        zone = params["zone"]
        condition &= Q(**{f"{prefix}carrier_id": zone}) | Q(**{f"{prefix}carrier__zone_id": zone})
    return condition


def roster_lines(user, params: dict, industry_ids: set[int] | None) -> QuerySet:
    if not can_read_all(user):
        # Who stewards which partner is private: a chain-leader unit cannot filter by it.
        params = {**params, "steward": None}
    appointments = ChainLeaderAppointment.objects.filter(_partner_filter(params, "partner__"))
    if not can_read_all(user):
        appointments = appointments.filter(chain_id__in=own_chain_ids(user))
    if industry_ids is not None:
        appointments = appointments.filter(chain__industry_id__in=industry_ids)
    if params.get("chain"):
        appointments = appointments.filter(chain_id=params["chain"])
    return appointments


def recognition_lines(params: dict, industry_ids: set[int] | None) -> QuerySet:
    recognitions = Recognition.objects.filter(_partner_filter(params, "partner__"))
    if industry_ids is not None:
        through = Partner.industries.through.objects.filter(
            partner_id=OuterRef("partner_id"), industry_id__in=industry_ids
        )
        recognitions = recognitions.filter(Exists(through))
    if params.get("chain"):
        through = Partner.segments.through.objects.filter(
            partner_id=OuterRef("partner_id"), chainsegment__chain_id=params["chain"]
        )
        recognitions = recognitions.filter(Exists(through))
    return recognitions


def roster_rows(appointments, year: int) -> list[dict]:
    lines = (
        appointments.filter(year=year)
        .order_by("chain__position", "chain__name", "partner__name")
        .values_list("chain__name", "chain__industry__name", "partner__name", "note")
    )
    keys = [f.key for f in ROSTER_FIELDS]
    return [dict(zip(keys, line, strict=True)) for line in lines]


def recognition_rows(recognitions, year: int) -> list[dict]:
    lines = (
        recognitions.filter(year=year)
        .order_by("title", "category", "partner__name")
        .values_list("title", "category", "partner__name")
    )
    return [
        {"title": title, "category": str(RecognitionCategory(category).label), "partner": partner}
        for title, category, partner in lines
    ]


def _with_changes(rows: list[dict], keys: list[str]) -> list[dict]:
    """Each year's change from the previous year listed (None for the first)."""
    previous = None
    for row in rows:
        for key in keys:
            row[f"{key}_change"] = row[key] - previous[key] if previous else None
        previous = row
    return rows


def year_over_year(appointments, recognitions) -> list[dict]:
    """Roster lines, chain-leader units and (if given) recognitions per category for every
    year present; two queries, merged over their handful of per-year rows."""
    years: dict[int, dict] = {}
    for row in (
        appointments.values("year")
        .annotate(roster=Count("pk"), units=Count("partner", distinct=True))
        .order_by()
    ):
        years[row["year"]] = row
    counts = {"roster": 0, "units": 0}
    categories = [category.value for category in RecognitionCategory]
    if recognitions is not None:
        counts.update(dict.fromkeys([*categories, "recognitions"], 0))
        aggregates = {category: Count("pk", filter=Q(category=category)) for category in categories}
        for row in (
            recognitions.values("year").annotate(recognitions=Count("pk"), **aggregates).order_by()
        ):
            years.setdefault(row["year"], {"year": row["year"]}).update(row)
    rows = [{**counts, **years[year]} for year in sorted(years)]
    return _with_changes(rows, list(counts))


def _year_fields(with_recognitions: bool) -> tuple[Field, ...]:
    if not with_recognitions:
        return ROSTER_YEAR_FIELDS
    fields = []
    for category in RecognitionCategory:
        fields += [
            Field(category.value, category.label, 14),
            Field(f"{category.value}_change", _("change"), 10),
        ]
    return (
        *ROSTER_YEAR_FIELDS,
        *fields,
        Field("recognitions", _("recognitions"), 12),
        Field("recognitions_change", _("change"), 10),
    )


def _filter_industry_ids(params: dict) -> set[int] | None:
    if not params.get("industry"):
        return None
    return industry_ids_with_descendants([params["industry"]])


def roster_report(user, params: dict) -> Report:
    """Four queries (two for a chain-leader unit), plus one for the industry filter."""
    period = params["period"]
    year = params.get("year") or period.until.year
    industry_ids = _filter_industry_ids(params)
    appointments = roster_lines(user, params, industry_ids)
    with_recognitions = can_read_all(user)
    recognitions = recognition_lines(params, industry_ids) if with_recognitions else None
    history = year_over_year(appointments, recognitions)
    this_year = next((row for row in history if row["year"] == year), {})
    figures = [
        Figure("year", _("year"), year),
        Figure("roster", _("roster lines"), this_year.get("roster", 0)),
        Figure("units", _("chain-leader units"), this_year.get("units", 0)),
    ]
    tables = [
        Table("roster", _("Chain-leader roster"), ROSTER_FIELDS, roster_rows(appointments, year))
    ]
    if with_recognitions:
        figures.append(Figure("recognitions", _("recognitions"), this_year.get("recognitions", 0)))
        tables.append(
            Table(
                "recognitions",
                _("Recognition lists"),
                RECOGNITION_FIELDS,
                recognition_rows(recognitions, year),
            )
        )
    tables.append(Table("years", _("Year over year"), _year_fields(with_recognitions), history))
    return Report(
        name="roster",
        title=_("Recognition and roster"),
        period=period,
        figures=figures,
        tables=tables,
    )
