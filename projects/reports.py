"""The project pipeline report: where the major projects stand, how they move through the
stages, which ones are slow or stalled, and the year's signed and landed projects against the
target managers set.

Filters that apply (all to the projects; archived projects are left out):
- ``industry``: projects with that industry or one below it;
- ``chain``: projects whose industries include the chain's industry (or one below it);
- ``steward``: the project's owner;
- ``zone``: projects whose carrier is the functional zone or a building or park inside it.

The period chooses the events (by date), the stage moves counted in the conversion and the
stays counted in the days per stage; ``year`` (or the year the period ends in) chooses the
target. The breakdowns by stage, industry, owner and kind are the pipeline as it stands.
"""

import datetime as dt
import heapq
import itertools
import statistics
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from chains.models import Industry, IndustryChain
from chains.selectors import industry_ids_with_descendants
from core.report_cache import cached_part, report_version
from core.reports import (
    Field,
    Figure,
    Period,
    QueryRows,
    Report,
    Table,
    chosen_filters,
    names_in_order,
)
from core.sql import ElapsedMicroseconds
from projects.models import Event, PipelineTarget, Project, Stage, StageChange

ZERO = Decimal("0.00")
# The columns of ``project_groups`` that the breakdowns sum by.
STAGE_COLUMN, OWNER_COLUMN, KIND_COLUMN = range(3)
DAY = dt.timedelta(days=1)
MICROSECONDS_PER_DAY = DAY // dt.timedelta(microseconds=1)
SLOWEST = 10

# The forward path a project takes; conversion is measured from each stage to the next one.
PATH = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.UNDER_CONSTRUCTION,
    Stage.OPERATING,
)
NEXT_STAGE = dict(itertools.pairwise(PATH))
# Stages a project is meant to leave: the days spent in them are measured.
TIMED_STAGES = PATH[:-1]
# Stages in which a project can stall (dropped and operating ones are not waiting for a move).
LIVE_STAGES = PATH[:-1]

STAGE_FIELDS = (
    Field("stage", _("stage code"), 18),
    Field("stage_label", _("stage"), 14),
)
COUNT_FIELDS = (
    Field("projects", _("projects"), 10),
    Field("planned_investment", _("planned investment (100 million yuan)"), 16, "0.00"),
)
PROJECT_FIELDS = (
    Field("code", _("project code"), 14),
    Field("name", _("project"), 36),
    Field("owner", _("owner"), 14),
)


def pipeline_projects(params: dict) -> QuerySet[Project]:
    """The live projects the filters select (one query for the industry tree if filtered)."""
    projects = Project.objects.filter(archived_at=None)
    industry_ids = _filter_industry_ids(params)
    if industry_ids is not None:
        through = Project.industries.through.objects.filter(
            project=OuterRef("pk"), industry__in=industry_ids
        )
        projects = projects.filter(Exists(through))
    if params.get("steward"):
        projects = projects.filter(owner_id=params["steward"])
    if params.get("zone"):
        projects = projects.filter(
            Q(carrier_id=params["zone"]) | Q(carrier__zone_id=params["zone"])
        )
    return projects


def _filter_industry_ids(params: dict) -> set[int] | None:
    """The industries the industry and chain filters allow, or None if neither is given."""
    chosen = []
    if params.get("industry"):
        chosen.append({params["industry"]})
    if params.get("chain"):
        chain_industry = IndustryChain.objects.filter(pk=params["chain"]).values_list(
            "industry_id", flat=True
        )
        chosen.append(set(chain_industry))
    if not chosen:
        return None
    allowed = [industry_ids_with_descendants(ids) if ids else set() for ids in chosen]
    return set.intersection(*allowed)


def percent(part, whole) -> float | None:
    """``part`` of ``whole`` in per cent with one decimal; None when ``whole`` is 0 or None."""
    return round(float(part) * 100 / float(whole), 1) if whole else None


def _stage_row(stage: str) -> dict:
    return {"stage": stage, "stage_label": str(Stage(stage).label)}


def _investment(value) -> Decimal:
    """A sum of planned investment with two decimals (SQLite's sums drop trailing zeros)."""
    return ZERO if value is None else Decimal(value).quantize(ZERO)


def _counts(found: tuple[int, Decimal] | None) -> dict:
    projects, investment = found or (0, ZERO)
    return {"projects": projects, "planned_investment": investment}


