"""Where a change came from, recorded on every history row (django-simple-history).

Requests set the source from their path (API, admin, web pages); importers and Celery tasks
wrap their work in ``audit_source("import")`` / ``audit_source("task")``; anything else, such
as a management command, is recorded as ``command``.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class Source(models.TextChoices):
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    WEB = "web", _("Web pages")
    IMPORT = "import", _("Import")
    TASK = "task", _("Background task")
    COMMAND = "command", _("Management command")


_current = contextvars.ContextVar("audit_source", default=Source.COMMAND)
_actor = contextvars.ContextVar("audit_actor", default=None)


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    token = _current.set(source)
    try:
        yield
    finally:
        _current.reset(token)


def current_source() -> str:
    return _current.get()


@contextmanager
def audit_actor(user, reason: str = "") -> Iterator[None]:
    """Changes made inside are recorded as ``user``'s, with ``reason``, where no request says
    who is acting (a Celery task running an import someone confirmed)."""
    token = _actor.set((user, reason))
    try:
        yield
    finally:
        _actor.reset(token)


def source_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return Source.API
    if path.startswith("/admin/"):
        return Source.ADMIN
    return Source.WEB


class AuditSourceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_source(source_for_path(request.path)):
            return self.get_response(request)


class HistorySource(models.Model):
    """Added to every historical model: where the change came from."""

    history_source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.COMMAND
    )

    class Meta:
        abstract = True


class AuditHistory(HistoricalRecords):
    """django-simple-history's HistoricalRecords, remembering which model it records."""

    by_model: dict[type, "AuditHistory"] = {}

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if getattr(self, "cls", None) is sender:
            AuditHistory.by_model[sender] = self


def audit_history(**options) -> AuditHistory:
    """The history of a domain model, with the change's source on every row."""
    return AuditHistory(bases=[HistorySource], **options)


def save_with_relations(instance: models.Model, relations: dict) -> None:
    """Save a row and set its many-to-many fields as one entry of the audit trail, where
    django-simple-history would record the row and each many-to-many change separately."""
    created = instance._state.adding
    instance.skip_history_when_saving = True
    try:
        instance.save()
        for name, values in relations.items():
            getattr(instance, name).set(values)
    finally:
        del instance.skip_history_when_saving
    AuditHistory.by_model[type(instance)].create_historical_record(
        instance, "+" if created else "~"
    )


@receiver(pre_create_historical_record)
def _record_source(sender, history_instance, **kwargs) -> None:
    history_instance.history_source = current_source()
    actor = _actor.get()
    if actor is not None:
        user, reason = actor
        if history_instance.history_user_id is None:
            history_instance.history_user = user
        history_instance.history_change_reason = history_instance.history_change_reason or reason


def bulk_record_history(model, instances: list, *, created: bool, user, reason: str = "") -> None:
    """History rows for instances written in bulk (``bulk_create`` / ``bulk_update`` send no
    signals): one row each, with the many-to-many values as they are now, the current source,
    ``user`` and ``reason`` — the same entries ``save_with_relations`` would have made."""
    if not instances:
        return
    history = model.history.bulk_history_create(
        instances,
        batch_size=1000,
        update=not created,
        default_user=user,
        default_change_reason=reason,
        custom_historical_attrs={"history_source": current_source()},
    )
    by_pk = {row.id: row for row in history}
    for field in getattr(model.history.model, "_history_m2m_fields", []):
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        live = field.remote_field.through.objects.filter(**{f"{own}__in": list(by_pk)})
        snapshot = HistoricalRecords.m2m_models[field]
        snapshot.objects.bulk_create(
            [
                snapshot(
                    **{
                        "id": pk,
                        "history": by_pk[owner],
                        f"{own}_id": owner,
                        f"{other}_id": other_id,
                    }
                )
                for pk, owner, other_id in live.values_list("pk", f"{own}_id", f"{other}_id")
            ],
            batch_size=2000,
        )
