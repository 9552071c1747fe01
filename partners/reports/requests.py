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
- *handling days*: the request's ``handling_workdays``, set when it is resolved: working days
  after the day received up to and including the day resolved (0 for a request resolved the
  day it came in), by the State Council's holiday calendar (``partners.workdays``), which the
  database does not have; that is why it is stored rather than computed here.
- *90th percentile*: interpolated between the two nearest values, as PostgreSQL's
  ``percentile_cont(0.9)`` (``core.sql.PercentileCont``, also on SQLite).
- *overdue*: open (received or in progress) with a deadline before today, whenever it was
  received: the period does not apply to this list. Its working days overdue count from the
  deadline to today.

Filters that apply (to the request's partner): industry (and below), chain, steward, zone.

Four queries, whatever the data size: the totals, the figures by category, by department (each
a GROUP BY with its averages and percentile, as a percentile of a group is not a sum of its
parts), and the overdue list.
"""

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.reports import Field, Figure, QueryRows, Report, Table
from core.sql import PercentileCont
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
    )
    overdue = _overdue_rows(partners)
    figures = {**_totals(received), "overdue": len(overdue)}
    return Report(
        name="requests",
        title=_("Request handling"),
        period=period,
        figures=[Figure(key, label, figures[key]) for key, label in FIGURES],
        tables=[
            Table("by_category", _("By category"), CATEGORY_FIELDS, _by_category(received)),
            Table(
                "by_department",
                _("By owner department"),
                DEPARTMENT_FIELDS,
                _by_department(received),
            ),
            Table("overdue", _("Overdue requests"), OVERDUE_FIELDS, overdue),
        ],
    )


def _measures() -> dict:
    """The aggregates of a set of received requests (the resolution date in local time)."""
    return {
        "received": Count("pk"),
        "resolved": Count("pk", filter=Q(resolved_at__isnull=False)),
        "resolved_on_time": Count("pk", filter=Q(resolved_on__lte=F("deadline"))),
        "average_handling_days": Avg("handling_workdays"),
        "p90_handling_days": PercentileCont("handling_workdays", PERCENTILE),
        "average_satisfaction": Avg("satisfaction"),
    }


def _rounded(row: dict) -> dict:
    """Averages and the percentile with the decimals the report shows."""
    places = {"average_handling_days": 1, "p90_handling_days": 1, "average_satisfaction": 2}
    return {
        **row,
        **{
            key: None if row[key] is None else round(float(row[key]), digits)
            for key, digits in places.items()
        },
    }


def _with_resolution_date(requests):
    return requests.annotate(resolved_on=TruncDate("resolved_at"))


def _totals(received) -> dict:
    return _rounded(_with_resolution_date(received).aggregate(**_measures()))


def _grouped(received, key: str):
    return _with_resolution_date(received).values(key).annotate(**_measures()).order_by(key)


def _by_category(received) -> list[dict]:
    groups = {row["category"]: _rounded(row) for row in _grouped(received, "category")}
    return [
        {**groups[value], "category": str(label)}
        for value, label in RequestCategory.choices
        if value in groups
    ]


def _by_department(received) -> list[dict]:
    rows = [_rounded(row) for row in _grouped(received, "owner_department")]
    unassigned = str(_("(no department)"))
    named = [row for row in rows if row["owner_department"]]
    return named + [
        {**row, "owner_department": unassigned} for row in rows if not row["owner_department"]
    ]


def _overdue_rows(partners) -> QueryRows:
    """Open requests past their deadline today, the most overdue first (read as far as shown;
    the working days overdue of each listed request come from the holiday calendar)."""
    today = timezone.localdate()
    overdue = EnterpriseRequest.objects.filter(
        partners, status__in=OPEN_STATUSES, deadline__lt=today
    )
    requests = overdue.order_by("deadline", "pk").values_list(
        "partner__name",
        "category",
        "description",
        "owner_department",
        "owner__full_name",
        "owner__username",
        "status",
        "received_on",
        "deadline",
    )

    def row(values) -> dict:
        (
            partner,
            category,
            description,
            department,
            owner_full_name,
            owner_username,
            status,
            received_on,
            deadline,
        ) = values
        return {
            "partner": partner,
            "category": str(RequestCategory(category).label),
            "description": description,
            "owner_department": department,
            "owner": User.display_name(owner_full_name, owner_username) or "",
            "status": str(RequestStatus(status).label),
            "received_on": received_on,
            "deadline": deadline,
            "working_days_overdue": workdays_between(deadline, today),
        }

    return QueryRows(requests, row, counted=overdue)
