"""Start-up checks of the deployment."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

NOT_CONFIGURED_MESSAGE = (
    "SECRET_KEY is not set. Set the SECRET_KEY environment variable (a long random string) "
    "or run with DEBUG=1 for local development."
)


def secret_key_is_set() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return False


def require_secret_key() -> None:
    """Called when a web server loads the application: no key, no start."""
    if not secret_key_is_set():
        raise ImproperlyConfigured(NOT_CONFIGURED_MESSAGE)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    return [] if secret_key_is_set() else [Error(NOT_CONFIGURED_MESSAGE, id="core.E001")]


# PostgreSQL takes at most 65,535 parameters in one statement when values are bound on the
# server (prepared statements), and an import reads and replaces its rows' links with one
# ``IN`` list each.
MAX_BOUND_PARAMETERS = 65_535


@register(Tags.database)
def check_import_fits_bound_parameters(app_configs, **kwargs) -> list[Error]:
    if not getattr(connection.features, "uses_server_side_binding", False):  # PostgreSQL's
        return []
    if settings.IMPORT_MAX_ROWS < MAX_BOUND_PARAMETERS:
        return []
    message = (
        f"IMPORT_MAX_ROWS ({settings.IMPORT_MAX_ROWS}) must stay below {MAX_BOUND_PARAMETERS} "
        "with prepared statements on: lower it, or set DATABASE_PREPARED_STATEMENTS=0."
    )
    return [Error(message, id="core.E002")]
