"""Reading the audit trail: the history rows of one model or one object, each with the fields
that changed from what to what, in a fixed number of queries per page."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import OuterRef, QuerySet, Subquery, prefetch_related_objects

ACTIONS = {"+": "created", "~": "updated", "-": "deleted"}
AUDITED_APPS = ("accounts", "chains", "partners", "projects")
HIDDEN_FIELDS = {"version", "updated_at", "created_at"}


def audited_models() -> dict[str, type]:
    """Models with a history, by label (``partners.partner``)."""
    return {
        model._meta.label_lower: model
        for app_label in AUDITED_APPS
        for model in apps.get_app_config(app_label).get_models()
        if hasattr(model, "history") and not model._meta.label_lower.count(".historical")
    }


def history_rows(model, *, object_id=None, user_id=None, since=None, until=None) -> QuerySet:
    history = model.history.model
    previous = history.objects.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    queryset = history.objects.select_related("history_user").annotate(
        previous_history_id=Subquery(previous.values("history_id")[:1])
    )
    if object_id is not None:
        queryset = queryset.filter(id=object_id)
    if user_id is not None:
        queryset = queryset.filter(history_user_id=user_id)
    if since is not None:
        queryset = queryset.filter(history_date__gte=since)
    if until is not None:
        queryset = queryset.filter(history_date__lte=until)
    return queryset.order_by("-history_date", "-history_id")


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: object
    after: object


def _m2m_fields(model) -> list:
    tracked = set(getattr(model, "_history_m2m_fields", []) or [])
    names = {f if isinstance(f, str) else f.name for f in tracked}
    return [f for f in model._meta.many_to_many if f.name in names]


def _m2m_ids(record, field) -> list[int]:
    target = f"{field.m2m_reverse_field_name()}_id"
    return sorted(getattr(row, target) for row in getattr(record, field.name).all())


def _concrete_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and not f.primary_key and f.name != "password"
    ]


def changes_between(model, record, previous) -> list[Change]:
    """What changed from ``previous`` (None for a creation) to ``record``."""
    changes = []
    for field in _concrete_fields(model):
        if not hasattr(record, field.attname):
            continue
        after = getattr(record, field.attname)
        before = getattr(previous, field.attname) if previous is not None else None
        if after != before and not (previous is None and after in ("", None)):
            changes.append(Change(field.name, str(field.verbose_name), before, after))
    for field in _m2m_fields(model):
        after = _m2m_ids(record, field)
        before = _m2m_ids(previous, field) if previous is not None else []
        if after != before:
            changes.append(Change(field.name, str(field.verbose_name), before, after))
    return changes


def with_previous(model, records: list) -> list[tuple]:
    """(record, previous record or None) for a page of history rows, in two more queries plus
    one per tracked many-to-many field."""
    history = model.history.model
    m2m = [f.name for f in _m2m_fields(model)]
    previous_ids = [r.previous_history_id for r in records if r.previous_history_id]
    previous = history.objects.prefetch_related(*m2m).in_bulk(previous_ids)
    if m2m and records:
        prefetch_related_objects(records, *m2m)
    return [(record, previous.get(record.previous_history_id)) for record in records]
