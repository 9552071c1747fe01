"""The base of every domain ModelAdmin: rights come from the rules (object by object), each
record has its read-only history page for those who read the audit trail."""

from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from core.imports.models import ImportBatch


class DomainAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    pass


class ImportBatchAdmin(DomainAdmin):
    """Imports are made through the API and its pages; the admin only shows them."""

    list_display = (
        "created_at",
        "kind",
        "file_name",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "rejected_count",
        "uploaded_by",
        "confirmed_by",
    )
    list_filter = ("kind", "status")
    list_select_related = ("uploaded_by", "confirmed_by")
    search_fields = ("file_name",)
    exclude = ("content",)
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(ImportBatch, ImportBatchAdmin)
