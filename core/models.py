"""Model building blocks shared by the domain apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A row that counts its saves, so that a client can say which version it edited.

    Every save of an existing row increments ``version``; an update that names an older
    version is refused (see ``core.services.lock_version``), so two people editing the same
    record never silently overwrite each other.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class ArchivableModel(models.Model):
    """Archived, not deleted: an archived row leaves the default lists and can be restored."""

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, db_index=True)
    archived_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


from core.imports.models import ImportBatch, ImportStatus  # noqa: E402 - registers the model

__all__ = ["ArchivableModel", "ImportBatch", "ImportStatus", "VersionedModel"]