def project_groups(projects) -> list[tuple]:
    """``(stage, owner id, kind, projects, planned investment)`` for each combination found:
    the one pass over the projects that the breakdowns by stage, owner and kind then sum
    (``_sums``). Three passes, one per breakdown, took five times as long at ten times
    district scale (docs/BENCHMARKS.md)."""
    groups = (
        projects.order_by()
        .values_list("stage", "owner_id", "kind")
        .annotate(projects=Count("pk"), planned_investment=Sum("planned_investment"))
    )
    return [(*key, n, _investment(investment)) for *key, n, investment in groups]


def _sums(groups: list[tuple], column: int) -> dict:
    """``{value: (projects, planned investment)}`` of one column of ``project_groups``."""
    sums = {}
    for *key, projects, investment in groups:
        counted, summed = sums.get(key[column], (0, ZERO))
        sums[key[column]] = (counted + projects, summed + investment)
    return sums


def by_stage(groups: list[tuple]) -> tuple[list[dict], dict]:
    """Every stage in pipeline order (zeros included), and the totals over them."""
    sums = _sums(groups, STAGE_COLUMN)
    rows = [{**_stage_row(stage), **_counts(sums.get(stage))} for stage in (*PATH, Stage.DROPPED)]
    totals = {
        "projects": sum(row["projects"] for row in rows),
        "planned_investment": sum((row["planned_investment"] for row in rows), ZERO),
    }
    return rows, totals


def by_industry(projects) -> tuple[list[dict], int]:
    """The industries in their order, a project with several counting under each of them,
    and the number of projects without one (a pass over the projects and their industries,
    then the industries' names)."""
    sums = {
        industry: (n, _investment(investment))
        for industry, n, investment in projects.order_by()
        .values_list("industries")
        .annotate(projects=Count("pk"), planned_investment=Sum("planned_investment"))
    }
    without = sums.pop(None, (0, ZERO))[0]
    industries = Industry.objects.filter(pk__in=sums).order_by("position", "name")
    rows = [
        {"industry": name, **_counts(sums[pk])} for pk, name in industries.values_list("pk", "name")
    ]
    return rows, without


def by_owner(groups: list[tuple]) -> list[dict]:
    """The most projects first, then by the owner's name; the projects without one last of
    those with as many."""
    sums = _sums(groups, OWNER_COLUMN)
    owners = User.objects.filter(pk__in=sums.keys() - {None}).order_by("full_name", "username")
    names = names_in_order(owners.values_list("pk", "full_name", "username"), _owner_name)
    nobody = (len(names), _owner_name(None, None))
    ranked = sorted(sums.items(), key=lambda item: (-item[1][0], names.get(item[0], nobody)[0]))
    return [{"owner": names.get(pk, nobody)[1], **_counts(found)} for pk, found in ranked]


def by_kind(groups: list[tuple]) -> list[dict]:
    sums = _sums(groups, KIND_COLUMN)
    return [{"kind": str(kind.label), **_counts(sums.get(kind))} for kind in Project.Kind]


def _owner_name(full_name, username) -> str:
    if username is None:
        return str(_("no owner"))
    return User.display_name(full_name, username)


def _event_subquery(projects, field: str, value):
    """The count (``value`` "pk") or planned investment of the projects promoted or signed at
    the outer event, as a subquery (two joins in one aggregate would multiply the rows)."""
    aggregate = Count("pk") if value == "pk" else Sum("planned_investment")
    return Subquery(
        projects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(total=aggregate)
        .values("total")
    )


def by_event(projects, period: Period) -> list[dict]:
    """The events of the period with the projects promoted and signed there."""
    events = (
        Event.objects.filter(date__range=(period.since, period.until))
        .annotate(
            promoted=_event_subquery(projects, "promoted_at", "pk"),
            promoted_investment=_event_subquery(projects, "promoted_at", "planned_investment"),
            signed=_event_subquery(projects, "signed_at", "pk"),
            signed_investment=_event_subquery(projects, "signed_at", "planned_investment"),
        )
        .order_by("date", "pk")
        .values("name", "date", "promoted", "promoted_investment", "signed", "signed_investment")
    )
    return [
        {
            "event": row["name"],
            "date": row["date"],
            "promoted": row["promoted"] or 0,
            "promoted_investment": _investment(row["promoted_investment"]),
            "signed": row["signed"] or 0,
            "signed_investment": _investment(row["signed_investment"]),
        }
        for row in events
    ]


