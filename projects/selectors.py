"""Reads of projects and their history (not for chain-leader accounts)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, can_read_all
from core.inline_relations import InlineRelation, with_inline_relations
from core.selectors import filter_archived
from projects.models import Event, Project, Stage, StageChange


def project_list(user, *, archived: bool | None = False) -> QuerySet[Project]:
    return _projects(user, archived).prefetch_related("industries")


def _projects(user, archived: bool | None) -> QuerySet[Project]:
    """The projects ``user`` reads, with their owner and events: what the list and the detail
    both read."""
    queryset = Project.objects.select_related("owner", "promoted_at", "signed_at")
    queryset = filter_archived(queryset, archived)
    return queryset if can_read_all(user) else queryset.none()


# What a project's detail reads with it (``core.inline_relations``): on PostgreSQL in the
# project's own query, elsewhere in a prefetch query each.
DETAIL_RELATIONS = (
    InlineRelation("industries"),
    InlineRelation("investors"),
    InlineRelation(
        "stage_changes",
        related=("changed_by",),
        queryset=StageChange.objects.order_by("changed_at", "pk"),
    ),
)


def project_detail(user) -> QuerySet[Project]:
    """One project with its industries, investors and stage history."""
    queryset = _projects(user, archived=None).select_related("carrier")
    return with_inline_relations(queryset, DETAIL_RELATIONS)


def stage_change_list(user) -> QuerySet[StageChange]:
    queryset = StageChange.objects.select_related("changed_by")
    return queryset if can_read_all(user) else queryset.none()


def event_list(user) -> QuerySet[Event]:
    return Event.objects.all() if can_read_all(user) else Event.objects.none()


# The pipeline board: one column per stage in pipeline order, dropped last.
BOARD_STAGES = tuple(Stage)
BOARD_COLUMN_CARDS = 50


@dataclass
class BoardColumn:
    stage: Stage
    count: int = 0
    investment: Decimal = Decimal(0)
    cards: list[Project] = field(default_factory=list)

    @property
    def more(self) -> int:
        """The projects of the stage the column leaves out (the list page shows them)."""
        return self.count - len(self.cards)


def projects_by_time_in_stage(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects, the longest in their current stage first, each with ``stage_since`` (when
    it entered the stage: the last move, else its creation)."""
    return projects.annotate(stage_since=Coalesce("stage_changed_at", "created_at")).order_by(
        "stage_since", "code"
    )


def project_board(
    projects: QuerySet[Project],
    *,
    per_column: int = BOARD_COLUMN_CARDS,
    now: datetime | None = None,
) -> list[BoardColumn]:
    """The board of ``projects`` (already scoped and filtered) in two queries: each stage's
    count and planned investment, and the ``per_column`` projects longest in each stage (a
    window ranks them per stage), each card with ``days_in_stage``."""
    now = now or timezone.now()
    columns = {stage: BoardColumn(stage=stage) for stage in BOARD_STAGES}
    totals = (
        projects.order_by()
        .values("stage")
        .annotate(count=Count("pk"), investment=Sum("planned_investment"))
    )
    for row in totals:
        column = columns[Stage(row["stage"])]
        column.count = row["count"]
        column.investment = row["investment"] or Decimal(0)
    rank = Window(
        RowNumber(),
        partition_by=F("stage"),
        order_by=[F("stage_since").asc(), F("code").asc()],
    )
    cards = (
        projects_by_time_in_stage(projects.prefetch_related(None))
        .select_related("owner")
        .annotate(rank=rank)
        .filter(rank__lte=per_column)
    )
    for card in cards:
        card.days_in_stage = max((now - card.stage_since).days, 0)
        columns[Stage(card.stage)].cards.append(card)
    return list(columns.values())


def project_owner_choices() -> QuerySet[User]:
    """The people a project can be filtered by: staff members and whoever owns a project."""
    owns = Project.objects.filter(owner=OuterRef("pk"))
    return (
        User.objects.filter(Q(groups__name=Role.STAFF) | Exists(owns))
        .distinct()
        .order_by("full_name", "username")
    )
