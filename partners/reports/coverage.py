"""Visit coverage: the share of partners contacted within their cadence (chain-leader units 30
days, doubling-plan catalogue 60, others 90, as set in the visit cadence rules) by steward,
industry and chain; the partners overdue for a visit with the days overdue; and the
interactions each member of staff recorded per month of the period.

Coverage is as of now (a partner's latest contact is ``Partner.last_contacted_at``; never
contacted, the day it joined the plan); the period selects the interactions counted per month.
Partners withdrawn or archived are left out. Filters: ``industry`` (and below), ``chain``,
``zone`` and ``steward`` select the partners; for the interactions per month, ``steward``
selects who recorded them and the other filters their partner.

The breakdowns and the overdue list's first rows are as of now whatever the period: they are
cached apart (``core.report_cache.cached_part``) with the moment they were counted at, so that
a reader who changes the period waits for the interactions per month alone (at ten times
district scale, a quarter of the time: docs/BENCHMARKS.md), and the workbook's whole overdue
list is taken as of that same moment.

At most seventeen queries whatever the data: the industry tree (only with ``industry``; once
for the partners, once for the interactions), the cadence rules twice for the part (for the
overdue test and for the days), then its three breakdowns (the totals are the steward groups'
sums) and the overdue list's first rows (the most overdue of each cadence group, then those
ordered); the cadence rules twice again for the whole overdue list; the names of the stewards
and recorders, of the industries and of the chains (each skipped when there is none to name)
and the interactions per month."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, DateField, F, Func, IntegerField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from chains.models import Industry, IndustryChain
from core.report_cache import cached_part, report_version
from core.reports import (
    Field,
    Figure,
    QueryRows,
    Report,
    Table,
    chosen_filters,
    day_start,
    names_in_order,
)
from core.sql import AnyOf, WidthBucket
from partners.models import Interaction, Partner
from partners.models.organisations import in_plan, visit_baseline_day
from partners.reports.filtering import partner_condition
from partners.selectors import (
    in_any_group,
    visit_overdue_condition,
    visit_overdue_groups,
    with_cadence_days,
    with_visit_baseline,
)

SHARE = "0.0%"
FIGURES = (
    ("partners", _("partners")),
    ("contacted_in_cadence", _("contacted within their cadence")),
    ("overdue", _("overdue for a visit")),
    ("share", _("share contacted within their cadence")),
    ("interactions", _("interactions in the period")),
)
COVERAGE_FIELDS = (
    Field("partners", _("partners"), 10),
    Field("contacted_in_cadence", _("contacted within their cadence"), 14),
    Field("overdue", _("overdue for a visit"), 12),
    Field("share", _("share contacted within their cadence"), 14, SHARE),
)
STEWARD_FIELDS = (Field("steward", _("steward"), 16), *COVERAGE_FIELDS)
INDUSTRY_FIELDS = (Field("industry", _("industry"), 20), *COVERAGE_FIELDS)
CHAIN_FIELDS = (Field("chain", _("chain"), 20), *COVERAGE_FIELDS)
OVERDUE_FIELDS = (
    Field("partner", _("partner"), 36),
    Field("steward", _("steward"), 16),
    Field("cadence_days", _("days between contacts"), 12),
    Field("last_contacted_at", _("last contacted at"), 18, "yyyy-mm-dd hh:mm"),
    Field("due_on", _("visit due on"), 12, "yyyy-mm-dd"),
    Field("days_overdue", _("days overdue"), 10),
)
INTERACTION_FIELDS = (
    Field("steward", _("recorded by"), 16),
    Field("month", _("month"), 10),
    Field("interactions", _("interactions"), 12),
)


class DaysBetween(Func):
    """``later - earlier`` of two dates, in days: PostgreSQL subtracts dates, SQLite (the
    embedded default of ``make run``) compares Julian day numbers."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return sql, (*later_params, *earlier_params)


