"""The base of every API resource: writes go through services, detail answers carry an ETag
and updates honour ``If-Match`` (or a ``version`` in the body) so stale edits get 412."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from core import services


def expected_version(request) -> int | None:
    """The version the client edited: ``If-Match: "3"`` or ``{"version": 3}``; None if neither."""
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        raw = header.split(",")[0].strip().removeprefix("W/").strip('"')
        source = "If-Match"
    else:
        raw = request.data.get("version") if hasattr(request.data, "get") else None
        source = "version"
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError(
            {
                source: [
                    exceptions.ErrorDetail(
                        _("A version is a whole number."), code="invalid_version"
                    )
                ]
            }
        ) from None


class ServiceModelViewSet(viewsets.ModelViewSet):
    """``serializer_class`` reads and writes one record; ``list_serializer_class`` is the lighter
    row of a list. Subclasses override ``create_record`` / ``update_record`` / ``delete_record``
    to call their app's services; the defaults use the generic ones in ``core.services``."""

    list_serializer_class = None
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.serializer_class

    def get_detail_queryset(self):
        return self.get_queryset()

    # Writes -----------------------------------------------------------------------------------

    def create_record(self, data: dict):
        return services.instance_create(self.get_queryset().model, actor=self.request.user, **data)

    def update_record(self, instance, data: dict, version: int | None):
        return services.instance_update(
            instance, actor=self.request.user, expected_version=version, **data
        )

    def delete_record(self, instance, version: int | None) -> None:
        services.instance_delete(instance, actor=self.request.user, expected_version=version)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_record(dict(serializer.validated_data))
        return Response(self.represent(instance), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial: bool = False, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request)
        instance = self.update_record(instance, dict(serializer.validated_data), version)
        return Response(self.represent(instance))

    def destroy(self, request, *args, **kwargs):
        self.delete_record(self.get_object(), expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def represent(self, instance) -> dict:
        """The detail representation, read back with the detail queryset's joins."""
        fresh = self.get_detail_queryset().get(pk=instance.pk)
        return self.serializer_class(fresh, context=self.get_serializer_context()).data

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            self.action != "list"
            and response.status_code < 300
            and isinstance(data, dict)
            and "version" in data
        ):
            response["ETag"] = f'"{data["version"]}"'
        return response


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    list_serializer_class = None

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.serializer_class
