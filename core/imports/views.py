"""Pages of spreadsheet imports: the list with the upload form, a batch's preview with the
confirm button, and its progress while a task checks or imports it. The same services as the
API do the work, with the same permissions: a staff member sees its own batches (another's is a
404), managers and auditors all of them; only managers and staff import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from core import errors
from core.imports import selectors, services
from core.imports.base import IMPORTERS
from core.imports.forms import ImportUploadForm
from core.imports.models import ImportBatch, ImportStatus
from core.web.views import paginate, permission_required

RUNNING = (ImportStatus.UPLOADED, ImportStatus.PREVIEWING, ImportStatus.IMPORTING)
CHECKED = (ImportStatus.PREVIEWED, ImportStatus.IMPORTING, ImportStatus.DONE, ImportStatus.FAILED)
REJECTED_ROWS_SHOWN = 50
NOTES_SHOWN = 50
LABELS = {
    field: ImportBatch._meta.get_field(field).verbose_name
    for field in (
        "kind",
        "file_name",
        "status",
        "uploaded_by",
        "created_at",
        "confirmed_by",
        "confirmed_at",
        "finished_at",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "total_rows",
    )
}


def _kind_label(kind: str):
    importer = IMPORTERS.get(kind)
    return importer.label if importer else kind


def _decorate(batch: ImportBatch) -> ImportBatch:
    batch.kind_label = _kind_label(batch.kind)
    batch.running = batch.status in RUNNING
    batch.checked = batch.status in CHECKED
    return batch


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("core.view_importbatch")
def import_list(request):
    """The user's batches, newest first, and the upload form (POST uploads)."""
    kinds = selectors.importable_kinds(request.user)
    if request.method == "POST":
        if not request.user.has_perm("core.add_importbatch"):
            raise PermissionDenied
        form = ImportUploadForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            batch = _upload(request, form)
            if batch is not None:
                return redirect("import_detail", pk=batch.pk)
    else:
        form = ImportUploadForm(kinds=kinds)
    page = paginate(request, selectors.import_batch_summaries(request.user))
    for batch in page:
        _decorate(batch)
    context = {"page": page, "form": form, "kinds": kinds, "labels": LABELS}
    return render(request, "imports/list.html", context, status=400 if form.errors else 200)


def _upload(request, form) -> ImportBatch | None:
    """The new batch, or None with the services' refusal added to the form."""
    file = form.cleaned_data["file"]
    try:
        services.import_size_check(file.size)  # before reading it
        return services.import_upload(
            kind=form.cleaned_data["kind"],
            file_name=file.name,
            content=file.read(),
            actor=request.user,
        )
    except errors.PermissionDenied:
        raise PermissionDenied from None
    except errors.ApplicationError as error:
        form.add_error("file", str(error.message))
        return None


def _batch(request, pk: int, permission: str, queryset=None) -> ImportBatch:
    """The batch among those the user sees (404 otherwise, as the API), if the rule allows."""
    queryset = selectors.import_batch_list(request.user) if queryset is None else queryset
    batch = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm(permission, batch):
        raise PermissionDenied
    return _decorate(batch)


@permission_required("core.view_importbatch")
def import_detail(request, pk: int):
    """The preview's counts and first rejected rows, the confirm button, the progress."""
    batch = _batch(request, pk, "core.view_importbatch")
    importer = IMPORTERS.get(batch.kind)
    can_confirm = (
        batch.status == ImportStatus.PREVIEWED
        and importer is not None
        and request.user.has_perm("core.change_importbatch", batch)
        and request.user.has_perm(importer.permission)
    )
    context = {
        "batch": batch,
        "labels": LABELS,
        "can_confirm": can_confirm,
        "done": batch.status == ImportStatus.DONE,
        "rejected_rows": selectors.import_batch_rejected_rows(batch, REJECTED_ROWS_SHOWN),
        "rejected_rows_shown": REJECTED_ROWS_SHOWN,
        "notes": batch.row_notes[:NOTES_SHOWN],
        "notes_more": max(len(batch.row_notes) - NOTES_SHOWN, 0),
        "has_rejected_workbook": batch.rejected_count
        and batch.status in (ImportStatus.PREVIEWED, ImportStatus.DONE, ImportStatus.FAILED),
    }
    return render(request, "imports/detail.html", context)


@permission_required("core.view_importbatch")
def import_status(request, pk: int):
    """The status fragment the detail page polls while a task works on the batch; once the task
    is done, htmx reloads the whole page (counts, rejected rows, confirm button)."""
    queryset = selectors.import_batch_summaries(request.user)
    batch = _batch(request, pk, "core.view_importbatch", queryset)
    if request.htmx and not batch.running:
        return HttpResponseClientRefresh()
    return render(request, "imports/_status.html", {"batch": batch, "labels": LABELS})


@permission_required("core.change_importbatch")
@require_POST
def import_confirm(request, pk: int):
    """Import the checked rows: at once when the batch is small, otherwise in a task."""
    batch = _batch(request, pk, "core.change_importbatch")
    try:
        batch = services.import_confirm(batch=batch, actor=request.user)
    except errors.PermissionDenied:
        raise PermissionDenied from None
    except errors.ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("import_detail", pk=pk)
    if batch.status == ImportStatus.DONE:
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": batch.created_count,
                "updated": batch.updated_count,
                "unchanged": batch.unchanged_count,
            },
        )
    elif batch.status == ImportStatus.FAILED:
        messages.error(
            request, _("Nothing was imported: %(reason)s") % {"reason": batch.file_error}
        )
    else:
        messages.info(
            request, _("The import runs in the background; this page shows its progress.")
        )
    return redirect("import_detail", pk=pk)
