"""``/api/v1/imports/``: upload a file (multipart, ``kind`` and ``file``) to get its preview,
follow a batch's progress, confirm it, download its rejected rows or a kind's template."""

import django_filters
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.serializers import ModelSerializer
from core.api.viewsets import ReadOnlyViewSet
from core.imports import selectors, services, workbooks
from core.imports.base import IMPORTERS
from core.imports.models import ImportBatch, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200


class ImportBatchSerializer(ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    confirmed_by = serializers.CharField(
        source="confirmed_by.username", read_only=True, default=None
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    row_errors = serializers.SerializerMethodField()
    row_notes = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "kind",
            "file_name",
            "size",
            "status",
            "status_label",
            "file_error_code",
            "file_error",
            "total_rows",
            "processed_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "rejected_count",
            "row_errors",
            "row_notes",
            "uploaded_by",
            "created_at",
            "confirmed_by",
            "confirmed_at",
            "finished_at",
        )

    def get_row_errors(self, batch) -> list[dict]:
        """The first 200; the rejected-rows workbook has them all."""
        return batch.row_errors[:ERRORS_SHOWN] if self._detail() else []

    def get_row_notes(self, batch) -> list[dict]:
        return batch.row_notes[:ERRORS_SHOWN] if self._detail() else []

    def _detail(self) -> bool:
        return self.context.get("detail", True)


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sorted(IMPORTERS)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ImportBatchFilter(django_filters.FilterSet):
    class Meta:
        model = ImportBatch
        fields = ("kind", "status")


class ImportBatchViewSet(ReadOnlyViewSet):
    model = ImportBatch
    serializer_class = ImportBatchSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = ImportBatchFilter
    ordering_fields = ("created_at",)
    ordering = ("-created_at", "-pk")
    action_permissions = {
        "create": "core.add_importbatch",
        "confirm": "core.change_importbatch",
        "rejected": "core.view_importbatch",
        "template": "core.view_importbatch",
    }

    def list_queryset(self, user):
        return selectors.import_batch_list(user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer})
    def create(self, request):
        """Upload a file: answers 201 with the preview, or 202 while a task checks it."""
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        services.import_size_check(file.size)  # before reading it
        batch = services.import_upload(
            kind=upload.validated_data["kind"],
            file_name=file.name,
            content=file.read(),
            actor=request.user,
        )
        batch = self.list_queryset(request.user).get(pk=batch.pk)
        done = batch.status != ImportStatus.UPLOADED
        code = status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED
        return Response(self.get_serializer(batch).data, status=code)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Import the checked rows in one transaction (202 while a task does it)."""
        batch = services.import_confirm(batch=self.get_object(), actor=request.user)
        batch = self.list_queryset(request.user).get(pk=batch.pk)
        done = batch.status != ImportStatus.IMPORTING
        code = status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED
        return Response(self.get_serializer(batch).data, status=code)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def rejected(self, request, pk=None):
        """The rejected rows as uploaded, with the reason, to fix and upload again."""
        batch = self.get_object()
        if batch.status not in (ImportStatus.PREVIEWED, ImportStatus.DONE, ImportStatus.FAILED):
            raise exceptions.NotFound(_("This batch has no checked rows."))
        content = workbooks.rejected_rows_workbook(ImportBatch.objects.get(pk=batch.pk))
        return _xlsx(content, f"rejected-{batch.pk}-{timezone.localdate():%Y%m%d}.xlsx")

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH)],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path=r"templates/(?P<kind>[a-z-]+)")
    def template(self, request, kind=None):
        """An empty workbook with the kind's headers and an instructions sheet."""
        if kind not in IMPORTERS:
            raise exceptions.NotFound(_("Unknown import kind."))
        return _xlsx(workbooks.template_workbook(kind), f"template-{kind}.xlsx")
