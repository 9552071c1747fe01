"""How enterprise requests (企业诉求) are handled: of the requests received in the period, how
many were resolved, how many by their deadline, how many working days handling took (average
and 90th percentile) and how satisfied the enterprises were, overall, by category and by owner
department; and the open requests past their deadline today.

Definitions:

- *received*: ``received_on`` within the period; *resolved*: such a request with a resolution
  date (``resolved_at``, kept when the request is closed, cleared when it is reopened), at any
  time up to now.
- *on time*: resolved on or before its ``deadline`` (the working-day deadline, after any
  extension), the resolution date taken in the site's time zone; resolved on the deadline day
  is on time.
- *handling days*: ``workdays_between(received_on, resolution date)`` from
  ``partners.workdays``: working days after the day received up to and including the day
  resolved (0 for a request resolved the day it came in).
- *90th percentile*: interpolated between the two nearest values, as PostgreSQL's
  ``percentile_cont(0.9)`` does.
- *overdue*: open (received or in progress) with a deadline before today, whenever it was
  received: the period does not apply to this list. Its working days overdue count from the
  deadline to today.

Filters that apply (to the request's partner): industry (and below), chain, steward, zone.

Why the handling days are computed in Python: a working day depends on the State Council's
holiday calendar (the chinese-calendar package, ``partners.workdays``), which the database does
not have, so no SQL expression can count them consistently with the deadlines. The selector
therefore fetches the (group, received, resolved) date triples of the resolved requests in ONE
query and computes working days, averages and percentiles over that list; this also spares a
PostgreSQL-only percentile function (the project also runs on SQLite).

Three queries, whatever the data size: the counts grouped by category and department (totals
and both tables are sums of those few rows), the resolved requests' dates, the overdue list.
"""

import math
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reports import Field, Figure, Report, Table
from partners.models import EnterpriseRequest
from partners.models.engagement import RequestCategory, RequestStatus
from partners.reports.filtering import partner_condition
from partners.workdays import workdays_between

PERCENTILE = 0.9
OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)

COUNTS = ("received", "resolved", "resolved_on_time", "rated", "satisfaction_sum")

FIGURES = (
    ("received", _("requests received")),
    ("resolved", _("requests resolved")),
    ("resolved_on_time", _("requests resolved on time")),
    ("average_handling_days", _("average handling (working days)")),
    ("p90_handling_days", _("90th percentile of handling (working days)")),
    ("average_satisfaction", _("average satisfaction (1–5)")),
    ("overdue", _("open requests past their deadline")),
)


def _group_fields(key: str, label) -> list[Field]:
    return [
        Field(key, label, 20),
        Field("received", _("received"), 10),
        Field("resolved", _("resolved"), 10),
        Field("resolved_on_time", _("resolved on time"), 12),
        Field("average_handling_days", _("average handling (working days)"), 14, "0.0"),
        Field("p90_handling_days", _("90th percentile of handling (working days)"), 14, "0.0"),
        Field("average_satisfaction", _("average satisfaction (1–5)"), 12, "0.00"),
    ]


CATEGORY_FIELDS = _group_fields("category", _("category"))
DEPARTMENT_FIELDS = _group_fields("owner_department", _("owner department"))
OVERDUE_FIELDS = (
    Field("partner", _("partner"), 30),
    Field("category", _("category"), 10),
    Field("description", _("description"), 40),
    Field("owner_department", _("owner department"), 16),
    Field("owner", _("owner"), 12),
    Field("status", _("status"), 10),
    Field("received_on", _("received on"), 12, "yyyy-mm-dd"),
    Field("deadline", _("deadline"), 12, "yyyy-mm-dd"),
    Field("working_days_overdue", _("working days overdue"), 12),
)


