"""One error format for every 4xx answer of the API:

    {"code": "validation_error", "message": "…",
     "fields": {"uscc": [{"code": "uscc_check_digit", "message": "…"}]}}

``code`` is stable and meant for programs; ``message`` is for people, in the request's language
(Chinese by default, English with ``Accept-Language: en``). Django ValidationErrors raised by
services become 400, or 409 when they report a duplicate; ApplicationErrors carry their status.
"""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

NON_FIELD_KEY = "non_field_errors"
# Codes that mean "this already exists": answered with 409 instead of 400.
CONFLICT_CODES = {"unique", "unique_together", "uscc_duplicate"}

DRF_CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _is_conflict(code: str | None) -> bool:
    return bool(code) and (code in CONFLICT_CODES or "_unique_" in code)


def _field_errors_from_django(error: DjangoValidationError) -> dict[str, list[dict]]:
    if not hasattr(error, "error_dict"):
        error = DjangoValidationError({NON_FIELD_ERRORS: error.error_list})
    fields = {}
    for field, errors in error.error_dict.items():
        key = NON_FIELD_KEY if field == NON_FIELD_ERRORS else field
        fields[key] = [
            {"code": item.code or "invalid", "message": next(iter(item))} for item in errors
        ]
    return fields


def _field_errors_from_drf(detail, codes) -> dict:
    if isinstance(detail, dict):
        return {
            key: _field_errors_from_drf(value, codes.get(key) if isinstance(codes, dict) else codes)
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            code_list = codes if isinstance(codes, list) else [codes] * len(detail)
            return [
                {"code": str(code or "invalid"), "message": str(message)}
                for message, code in zip(detail, code_list, strict=False)
            ]
        return [
            _field_errors_from_drf(item, code) for item, code in zip(detail, codes, strict=False)
        ]
    return [{"code": str(codes or "invalid"), "message": str(detail)}]


def _first_codes(fields: dict) -> list[str]:
    return [
        item["code"]
        for items in fields.values()
        if isinstance(items, list)
        for item in items
        if isinstance(item, dict) and "code" in item
    ]


def _validation_response(fields: dict, extra: dict | None = None) -> Response:
    conflict = any(_is_conflict(code) for code in _first_codes(fields))
    body = {
        "code": "conflict" if conflict else "validation_error",
        "message": _("The record conflicts with an existing one.")
        if conflict
        else _("The submitted data is not valid."),
        "fields": fields,
        **(extra or {}),
    }
    return Response(
        body, status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST
    )


def _duplicate_extra(error: DjangoValidationError) -> dict:
    """A duplicate partner code names the partner that already has it."""
    for items in getattr(error, "error_dict", {}).values():
        for item in items:
            if item.code == "uscc_duplicate" and item.params:
                return {"existing_id": item.params["id"]}
    return {}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return _validation_response(_field_errors_from_django(exc), _duplicate_extra(exc))
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": str(exc.message), **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        body = {"code": "payload_too_large", "message": _("The request body is too large.")}
        return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(_field_errors_from_drf(exc.detail, exc.get_codes()))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), None)
    detail = getattr(exc, "detail", "")
    response.data = {
        "code": code or getattr(exc, "default_code", "error"),
        "message": str(detail) if not isinstance(detail, dict | list) else str(exc),
    }
    return response
