"""Reads of import batches: a staff member sees its own, managers and auditors all of them."""

from django.db.models import QuerySet

from accounts.roles import can_manage, is_auditor
from core.imports.models import ImportBatch


def import_batch_list(user) -> QuerySet[ImportBatch]:
    queryset = ImportBatch.objects.select_related("uploaded_by", "confirmed_by").defer("content")
    if can_manage(user) or is_auditor(user):
        return queryset
    return queryset.filter(uploaded_by=user)
