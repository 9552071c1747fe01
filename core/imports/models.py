"""An uploaded file on its way in: previewed, then confirmed, then imported in one transaction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PREVIEWING = "previewing", _("Checking")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    FILE_REJECTED = "file_rejected", _("File refused")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed, nothing saved")


class ImportBatch(models.Model):
    kind = models.CharField(_("what is imported"), max_length=32, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"), editable=False)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    language = models.CharField(_("language of the messages"), max_length=16)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.UPLOADED,
        db_index=True,
    )
    file_error_code = models.CharField(_("file error code"), max_length=32, blank=True)
    file_error = models.TextField(_("file error"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("rows to create"), default=0)
    updated_count = models.PositiveIntegerField(_("rows to update"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged rows"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected rows"), default=0)
    row_errors = models.JSONField(_("row errors"), default=list, blank=True)
    row_notes = models.JSONField(_("row notes"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    history = audit_history(excluded_fields=["content"])

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values),
                name="import_status_valid",
                violation_error_code="import_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="import_progress_within_total",
                violation_error_code="import_progress_within_total",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False),
                name="import_confirmed_by_someone",
                violation_error_code="import_confirmed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.file_name}"
