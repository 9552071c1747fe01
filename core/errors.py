"""Errors the services raise besides Django's ValidationError; the API turns each into its
status code and the uniform error body."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status_code = 400
    default_code = "error"
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None, extra: dict | None = None):
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.extra = extra or {}
        super().__init__(str(self.message))


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"
    default_message = _("The request conflicts with the current data.")


class PreconditionFailed(ApplicationError):
    status_code = 412
    default_code = "stale_version"
    default_message = _("Someone else changed this record; reload it and apply your change again.")


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(ApplicationError):
    status_code = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to perform this action.")
