"""Reads of import batches: a staff member sees its own, managers and auditors all of them."""

from django.db.models import F, QuerySet

from accounts.roles import can_manage, is_auditor
from core.imports.base import IMPORTERS
from core.imports.models import ImportBatch


def import_batch_list(user) -> QuerySet[ImportBatch]:
    queryset = ImportBatch.objects.select_related("uploaded_by", "confirmed_by").defer("content")
    if can_manage(user) or is_auditor(user):
        return queryset
    return queryset.filter(uploaded_by=user)


def import_batch_summaries(user) -> QuerySet[ImportBatch]:
    """The batches ``import_batch_list`` gives the user, for pages listing them or polling one:
    without the row errors and notes (a large batch has thousands), with the accepted rows
    counted."""
    return (
        import_batch_list(user)
        .defer("row_errors", "row_notes")
        .annotate(accepted_count=F("created_count") + F("updated_count") + F("unchanged_count"))
    )


def importable_kinds(user) -> list[tuple[str, str]]:
    """(kind, label) of the registered importers the user may run, as the import services
    check it: the batch permission and the kind's own (adding partners, projects …)."""
    if not user.has_perm("core.add_importbatch"):
        return []
    return [
        (kind, IMPORTERS[kind].label)
        for kind in sorted(IMPORTERS)
        if user.has_perm(IMPORTERS[kind].permission)
    ]


def import_batch_rejected_rows(batch: ImportBatch, limit: int = 50) -> list[dict]:
    """The first ``limit`` rejected rows of a batch, each ``{"row": n, "errors": [{"column",
    "message"}, …]}`` in the order of the file."""
    rows: dict[int, list[dict]] = {}
    for error in batch.row_errors:
        if error["row"] not in rows:
            if len(rows) == limit:
                break
            rows[error["row"]] = []
        rows[error["row"]].append({"column": error["column"], "message": error["message"]})
    return [{"row": number, "errors": errors} for number, errors in rows.items()]