def visit_coverage(user, params: dict) -> Report:
    version = report_version()
    partners = with_visit_baseline(
        Partner.objects.filter(in_plan()).filter(partner_condition(params))
    )
    by_steward, by_industry, by_chain, first_overdue, now = cached_part(
        "coverage", user, chosen_filters(params), lambda: _as_of_now(partners), version
    )
    totals = _coverage(
        {key: sum(group[key] for group in by_steward.values()) for key in ("partners", "overdue")}
    )
    # The whole overdue list (the workbook's) as of the moment the counts were taken.
    overdue = partners.filter(visit_overdue_condition(now))
    overdue_list = _overdue_rows(overdue, totals["overdue"], first_overdue)
    interactions = _interactions_by_month(params)
    users = _users(by_steward.keys() | {recorder for recorder, _month, _n in interactions})
    interaction_rows = _interaction_rows(interactions, users)
    values = {**totals, "interactions": sum(row["interactions"] for row in interaction_rows)}
    return Report(
        name="coverage",
        title=_("Visit coverage"),
        period=params["period"],
        figures=[Figure(key, label, values[key]) for key, label in FIGURES],
        tables=[
            Table(
                "by_steward",
                _("Coverage by steward"),
                STEWARD_FIELDS,
                _rows(by_steward, users, "steward"),
            ),
            Table(
                "by_industry",
                _("Coverage by industry"),
                INDUSTRY_FIELDS,
                _rows(by_industry, _names(Industry, by_industry), "industry"),
            ),
            Table(
                "by_chain",
                _("Coverage by chain"),
                CHAIN_FIELDS,
                _rows(by_chain, _names(IndustryChain, by_chain), "chain"),
            ),
            Table(
                "overdue",
                _("Partners overdue for a visit"),
                OVERDUE_FIELDS,
                overdue_list,
            ),
            Table(
                "interactions", _("Interactions per month"), INTERACTION_FIELDS, interaction_rows
            ),
        ],
    )


def _as_of_now(partners) -> tuple[dict, dict, dict, list, dt.datetime]:
    """The partners and those overdue by steward, industry and chain, the first rows of the
    overdue list and the moment they were counted at: as of now, whatever the period, so
    cached apart from the interactions of the period (``cached_part``): a reader who changes
    the period waits for those alone.

    Each partner has one steward and each industry once (the through table's unique pair), so
    those groups count rows; it may sit in several segments of one chain, so chains count
    distinct partners. The totals are the sums of the steward groups (every partner is in
    one): a pass over the partners fewer."""
    now = timezone.now()
    groups = visit_overdue_groups(now)
    overdue = in_any_group(groups)
    return (
        _groups(partners, "steward", overdue),
        _groups(partners, "industries", overdue),
        _groups(partners, "segments__chain", overdue, distinct=True),
        _first_overdue_rows(partners, groups),
        now,
    )


def _coverage(counts: dict) -> dict:
    partners, overdue = counts["partners"], counts["overdue"]
    return {
        "partners": partners,
        "contacted_in_cadence": partners - overdue,
        "overdue": overdue,
        "share": round((partners - overdue) / partners, 4) if partners else None,
    }


def _groups(partners, key: str, overdue: Q, distinct: bool = False) -> dict:
    """``{value of key: {"partners": n, "overdue": n}}``, the value ``None`` for the partners
    without one. Names are read after grouping (``_users``, ``_names``): joined to the rows,
    each name was matched to every partner counted, a third of the query's time."""
    groups = (
        partners.order_by()
        .values_list(key)
        .annotate(
            partners=Count("pk", distinct=distinct),
            overdue=Count("pk", filter=overdue, distinct=distinct),
        )
    )
    return {key: {"partners": n, "overdue": late} for key, n, late in groups}


def _rows(groups: dict, names: dict, column: str) -> list[dict]:
    """One row per group, in the order of ``names`` (``{pk: (position, name)}``, read in the
    database's order); the group without a value (no steward, industry or chain) last, named
    “(none)”, as is one whose record went between the two queries."""
    none = (len(names), str(_("(none)")))
    ordered = sorted(groups.items(), key=lambda item: names.get(item[0], none)[0])
    return [{column: names.get(key, none)[1], **_coverage(counts)} for key, counts in ordered]


def _names(model, groups: dict) -> dict:
    """``{pk: (position, name)}`` of the industries or chains grouped, by name."""
    rows = model.objects.filter(pk__in=groups.keys() - {None}).order_by("name", "pk")
    return names_in_order(rows.values_list("pk", "name"))