def conversion(projects, period: Period) -> list[dict]:
    """From each stage to the next forward one, over the period.

    ``entered``: the projects that arrived in stage X during the period, by any move (the
    creation as a lead, a step forward, a fall back from negotiating to lead, or a reopening
    after being dropped). ``moved_on``: those of them that moved from X to the next forward
    stage after such an arrival and before the period ended. Each project counts once per
    stage, however often it came back to it: a project dropped in negotiation and reopened
    there counts once, and converts if it is signed afterwards within the period. Projects
    already in X when the period began are not in the cohort. ``rate``: moved_on / entered in
    per cent, one decimal, empty when nothing entered.

    A project that moved on after an arrival in the period left, for the next stage, a stay
    that itself began in the period: its latest arrival before that move. So each arrival
    is read with the end of its stay (``left_at``, ``next_stage``), one pass over the moves.
    """
    start, end = period.start(), period.end()
    moved_on = Q(left_at__lt=end) & Q(
        *(Q(to_stage=stage, next_stage=following) for stage, following in NEXT_STAGE.items()),
        _connector=Q.OR,
    )
    counts = {
        row["to_stage"]: row
        for row in StageChange.objects.filter(
            project__in=projects,
            to_stage__in=NEXT_STAGE,
            changed_at__gte=start,
            changed_at__lt=end,
        )
        .values("to_stage")
        .annotate(
            entered=Count("project_id", distinct=True),
            moved_on=Count("project_id", distinct=True, filter=moved_on),
        )
        .order_by()
    }
    rows = []
    for stage, following in NEXT_STAGE.items():
        entered = counts.get(stage, {}).get("entered", 0)
        moved = counts.get(stage, {}).get("moved_on", 0)
        rows.append(
            {
                "from_stage": str(Stage(stage).label),
                "to_stage": str(Stage(following).label),
                "entered": entered,
                "moved_on": moved,
                "rate": percent(moved, entered),
            }
        )
    return rows


def stage_stays(projects, period: Period, now: dt.datetime) -> QuerySet:
    """The stays in each stage that overlap the period: ``(project, stage, microseconds)``, a
    query.

    A stay in a stage runs from the move into it to the project's next move (or, for the stay
    it is still in, to the end of the period or now, whichever is earlier). The stays counted
    are those that overlap the period: they began before it ended and had not ended before it
    began. Each stay's end is the move's ``left_at``, which the stage-change service keeps. A
    project that came back to a stage has a row per stay, which ``stay_measures`` adds up:
    nearly every project stays once (51,000 stays of 50,000 projects at ten times district
    scale), and grouping them in the database cost more than adding up the few in Python.
    """
    start, end = period.start(), period.end()
    cap = min(end, now)
    left_at = Least(Coalesce(F("left_at"), Value(cap)), Value(cap), output_field=DateTimeField())
    return (
        StageChange.objects.filter(
            project__in=projects, to_stage__in=TIMED_STAGES, changed_at__lt=cap
        )
        .filter(Q(left_at=None) | Q(left_at__gte=start))
        .values_list("project_id", "to_stage", ElapsedMicroseconds(left_at, "changed_at"))
        .order_by()
    )


def _days(value) -> float | None:
    return None if value is None else round(value, 1)


def stay_measures(stays: QuerySet) -> tuple[list[dict], list[dict]]:
    """The days in each stage (projects, median, most) and the slowest projects of each stage,
    from one read of the stays (``stage_stays``) and one of the slowest projects' names.

    Both measures are taken in Python from the same rows, a project's stays in one stage
    added up in whole microseconds (exactly, so that equal totals tie): in the database each
    was its own pass over every stage change (at ten times district scale, 50,000 stays: 120
    ms for the medians and 210 ms for the ranking, against 160 ms for the one read)."""
    spent = {stage: defaultdict(int) for stage in TIMED_STAGES}
    for project_id, stage, microseconds in stays:
        spent[stage][project_id] += microseconds
    days_by_stage = {
        stage: [
            (total / MICROSECONDS_PER_DAY, project_id) for project_id, total in by_project.items()
        ]
        for stage, by_project in spent.items()
    }
    medians = [
        {
            **_stage_row(stage),
            "projects": len(found),
            "median_days": _days(statistics.median(days for days, _id in found)) if found else None,
            "max_days": _days(max(days for days, _id in found)) if found else None,
        }
        for stage, found in days_by_stage.items()
    ]
    return medians, _slowest(days_by_stage)


