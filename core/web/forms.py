"""Putting a service's refusal on the form the user filled in."""

from django.core.exceptions import ValidationError

from core.errors import ApplicationError


def add_service_errors(form, error: ValidationError | ApplicationError) -> None:
    """Each message next to its field when the form has that field, else at the top."""
    if isinstance(error, ApplicationError):
        form.add_error(None, str(error.message))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
