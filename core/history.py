"""Reading the audit trail: the history rows of one model or one object, each with the fields
that changed from what to what, in a fixed number of queries per page."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import OuterRef, QuerySet, Subquery
from simple_history.models import HistoricalRecords

ACTIONS = {"+": "created", "~": "updated", "-": "deleted"}
AUDITED_APPS = ("accounts", "chains", "core", "partners", "projects")
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
    """The many-to-many fields whose changes the model's history records."""
    return list(getattr(model.history.model, "_history_m2m_fields", []))


def _recorded_attnames(model) -> set[str]:
    return {f.attname for f in model.history.model._meta.concrete_fields}


def _concrete_fields(model) -> list:
    """The fields the history records (not those excluded from it, which simple-history would
    otherwise fetch from the live row, one query per record)."""
    recorded = _recorded_attnames(model)
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS
        and not f.primary_key
        and f.name != "password"
        and f.attname in recorded
    ]


def record_repr(model, record) -> str:
    """The object as it was, from the recorded fields only (``record.instance`` would fetch the
    fields excluded from the history from the live row, one query per record)."""
    recorded = _recorded_attnames(model)
    values = {
        f.attname: getattr(record, f.attname)
        for f in model._meta.concrete_fields
        if f.attname in recorded
    }
    return str(model(**values))


def changes_between(model, record, previous, m2m_values: dict) -> list[Change]:
    """What changed from ``previous`` (None for a creation) to ``record``; ``m2m_values`` maps
    (field name, history id) to the related ids recorded then (see ``with_previous``)."""
    changes = []
    for field in _concrete_fields(model):
        after = getattr(record, field.attname)
        before = getattr(previous, field.attname) if previous is not None else None
        if after != before and not (previous is None and after in ("", None)):
            changes.append(Change(field.name, str(field.verbose_name), before, after))
    for field in _m2m_fields(model):
        after = m2m_values.get((field.name, record.history_id), [])
        before = m2m_values.get((field.name, previous.history_id), []) if previous else []
        if after != before:
            changes.append(Change(field.name, str(field.verbose_name), before, after))
    return changes


def with_previous(model, records: list) -> tuple[list[tuple], dict]:
    """(record, previous record or None) for a page of history rows, and the many-to-many
    values recorded with them: one query for the previous rows, one per tracked field."""
    history = model.history.model
    previous_ids = [r.previous_history_id for r in records if r.previous_history_id]
    previous = history.objects.in_bulk(previous_ids)
    history_ids = [r.history_id for r in records] + previous_ids
    m2m_values: dict[tuple[str, int], list[int]] = {}
    for field in _m2m_fields(model):
        through = HistoricalRecords.m2m_models[field]
        target = f"{field.m2m_reverse_field_name()}_id"
        rows = through.objects.filter(history_id__in=history_ids).values_list("history_id", target)
        for history_id, related_id in rows.order_by(target):
            m2m_values.setdefault((field.name, history_id), []).append(related_id)
    pairs = [(record, previous.get(record.previous_history_id)) for record in records]
    return pairs, m2m_values
