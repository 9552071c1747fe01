"""The roles of the system, as Django groups, and what each may do in the admin.

Object-level rules (a steward edits the partners it stewards, a chain-leader account only its
own partner) build on these model-level permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

DOMAIN_APPS = ("chains", "partners", "projects")


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Investment-promotion staff")
    CHAIN_LEADER = "chain_leader", _("Chain-leader unit")
    AUDITOR = "auditor", _("Auditor")


# (app_label, model) pairs staff may add and change; everything else they may only view.
STAFF_EDITABLE_MODELS = (
    ("partners", "partner"),
    ("partners", "contactperson"),
    ("projects", "project"),
    ("chains", "targetcompany"),
)

USCC_OVERRIDE_ROLES = (Role.ADMINISTRATOR, Role.MANAGER)


def user_has_role(user, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and Role.ADMINISTRATOR in roles:
        return True
    return user.groups.filter(name__in=roles).exists()


def can_override_uscc_check(user) -> bool:
    """Only administrators and managers may accept a code whose check character is wrong."""
    return user_has_role(user, *USCC_OVERRIDE_ROLES)
