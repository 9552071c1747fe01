"""OpenAPI: every operation documents the uniform error body for the errors it can answer."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Stable machine-readable code."),
        "message": serializers.CharField(help_text="Human message in the request's language."),
        "fields": serializers.DictField(
            required=False,
            child=serializers.ListField(child=serializers.DictField()),
            help_text="Per-field errors: {field: [{code, message}]}.",
        ),
        "existing_id": serializers.IntegerField(
            required=False, help_text="With 409 for a duplicate partner: the existing one's id."
        ),
        "current_version": serializers.IntegerField(required=False),
    },
)

COMMON = {
    401: "Not authenticated.",
    403: "Not allowed.",
}
BY_METHOD = {
    "GET": {400: "Invalid filter, ordering or page size.", 404: "No such record or page."},
    "POST": {
        400: "Invalid data.",
        409: "Duplicate record.",
        413: "Body too large.",
        415: "Unsupported media type.",
    },
    "PUT": {
        400: "Invalid data.",
        404: "No such record.",
        409: "Duplicate record.",
        412: "Stale version.",
        413: "Body too large.",
        415: "Unsupported media type.",
    },
    "DELETE": {404: "No such record.", 409: "Still referred to.", 412: "Stale version."},
}
BY_METHOD["PATCH"] = BY_METHOD["PUT"]


class ErrorDocumentingAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**COMMON, **BY_METHOD.get(self.method, {})}
        for status_code, description in errors.items():
            key = str(status_code)
            if key not in responses:
                responses[key] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description),
                    key,
                    direction=direction,
                )
        return responses
