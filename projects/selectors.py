"""Reads of projects and their history."""

from django.db.models import Prefetch, QuerySet

from projects.models import Project, StageChange


def project_list() -> QuerySet[Project]:
    return Project.objects.select_related("owner", "promoted_at", "signed_at").prefetch_related(
        "industries"
    )


def project_detail() -> QuerySet[Project]:
    return (
        project_list()
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


def stage_change_list() -> QuerySet[StageChange]:
    return StageChange.objects.select_related("changed_by")