def _slowest(days_by_stage: dict[str, list[tuple]]) -> list[dict]:
    """The ``SLOWEST`` projects with the most days in each stage, ties by project code: the
    candidates are the stays with at least the days of the last one ranked."""
    candidates = {}
    for stage, found in days_by_stage.items():
        top = heapq.nlargest(SLOWEST, found)
        least = top[-1][0] if len(top) == SLOWEST else None
        candidates[stage] = top if least is None else [s for s in found if s[0] >= least]
    ids = {project_id for found in candidates.values() for _days_in, project_id in found}
    projects = Project.objects.filter(pk__in=ids).values(
        "pk", "code", "name", "owner__full_name", "owner__username"
    )
    names = {project["pk"]: project for project in projects}
    rows = []
    for stage, found in candidates.items():
        # A project deleted since the stays were read has no name: it is left out.
        named = [stay for stay in found if stay[1] in names]
        ranked = sorted(named, key=lambda stay: (-stay[0], names[stay[1]]["code"]))
        for rank, (days, project_id) in enumerate(ranked[:SLOWEST], start=1):
            project = names[project_id]
            rows.append(
                {
                    **_stage_row(stage),
                    "rank": rank,
                    "code": project["code"],
                    "name": project["name"],
                    "owner": _owner_name(project["owner__full_name"], project["owner__username"]),
                    "days": _days(days),
                }
            )
    return rows


def stalled(
    projects, stalled_days: int, now: dt.datetime, count: int | None = None, first=None
) -> QueryRows:
    """Live projects (not dropped, not yet operating) without a stage move for
    ``stalled_days`` days or more, as of ``now``; the longest-waiting first. ``count`` and
    ``first`` (the first rows) when already read."""
    last_move = Coalesce("stage_changed_at", "created_at")
    waiting = (
        projects.filter(stage__in=LIVE_STAGES)
        .annotate(last_move=last_move)
        .filter(last_move__lte=now - stalled_days * DAY)
    )
    rows = waiting.order_by("last_move", "code").values(
        "code", "name", "stage", "last_move", "owner__full_name", "owner__username"
    )

    def to_row(row: dict) -> dict:
        return {
            "code": row["code"],
            "name": row["name"],
            "owner": _owner_name(row["owner__full_name"], row["owner__username"]),
            **_stage_row(row["stage"]),
            "last_move": timezone.localtime(row["last_move"]).date(),
            "days": (now - row["last_move"]) // DAY,
        }

    return QueryRows(rows, to_row, count, first, counted=waiting)


def against_target(projects, year: int) -> list[dict]:
    """Projects signed (moved from negotiating to signed) and landed (from signed to landed)
    in the year, and the planned investment of those signed, against the year's target. A
    project that did it twice in the year (after a fall back) counts once."""
    since = timezone.make_aware(dt.datetime(year, 1, 1))
    until = timezone.make_aware(dt.datetime(year + 1, 1, 1))

    def moved(from_stage, to_stage) -> Q:
        # The year's moves are read once and hashed (a correlated EXISTS per project probed
        # the stage changes 50,000 times at ten times district scale: 100 ms against 10).
        moves = StageChange.objects.filter(
            from_stage=from_stage, to_stage=to_stage, changed_at__gte=since, changed_at__lt=until
        )
        return Q(pk__in=moves.values("project_id"))

    signed = moved(Stage.NEGOTIATING, Stage.SIGNED)
    actual = projects.aggregate(
        signed_projects=Count("pk", filter=signed),
        landed_projects=Count("pk", filter=moved(Stage.SIGNED, Stage.LANDED)),
        planned_investment=Sum("planned_investment", filter=signed),
    )
    actual["planned_investment"] = _investment(actual["planned_investment"])
    target = PipelineTarget.objects.filter(year=year).values(*actual).first() or {}
    labels = {
        "signed_projects": _("projects signed"),
        "landed_projects": _("projects landed"),
        "planned_investment": _("planned investment signed (100 million yuan)"),
    }
    rows = []
    for key, label in labels.items():
        goal = target.get(key)
        rows.append(
            {
                "measure": str(label),
                "target": goal,
                "actual": actual[key],
                "share": percent(actual[key], goal),
            }
        )
    return rows


