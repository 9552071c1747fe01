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
