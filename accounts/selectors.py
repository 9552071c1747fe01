"""Reads for accounts."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User


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
