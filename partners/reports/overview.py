"""The district overview: the headline figures of the partner plan, computed from the data, so
that anyone can check the system against the published figures (600 partners, 456 of them
joined at the first conference, 65 chain-leader units, 15 work camps, 20 projects promoted and 9
signed at the 2024 conference)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from chains.models import ChainLeaderAppointment, WorkCamp
from core.reports import Field, Figure, Report, Table
from partners.models import Partner
from projects.models import Event, Project

FIGURES = (
    ("partners", _("partners")),
    ("withdrawn", _("of which withdrawn")),
    ("joined_in_period", _("partners joined in the period")),
    ("doubling_catalogue", _("doubling-plan catalogue enterprises")),
    ("roster_year", _("roster year")),
    ("chain_leader_units", _("chain-leader units")),
    ("chains_led", _("chains with a leader")),
    ("work_camps", _("work camps")),
    ("projects", _("major projects")),
    ("projects_promoted", _("projects promoted at events in the period")),
    ("projects_signed", _("projects signed at events in the period")),
)
EVENT_FIELDS = (
    Field("event", _("event"), 36),
    Field("date", _("date"), 12, "yyyy-mm-dd"),
    Field("partners_joined", _("partners joined"), 12),
    Field("projects_promoted", _("projects promoted"), 12),
    Field("projects_signed", _("projects signed"), 12),
)


def district_overview(user, params: dict) -> Report:
    """Three queries: the partner counts, the roster and camps, and the events in the period."""
    period = params["period"]
    partners = Partner.objects.filter(archived_at=None).aggregate(
        partners=Count("pk"),
        withdrawn=Count("pk", filter=Q(status=Partner.Status.WITHDRAWN)),
        joined_in_period=Count("pk", filter=Q(joined_on__range=(period.since, period.until))),
        doubling_catalogue=Count("pk", filter=Q(in_doubling_catalogue=True)),
    )
    roster_year = params.get("year") or period.until.year
    counts = ChainLeaderAppointment.objects.filter(year=roster_year).aggregate(
        chain_leader_units=Count("partner", distinct=True), chains_led=Count("chain", distinct=True)
    )
    events = (
        Event.objects.filter(date__range=(period.since, period.until))
        .annotate(
            joined=Count("partners_joined", distinct=True),
            promoted=Count("projects_promoted", distinct=True),
            signed=Count("projects_signed", distinct=True),
        )
        .order_by("date", "pk")
        .values_list("name", "date", "joined", "promoted", "signed")
    )
    keys = [f.key for f in EVENT_FIELDS]
    rows = [dict(zip(keys, event, strict=True)) for event in events]
    totals = {
        "projects_promoted": sum(r["projects_promoted"] for r in rows),
        "projects_signed": sum(r["projects_signed"] for r in rows),
    }
    values = {
        **partners,
        "roster_year": roster_year,
        **counts,
        "work_camps": WorkCamp.objects.count(),
        "projects": Project.objects.filter(archived_at=None).count(),
        **totals,
    }
    figures = [Figure(key, label, values[key]) for key, label in FIGURES]
    return Report(
        name="overview",
        title=_("District overview"),
        period=period,
        figures=figures,
        tables=[Table("events", _("Conferences and events"), EVENT_FIELDS, rows)],
    )