def _users(ids) -> dict:
    """``{pk: (position, display name)}`` of the stewards and recorders by username, as staff
    are listed everywhere. Read once after grouping: joined to the groups' rows, each user was
    matched to every partner and interaction counted (at ten times district scale, half the
    time of the interactions per month). The database orders them, as it orders the names."""
    users = User.objects.filter(pk__in=set(ids) - {None}).order_by("username")
    users = users.values_list("pk", "full_name", "username")
    return names_in_order(users, User.display_name)


def _first_overdue_rows(partners, groups: list[Q]) -> list[dict]:
    """The overdue list's first rows (``_overdue_rows``), found cadence group by cadence group
    (``groups``: ``visit_overdue_groups``).

    Ordered as the whole list is, they cost computing and sorting the days of every overdue
    partner (most of the partners: docs/BENCHMARKS.md, sixteenth round). Within one group
    the most overdue are those of the earliest baseline day, by name, then id, the order of
    the index ``partner_visit_day_name``: the catalogue's and the rest's first rows are read
    from it (the chain-leader units, a few dozen in or out of the catalogue, are sorted), and
    only those few are then ordered as the list is. One query per group and one for the
    rows."""
    limit = settings.REPORT_ROWS_SHOWN
    candidates = []
    for group in groups:
        candidates += _most_overdue(partners, group).values_list("pk", flat=True)[:limit]
    # Tested again: a partner contacted since its group was read is no longer overdue.
    overdue = partners.filter(in_any_group(groups), AnyOf(F("pk"), candidates))
    return _overdue_rows(overdue).head(limit)


def _most_overdue(partners, group: Q):
    """The partners of one cadence group overdue for a visit (``group``), the most overdue
    first, as ``_overdue_rows`` orders them: for the catalogue and the rest, the order of the
    index ``partner_visit_day_name``."""
    return partners.filter(group).order_by(visit_baseline_day(), "name", "pk")


def _overdue_rows(overdue, count: int | None = None, first: list | None = None) -> QueryRows:
    """Days overdue computed in the database: today minus the day the visit fell due (the
    baseline's day in the site's time zone plus the cadence). ``count`` is the overall
    figure's; ``first``, the first rows when already read."""
    today = timezone.localdate()
    rows = (
        with_cadence_days(overdue)
        .annotate(
            days_overdue=DaysBetween(Value(today, output_field=DateField()), visit_baseline_day())
            - F("cadence_days")
        )
        .order_by("-days_overdue", "name", "pk")
        .values_list(
            "name",
            "steward__full_name",
            "steward__username",
            "cadence_days",
            "last_contacted_at",
            "days_overdue",
        )
    )

    def row(values) -> dict:
        name, full_name, username, cadence, last_contacted_at, days_overdue = values
        return {
            "partner": name,
            "steward": full_name or username,
            "cadence_days": cadence,
            "last_contacted_at": last_contacted_at,
            "due_on": today - dt.timedelta(days=days_overdue),
            "days_overdue": days_overdue,
        }

    return QueryRows(rows, row, count, first)


def _interactions_by_month(params: dict) -> list[tuple]:
    """The interactions of the period per recorder and month: ``(recorder, month's first day,
    count)``, the months those of the site's time zone."""
    period = params["period"]
    condition = partner_condition({**params, "steward": None}, "partner")
    if params.get("steward"):
        condition &= Q(recorded_by_id=params["steward"])
    months = _month_starts(period)
    rows = (
        Interaction.objects.filter(occurred_at__gte=period.start(), occurred_at__lt=period.end())
        .filter(condition)
        .order_by()
        .values_list("recorded_by", WidthBucket("occurred_at", months))
        .annotate(interactions=Count("*"))
    )
    return [(recorder, months[month - 1].date(), n) for recorder, month, n in rows]


def _month_starts(period) -> list[dt.datetime]:
    """The first moment of each month the period touches, in the site's time zone."""
    starts, day = [], period.since.replace(day=1)
    while day <= period.until:
        starts.append(day_start(day))
        day = (day + dt.timedelta(days=31)).replace(day=1)
    return starts


def _interaction_rows(interactions: list[tuple], users: dict) -> list[dict]:
    """One row per recorder and month, by the recorder's username, then month."""
    ordered = sorted((users[recorder], month, n) for recorder, month, n in interactions)
    return [
        {"steward": name, "month": month.strftime("%Y-%m"), "interactions": n}
        for (_position, name), month, n in ordered
    ]
