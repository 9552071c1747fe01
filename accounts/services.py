"""Writes for accounts: keeping the role groups' permissions in step, demo accounts."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts import selectors
from accounts.models import User
from accounts.roles import ADMIN_SITE_ROLES, Role


def role_groups() -> dict[str, Group]:
    """The role groups (created by a data migration), by role name."""
    return {group.name: group for group in Group.objects.filter(name__in=Role.values)}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str | None  # None when the account already existed (its password is not shown again)


DEMO_ACCOUNTS = (
    ("admin", Role.ADMINISTRATOR, "系统管理员"),
    ("manager", Role.MANAGER, "示例科室负责人"),
    ("staff", Role.STAFF, "示例招商专员"),
    ("chainleader", Role.CHAIN_LEADER, "示例链长单位账号"),
    ("auditor", Role.AUDITOR, "示例审计员"),
)


@transaction.atomic
def demo_users_create(*, chain_leader_partner, reset_passwords: bool = False) -> list[DemoAccount]:
    """One account per role. A password is generated and returned only for an account that gets
    one now (new, without a usable password, or reset on request), so it is shown once and is
    never stored in clear."""
    groups = role_groups()
    accounts = []
    for username, role, full_name in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "is_staff": role in ADMIN_SITE_ROLES,
                "is_superuser": role == Role.ADMINISTRATOR,
                "partner": chain_leader_partner if role == Role.CHAIN_LEADER else None,
            },
        )
        user.groups.add(groups[role])
        password = None
        if created or reset_passwords or not user.has_usable_password():
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save(update_fields=["password"])
        accounts.append(DemoAccount(username=username, role=role, password=password))
    return accounts


def sign_in_record(sender, user: User, **kwargs) -> None:
    """A sign-in stamps the person's ``last_login`` (receiver of ``user_logged_in``, in place of
    Django's ``update_last_login``). Written without saving the user: a sign-in is no change to
    the person's record, so it adds no entry to the user's audit history and leaves the data
    version of the reports' cache (``core.data_version``) as it is."""
    user.last_login = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=user.last_login)


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for the user; the clear token is returned once and only its hash kept."""
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke one of the user's own tokens; False if the user has no token with that key."""
    deleted, _details = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


def api_tokens_delete_expired() -> int:
    """Delete every expired API token (authentication refuses them already); how many went."""
    deleted, _details = AuthToken.objects.exclude(selectors.live_api_token()).delete()
    return deleted


def user_check_roles(*, groups, partner) -> None:
    """A chain-leader account is bound to exactly one partner; other accounts to none."""
    names = {group.name for group in groups}
    if Role.CHAIN_LEADER in names and partner is None:
        raise ValidationError(
            {"partner": _("A chain-leader account must be bound to its partner.")},
            code="chain_leader_without_partner",
        )
    if Role.CHAIN_LEADER not in names and partner is not None:
        raise ValidationError(
            {"partner": _("Only a chain-leader account is bound to a partner.")},
            code="partner_without_chain_leader_role",
        )
