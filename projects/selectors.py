"""Reads of projects and their history (not for chain-leader accounts)."""

from django.db.models import Prefetch, QuerySet

from accounts.roles import can_read_all
from core.selectors import filter_archived
from projects.models import Event, Project, StageChange


def project_list(user, *, archived: bool | None = False) -> QuerySet[Project]:
    queryset = Project.objects.select_related("owner", "promoted_at", "signed_at").prefetch_related(
        "industries"
    )
    queryset = filter_archived(queryset, archived)
    return queryset if can_read_all(user) else queryset.none()


def project_detail(user) -> QuerySet[Project]:
    return (
        project_list(user, archived=None)
        .select_related("carrier")
        .prefetch_related(
            "investors",
            Prefetch(
                "stage_changes",
                queryset=StageChange.objects.select_related("changed_by").order_by(
                    "changed_at", "pk"
                ),
            ),
        )
    )


def stage_change_list(user) -> QuerySet[StageChange]:
    queryset = StageChange.objects.select_related("changed_by")
    return queryset if can_read_all(user) else queryset.none()


def event_list(user) -> QuerySet[Event]:
    return Event.objects.all() if can_read_all(user) else Event.objects.none()