def request_handling(user, params: dict) -> Report:
    period = params["period"]
    partners = partner_condition(params, "partner")
    received = EnterpriseRequest.objects.filter(
        partners, received_on__range=(period.since, period.until)
    ).annotate(resolved_on=TruncDate("resolved_at"))
    counts = list(
        received.values("category", "owner_department")
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            resolved_on_time=Count("pk", filter=Q(resolved_on__lte=F("deadline"))),
            rated=Count("satisfaction"),
            satisfaction_sum=Sum("satisfaction"),
        )
        .order_by()
    )
    durations = [
        (category, department, workdays_between(received_on, resolved_on))
        for category, department, received_on, resolved_on in received.filter(
            resolved_at__isnull=False
        ).values_list("category", "owner_department", "received_on", "resolved_on")
    ]
    overdue = _overdue_rows(partners)
    totals = _summary(counts, [days for _c, _d, days in durations])
    figures = {**totals, "overdue": len(overdue)}
    return Report(
        name="requests",
        title=_("Request handling"),
        period=period,
        figures=[Figure(key, label, figures[key]) for key, label in FIGURES],
        tables=[
            Table(
                "by_category",
                _("By category"),
                CATEGORY_FIELDS,
                _by_category(counts, durations),
            ),
            Table(
                "by_department",
                _("By owner department"),
                DEPARTMENT_FIELDS,
                _by_department(counts, durations),
            ),
            Table("overdue", _("Overdue requests"), OVERDUE_FIELDS, overdue),
        ],
    )


def _summary(counts: Iterable[dict], days: list[int]) -> dict:
    """Sums of already-grouped counts, and the handling statistics of ``days``."""
    sums = {key: sum(row[key] or 0 for row in counts) for key in COUNTS}
    return {
        "received": sums["received"],
        "resolved": sums["resolved"],
        "resolved_on_time": sums["resolved_on_time"],
        "average_handling_days": round(sum(days) / len(days), 1) if days else None,
        "p90_handling_days": percentile(days, PERCENTILE),
        "average_satisfaction": (
            round(sums["satisfaction_sum"] / sums["rated"], 2) if sums["rated"] else None
        ),
    }


def _grouped(counts, durations, index: int, key: str) -> dict:
    """Counts and handling days by the group at ``index`` of each (category, department)."""
    groups: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in counts:
        groups[row[key]][0].append(row)
    for duration in durations:
        groups[duration[index]][1].append(duration[2])
    return {name: _summary(rows, days) for name, (rows, days) in groups.items()}


def _by_category(counts, durations) -> list[dict]:
    groups = _grouped(counts, durations, 0, "category")
    return [
        {"category": str(label), **groups[value]}
        for value, label in RequestCategory.choices
        if value in groups
    ]


def _by_department(counts, durations) -> list[dict]:
    groups = _grouped(counts, durations, 1, "owner_department")
    unassigned = str(_("(no department)"))
    return [
        {"owner_department": name or unassigned, **groups[name]}
        for name in sorted(groups, key=lambda name: (name == "", name))
    ]


def _overdue_rows(partners) -> list[dict]:
    """Open requests past their deadline today, the most overdue first (one query; the working
    days overdue of each listed request come from the holiday calendar)."""
    today = timezone.localdate()
    requests = (
        EnterpriseRequest.objects.filter(partners, status__in=OPEN_STATUSES, deadline__lt=today)
        .order_by("deadline", "pk")
        .values_list(
            "partner__name",
            "category",
            "description",
            "owner_department",
            "owner__full_name",
            "status",
            "received_on",
            "deadline",
        )
    )
    return [
        {
            "partner": partner,
            "category": str(RequestCategory(category).label),
            "description": description,
            "owner_department": department,
            "owner": owner or "",
            "status": str(RequestStatus(status).label),
            "received_on": received_on,
            "deadline": deadline,
            "working_days_overdue": workdays_between(deadline, today),
        }
        for (
            partner,
            category,
            description,
            department,
            owner,
            status,
            received_on,
            deadline,
        ) in requests
    ]


def percentile(values: list[int], fraction: float) -> float | None:
    """The ``fraction`` percentile of ``values``, interpolated between the nearest two (as
    ``percentile_cont``), rounded to one decimal; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    value = ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
    return round(value, 1)
