"""Start-up checks of the deployment."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

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
