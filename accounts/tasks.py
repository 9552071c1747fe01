"""Celery tasks of accounts: thin wrappers over the services."""

from celery import shared_task

from accounts import services


@shared_task(acks_late=True)
def delete_expired_api_tokens() -> int:
    """Beat, nightly: expired API tokens are refused at once and deleted here."""
    return services.api_tokens_delete_expired()
