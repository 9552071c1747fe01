"""Reads shared by the apps."""

from django.db.models import QuerySet


def filter_archived(queryset: QuerySet, archived: bool | None) -> QuerySet:
    """Archived records leave the default lists (``False``); ``True`` lists only them and
    ``None`` both (a detail request, so that an archived record can still be read and restored)."""
    if archived is None:
        return queryset
    return queryset.filter(archived_at__isnull=not archived)
