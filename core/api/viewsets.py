"""The base of every API resource: permissions from the rules, querysets scoped to the user by
the app's selectors, writes through services, an ETag on every single-record answer, and
``If-Match`` (or a ``version`` in the body) honoured so that stale edits get 412."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import services
from core.api.rows import row_plan


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
        detail = exceptions.ErrorDetail(_("A version is a whole number."), code="invalid_version")
        raise exceptions.ValidationError({source: [detail]}) from None


class ScopedViewSetMixin:
    """``model`` names the resource's model (its rules are ``<app>.<action>_<model>``);
    ``list_queryset(user)`` / ``detail_queryset(user)`` come from the app's selectors."""

    model = None
    list_serializer_class = None
    # Serialise list pages from values() rows rather than instances (core.api.rows): for list
    # serializers of model fields and nested references only.
    list_from_rows = False

    def list_queryset(self, user):
        return self.model._default_manager.all()

    def detail_queryset(self, user):
        return self.list_queryset(user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return self.model._default_manager.none()
        if self.action == "list":
            return self.list_queryset(self.request.user)
        return self.detail_queryset(self.request.user)

    def filter_queryset(self, queryset):
        """Filters and ordering are the list's: one record is found by its key in its scope,
        without building the list's filter form."""
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.serializer_class

    def list(self, request, *args, **kwargs):
        if not self.list_from_rows:
            return super().list(request, *args, **kwargs)
        plan = row_plan(self.get_serializer_class())
        matching = self.filter_queryset(self.get_queryset())
        rows = plan.values(matching)
        if self.paginator is not None:
            self.paginator.count_from = matching
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(plan.represent(list(rows)))
        return self.get_paginated_response(plan.represent(page))


class ServiceModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Subclasses override ``create_record`` / ``update_record`` / ``delete_record`` to call
    their app's services; the defaults use the generic ones in ``core.services``."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def create_record(self, data: dict):
        return services.instance_create(self.model, actor=self.request.user, **data)

    def update_record(self, instance, data: dict, version: int | None):
        return services.instance_update(
            instance, actor=self.request.user, expected_version=version, **data
        )

    def delete_record(self, instance, version: int | None) -> None:
        services.instance_delete(instance, actor=self.request.user, expected_version=version)

    def require(self, perm: str, obj) -> None:
        """Refuse (403) unless the user holds ``perm`` on ``obj`` (e.g. the partner a new
        contact person is added to)."""
        if not self.request.user.has_perm(perm, obj):
            self.permission_denied(self.request)

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
        fresh = self.detail_queryset(self.request.user).get(pk=instance.pk)
        serializer_class = self.get_detail_serializer_class(fresh)
        return serializer_class(fresh, context=self.get_serializer_context()).data

    def get_detail_serializer_class(self, instance):
        return self.serializer_class

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        single = self.action != "list" and isinstance(data, dict) and "version" in data
        if single and response.status_code < 300:
            response["ETag"] = f'"{data["version"]}"'
        return response


ARCHIVED_PARAMETER = OpenApiParameter(
    "archived", bool, description="true: only archived records (default: only active ones)"
)


class ArchivingViewSet(ServiceModelViewSet):
    """DELETE archives (the record leaves the default lists); ``POST …/restore/`` brings it back.
    Hard deletion is left to administrators in the admin."""

    def archived_param(self) -> bool:
        raw = self.request.query_params.get("archived", "false").lower()
        if raw not in {"true", "false"}:
            detail = exceptions.ErrorDetail(_("Use true or false."), code="invalid_choice")
            raise exceptions.ValidationError({"archived": [detail]})
        return raw == "true"

    def delete_record(self, instance, version):
        services.instance_archive(instance, actor=self.request.user, expected_version=version)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Bring an archived record back into the lists."""
        instance = services.instance_restore(
            self.get_object(), actor=request.user, expected_version=expected_version(request)
        )
        return Response(self.represent(instance))


class ReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
