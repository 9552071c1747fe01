"""The roles of the system (Django groups) and the predicates every app's permissions.py builds
its rules from. A user may hold several roles; a chain-leader account is bound to one partner."""

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Investment-promotion staff")
    CHAIN_LEADER = "chain_leader", _("Chain-leader unit")
    AUDITOR = "auditor", _("Auditor")


# Roles that work in the admin site (Django's is_staff flag).
ADMIN_SITE_ROLES = (Role.ADMINISTRATOR, Role.MANAGER, Role.STAFF, Role.AUDITOR)

is_administrator = rules.is_superuser | rules.is_group_member(Role.ADMINISTRATOR)
is_manager = rules.is_group_member(Role.MANAGER)
is_staff_member = rules.is_group_member(Role.STAFF)
is_auditor = rules.is_group_member(Role.AUDITOR)


@rules.predicate
def is_chain_leader(user) -> bool:
    return getattr(user, "partner_id", None) is not None and Role.CHAIN_LEADER in _group_names(user)


def _group_names(user) -> set[str]:
    """The user's group names, cached on the user object as rules' own predicates do."""
    if not hasattr(user, "_group_names_cache"):
        user._group_names_cache = set(user.groups.values_list("name", flat=True))
    return user._group_names_cache


def remember_group_names(user, names) -> None:
    """Cache group names read along with the user, so that no query reads them again."""
    user._group_names_cache = set(names)


@rules.predicate
def no_object(user, obj) -> bool:
    """True for a model-level check (“may this user change partners at all?”)."""
    return obj is None


# Managers may do everything but manage users; auditors and staff read everything.
can_manage = is_administrator | is_manager
can_read_all = can_manage | is_staff_member | is_auditor
# The roles of ``can_read_all`` (superusers too), for queries that look for such a user.
READ_ALL_ROLES = (Role.ADMINISTRATOR, Role.MANAGER, Role.STAFF, Role.AUDITOR)
has_a_role = can_read_all | is_chain_leader


def user_has_role(user, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and Role.ADMINISTRATOR in roles:
        return True
    return bool(_group_names(user) & set(roles))


def can_override_uscc_check(user) -> bool:
    """Only administrators and managers may accept a code whose check character is wrong."""
    return user is not None and user.is_authenticated and can_manage(user)