EVENT_FIELDS = (
    Field("event", _("event"), 36),
    Field("date", _("date"), 12, "yyyy-mm-dd"),
    Field("promoted", _("projects promoted"), 12),
    Field("promoted_investment", _("planned investment promoted"), 16, "0.00"),
    Field("signed", _("projects signed"), 12),
    Field("signed_investment", _("planned investment signed"), 16, "0.00"),
)
CONVERSION_FIELDS = (
    Field("from_stage", _("from stage"), 14),
    Field("to_stage", _("to stage"), 14),
    Field("entered", _("entered the stage"), 12),
    Field("moved_on", _("moved on"), 12),
    Field("rate", _("conversion (%)"), 12, "0.0"),
)
MEDIAN_FIELDS = (
    *STAGE_FIELDS,
    Field("projects", _("projects"), 10),
    Field("median_days", _("median days"), 12, "0.0"),
    Field("max_days", _("most days"), 12, "0.0"),
)
SLOWEST_FIELDS = (
    *STAGE_FIELDS,
    Field("rank", _("rank"), 6),
    *PROJECT_FIELDS,
    Field("days", _("days in stage"), 12, "0.0"),
)
STALLED_FIELDS = (
    *PROJECT_FIELDS,
    *STAGE_FIELDS,
    Field("last_move", _("last stage change"), 12, "yyyy-mm-dd"),
    Field("days", _("days without a change"), 12),
)
TARGET_FIELDS = (
    Field("measure", _("measure"), 30),
    Field("target", _("target"), 12),
    Field("actual", _("actual"), 12),
    Field("share", _("of target (%)"), 12, "0.0"),
)


def as_it_stands(projects, stalled_days: int, now: dt.datetime) -> dict:
    """The pipeline as it stands, whatever the period: by stage (and the totals), industry,
    owner and kind, the stalled projects' count and first rows, and the moment it was taken
    at. Cached apart from the rest of the report (``cached_part``), so that a reader who
    changes the period does not wait for these passes over the projects."""
    groups = project_groups(projects)
    stages, totals = by_stage(groups)
    industries, without_industry = by_industry(projects)
    stalled_rows = stalled(projects, stalled_days, now)
    return {
        "by_stage": stages,
        "totals": {**totals, "without_industry": without_industry},
        "by_industry": industries,
        "by_owner": by_owner(groups),
        "by_kind": by_kind(groups),
        "stalled": len(stalled_rows),
        "first_stalled": stalled_rows.head(settings.REPORT_ROWS_SHOWN),
        "now": now,
    }


def pipeline_report(user, params: dict) -> Report:
    """Twelve queries, plus one for the industry filter and two for the chain filter."""
    version = report_version()
    period, now = params["period"], timezone.now()
    stalled_days = params.get("stalled_days", 90)
    year = params.get("year") or period.until.year
    projects = pipeline_projects(params)
    depends_on = chosen_filters(params) | {"stalled": stalled_days}
    standing = cached_part(
        "pipeline", user, depends_on, lambda: as_it_stands(projects, stalled_days, now), version
    )
    stages, totals = standing["by_stage"], standing["totals"]
    stay_days, slowest = stay_measures(stage_stays(projects, period, now))
    # The whole stalled list (the workbook's) as of the moment the part was taken.
    stalled_rows = stalled(
        projects, stalled_days, standing["now"], standing["stalled"], standing["first_stalled"]
    )
    figures = [
        Figure("projects", _("major projects"), totals["projects"]),
        Figure(
            "planned_investment",
            _("planned investment (100 million yuan)"),
            totals["planned_investment"],
        ),
        Figure("without_industry", _("projects without an industry"), totals["without_industry"]),
        Figure("stalled_days", _("stalled after days without a change"), stalled_days),
        Figure("stalled", _("stalled projects"), len(stalled_rows)),
        Figure("target_year", _("target year"), year),
    ]
    return Report(
        name="pipeline",
        title=_("Project pipeline"),
        period=period,
        figures=figures,
        tables=[
            Table("by_stage", _("By stage"), (*STAGE_FIELDS, *COUNT_FIELDS), stages),
            Table(
                "by_industry",
                _("By industry"),
                (Field("industry", _("industry"), 24), *COUNT_FIELDS),
                standing["by_industry"],
            ),
            Table(
                "by_owner",
                _("By owner"),
                (Field("owner", _("owner"), 16), *COUNT_FIELDS),
                standing["by_owner"],
            ),
            Table(
                "by_kind",
                _("By kind"),
                (Field("kind", _("kind"), 16), *COUNT_FIELDS),
                standing["by_kind"],
            ),
            Table("by_event", _("By event"), EVENT_FIELDS, by_event(projects, period)),
            Table("conversion", _("Conversion"), CONVERSION_FIELDS, conversion(projects, period)),
            Table("stage_days", _("Days in stage"), MEDIAN_FIELDS, stay_days),
            Table("slowest", _("Slowest projects"), SLOWEST_FIELDS, slowest),
            Table("stalled", _("Stalled projects"), STALLED_FIELDS, stalled_rows),
            Table("target", _("Against the target"), TARGET_FIELDS, against_target(projects, year)),
        ],
    )
