"""Reads for accounts."""

from django.contrib.auth.models import Group
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User
from accounts.roles import READ_ALL_ROLES


def live_api_token() -> Q:
    """A token that has not expired: one without an expiry, or expiring later than now."""
    return Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())


def live_api_tokens(*, token_key: str | None = None, user: User | None = None) -> QuerySet:
    """API tokens not yet expired (expired ones stay until the nightly clean-up deletes them)."""
    tokens = AuthToken.objects.filter(live_api_token())
    if token_key is not None:
        tokens = tokens.filter(token_key=token_key)
    if user is not None:
        tokens = tokens.filter(user=user)
    return tokens


def _role_names_sql() -> str:
    """PostgreSQL: the token's user's group names as an array, beside the token."""
    groups = Group._meta.db_table
    links = User.groups.through._meta.db_table
    return (
        f'ARRAY(SELECT g.name FROM "{groups}" g JOIN "{links}" ug ON ug.group_id = g.id '  # noqa: S608
        f'WHERE ug.user_id = "{AuthToken._meta.db_table}"."user_id")'
    )


def api_token_holders(token_key: str) -> QuerySet:
    """The live tokens with this key, each with its user and, on PostgreSQL, the user's role
    names (``role_names``): what every API request reads before anything else, in one query
    rather than two. Written as SQL because the ORM's building of the same subquery cost
    more than the query it saves (``docs/BENCHMARKS.md``, fourth and sixth rounds)."""
    tokens = live_api_tokens(token_key=token_key).select_related("user")
    if connections[tokens.db].vendor != "postgresql":
        return tokens
    # The SQL holds table names from the models' metadata only, no input.
    return tokens.annotate(role_names=RawSQL(_role_names_sql(), ()))  # noqa: S611


def a_reader_of_everything() -> User | None:
    """An active user who reads everything (``can_read_all``), or None where there is none:
    any one of them, since they all see the same."""
    readers = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=READ_ALL_ROLES)
    )
    return readers.order_by("pk").first()
