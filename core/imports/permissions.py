"""Who may see and run imports. Importing a kind also needs that kind's own permission (adding
partners, projects …), checked by the import services."""

import rules

from accounts.roles import can_manage, is_auditor, is_staff_member, no_object
from core.permissions import declare


@rules.predicate
def uploaded_it(user, batch) -> bool:
    return batch is not None and batch.uploaded_by_id == user.pk


own_or_none = no_object | uploaded_it

declare(
    "core.importbatch",
    view=can_manage | is_auditor | (is_staff_member & own_or_none),
    add=can_manage | is_staff_member,
    change=can_manage | (is_staff_member & own_or_none),
)
