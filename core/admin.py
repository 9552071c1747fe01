"""The base of every domain ModelAdmin: rights come from the rules (object by object), each
record has its read-only history page for those who read the audit trail."""

from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin


class DomainAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    pass
