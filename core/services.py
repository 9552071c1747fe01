"""Generic writes used by every app for records without rules of their own, and the version
check that keeps concurrent edits from overwriting each other."""

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import save_with_relations
from core.errors import Conflict, PreconditionFailed


def lock_version(instance: models.Model, expected_version: int | None) -> models.Model:
    """Lock the row and check the client's version; return the locked, fresh instance.

    Must run inside a transaction. ``expected_version`` None means the client did not say
    which version it edited, and the update goes through.
    """
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed(
            extra={"current_version": locked.version, "your_version": expected_version}
        )
    return locked


def _split_many_to_many(model, fields: dict) -> tuple[dict, dict]:
    names = {f.name for f in model._meta.many_to_many}
    relations = {name: fields.pop(name) for name in list(fields) if name in names}
    return fields, relations


def _save(instance: models.Model, relations: dict) -> models.Model:
    instance.full_clean()
    if relations:
        save_with_relations(instance, relations)
    else:
        instance.save()
    return instance


@transaction.atomic
def instance_create(model: type[models.Model], *, actor, **fields) -> models.Model:
    fields, relations = _split_many_to_many(model, fields)
    return _save(model(**fields), relations)


@transaction.atomic
def instance_update(
    instance: models.Model, *, actor, expected_version: int | None = None, **fields
) -> models.Model:
    locked = lock_version(instance, expected_version)
    fields, relations = _split_many_to_many(type(locked), fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    return _save(locked, relations)


@transaction.atomic
def instance_delete(instance: models.Model, *, actor, expected_version: int | None = None) -> None:
    locked = lock_version(instance, expected_version)
    try:
        with transaction.atomic():
            locked.delete()
    except (ProtectedError, RestrictedError):
        raise Conflict(
            _("“%(object)s” is still referred to by other records and cannot be deleted.")
            % {"object": locked},
            code="in_use",
        ) from None


@transaction.atomic
def instance_archive(instance, *, actor, expected_version: int | None = None):
    """Take a record out of the default lists without deleting it."""
    locked = lock_version(instance, expected_version)
    if locked.archived_at is not None:
        raise Conflict(_("This record is already archived."), code="already_archived")
    locked.archived_at = timezone.now()
    locked.archived_by = actor
    locked.save(update_fields=["archived_at", "archived_by"])
    return locked


@transaction.atomic
def instance_restore(instance, *, actor, expected_version: int | None = None):
    locked = lock_version(instance, expected_version)
    if locked.archived_at is None:
        raise Conflict(_("This record is not archived."), code="not_archived")
    locked.archived_at = None
    locked.archived_by = None
    locked.save(update_fields=["archived_at", "archived_by"])
    return locked
