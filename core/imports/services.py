"""Upload → preview → confirm → import. The preview checks every row and writes nothing; the
import checks them again and writes the accepted ones in one transaction, so either all of
them are saved or none is. Small files are handled in the request, larger ones by Celery tasks
that report their progress on the batch row."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import Source, audit_actor, audit_source
from core.errors import ApplicationError, Conflict, PermissionDenied
from core.imports.base import IMPORTERS, REJECT, Importer, Outcome
from core.imports.columns import find_header
from core.imports.files import ImportFileError, check_size, read_rows
from core.imports.models import ImportBatch, ImportStatus

PROGRESS_EVERY = 500


def importer_class(kind: str) -> type[Importer]:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise ApplicationError(
            _("Unknown import kind “%(kind)s”.") % {"kind": kind}, code="unknown_import_kind"
        ) from None


def _require_permission(importer: type[Importer], actor) -> None:
    if not actor.has_perm(importer.permission):
        raise PermissionDenied(code="import_not_allowed")


def import_size_check(size: int) -> None:
    try:
        check_size(size)
    except ImportFileError as error:
        raise ApplicationError(error.message, code=error.code) from None


def import_upload(*, kind: str, file_name: str, content: bytes, actor) -> ImportBatch:
    """Keep the file and check it at once if it is small, otherwise in a task."""
    importer = importer_class(kind)
    _require_permission(importer, actor)
    import_size_check(len(content))
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name=file_name[:255],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        uploaded_by=actor,
    )
    if batch.size <= settings.IMPORT_INLINE_BYTES:
        import_preview(batch.pk)
        batch.refresh_from_db()
    else:
        from core.tasks import preview_import

        transaction.on_commit(lambda: preview_import.delay(batch.pk))
    return batch


def import_preview(batch_id: int) -> None:
    """Check every row and record what the import would do. Safe to run again."""
    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.UPLOADED, ImportStatus.PREVIEWING]
    ).update(status=ImportStatus.PREVIEWING)
    if not claimed:
        return
    batch = ImportBatch.objects.get(pk=batch_id)
    with translation.override(batch.language):
        try:
            outcomes = _check(batch)
        except ImportFileError as error:
            _refuse_file(batch, error)
            return
        _record_outcomes(batch, outcomes)
        batch.status = ImportStatus.PREVIEWED
        batch.save()


def import_confirm(*, batch: ImportBatch, actor) -> ImportBatch:
    """Start the import of a previewed batch: in the request when it is small."""
    _require_permission(importer_class(batch.kind), actor)
    now = timezone.now()
    started = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.IMPORTING, confirmed_by=actor, confirmed_at=now, processed_rows=0
    )
    if not started:
        raise Conflict(
            _("Only a checked file waiting for confirmation can be imported."),
            code="import_not_waiting",
        )
    batch.refresh_from_db()
    if batch.total_rows <= settings.IMPORT_INLINE_ROWS:
        import_run(batch.pk)
        batch.refresh_from_db()
    else:
        from core.tasks import run_import

        transaction.on_commit(lambda: run_import.delay(batch.pk))
    return batch


def import_run(batch_id: int) -> None:
    """Check the rows again and write them in one transaction. A second run of the same batch
    (a redelivered task) waits for the first and then finds it done."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != ImportStatus.IMPORTING:
        return
    reason = import_reason(batch)
    with (
        translation.override(batch.language),
        audit_source(Source.IMPORT),
        audit_actor(batch.confirmed_by, reason),
    ):
        try:
            outcomes = _check(batch)
            _refuse_if_changed(batch, outcomes)
            with transaction.atomic():
                locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
                if locked.status != ImportStatus.IMPORTING:
                    return
                counts = _write(locked, outcomes)
                _finish(locked, outcomes, counts)
        except (ImportFileError, ApplicationError) as error:
            _fail(batch_id, error.code, str(error.message))
        except IntegrityError as error:
            _fail(
                batch_id,
                "integrity_error",
                _("The database refused a row: %(reason)s") % {"reason": error},
            )


def import_reason(batch: ImportBatch) -> str:
    """The reason on every audit entry the import writes: which batch it was."""
    return _("Import #%(id)d") % {"id": batch.pk}


def _check(batch: ImportBatch) -> list[Outcome]:
    importer = IMPORTERS[batch.kind](batch.uploaded_by)
    header, rows = find_header(read_rows(batch.file_name, bytes(batch.content)), importer.columns)
    records = []
    for row in rows:
        records.append((row.number, importer.cells(header, row)))
        if len(records) > settings.IMPORT_MAX_ROWS:
            raise ImportFileError(
                "too_many_rows",
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": settings.IMPORT_MAX_ROWS},
            )
    if not records:
        raise ImportFileError("no_rows", _("The sheet has a header but no data rows."))
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=len(records), processed_rows=0)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == len(records):
            ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)

    return importer.check(records, progress)


def _record_outcomes(batch: ImportBatch, outcomes: list[Outcome]) -> None:
    batch.refresh_from_db(fields=["total_rows", "processed_rows"])
    by_action = dict.fromkeys(("create", "update", "unchanged", REJECT), 0)
    for outcome in outcomes:
        by_action[outcome.action] += 1
    batch.created_count = by_action["create"]
    batch.updated_count = by_action["update"]
    batch.unchanged_count = by_action["unchanged"]
    batch.rejected_count = by_action[REJECT]
    batch.row_errors = [
        {"row": o.number, "column": column, "message": message}
        for o in outcomes
        for column, message in o.errors
    ]
    batch.row_notes = [{"row": o.number, "message": note} for o in outcomes for note in o.notes]


def _refuse_if_changed(batch: ImportBatch, outcomes: list[Outcome]) -> None:
    """Rows accepted in the preview must still be acceptable; otherwise nothing is imported."""
    rejected_then = {error["row"] for error in batch.row_errors}
    newly = sorted({o.number for o in outcomes if o.action == REJECT} - rejected_then)
    if newly:
        raise ApplicationError(
            _(
                "The data changed since the check: rows %(rows)s are no longer acceptable. "
                "Nothing was imported; upload the file again."
            )
            % {"rows": ", ".join(str(n) for n in newly[:20])},
            code="changed_since_preview",
        )


def _write(batch: ImportBatch, outcomes: list[Outcome]):
    importer = IMPORTERS[batch.kind](batch.confirmed_by)
    accepted = [o for o in outcomes if o.action in ("create", "update")]
    return importer.write(accepted, batch)


def _finish(batch: ImportBatch, outcomes: list[Outcome], counts) -> None:
    _record_outcomes(batch, outcomes)
    batch.created_count, batch.updated_count = counts.created, counts.updated
    batch.unchanged_count = sum(1 for o in outcomes if o.action == "unchanged") + counts.unchanged
    batch.processed_rows = batch.total_rows
    batch.status = ImportStatus.DONE
    batch.finished_at = timezone.now()
    batch._history_user = batch.confirmed_by
    batch.save()


def _refuse_file(batch: ImportBatch, error: ImportFileError) -> None:
    batch.refresh_from_db()
    batch.status = ImportStatus.FILE_REJECTED
    batch.file_error_code = error.code
    batch.file_error = error.message
    batch.save()


def _fail(batch_id: int, code: str, message: str) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    batch.status = ImportStatus.FAILED
    batch.file_error_code = code
    batch.file_error = message
    batch.finished_at = timezone.now()
    batch.save()
