"""Who may manage users and read the audit trail."""

import rules

from accounts.roles import can_manage, is_administrator, is_auditor

rules.add_perm("accounts.view_user", is_administrator)
rules.add_perm("accounts.add_user", is_administrator)
rules.add_perm("accounts.change_user", is_administrator)
rules.add_perm("accounts.delete_user", is_administrator)
rules.add_perm("accounts.view_group", is_administrator)
rules.add_perm("accounts.view_audit", can_manage | is_auditor)
rules.set_perm("accounts.view_historicaluser", can_manage | is_auditor)
rules.set_perm("accounts", is_administrator)
