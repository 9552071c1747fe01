"""API resources of projects, their stage history and events."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import (
    ARCHIVED_PARAMETER,
    ArchivingViewSet,
    ReadOnlyViewSet,
    ServiceModelViewSet,
    expected_version,
)
from core.exports import export_action
from projects import exports, filters, selectors, serializers, services
from projects.models import Event, PipelineTarget, Project, StageChange


@extend_schema_view(
    list=extend_schema(parameters=[ARCHIVED_PARAMETER]),
    export=extend_schema(parameters=[ARCHIVED_PARAMETER]),
)
class ProjectViewSet(ArchivingViewSet):
    model = Project
    serializer_class = serializers.ProjectSerializer
    list_serializer_class = serializers.ProjectListSerializer
    list_from_rows = True
    filterset_class = filters.ProjectFilter
    ordering_fields = ("code", "name", "stage", "planned_investment", "stage_changed_at")
    ordering = ("code",)

    action_permissions = {
        "advance": "projects.advance_project",
        "destroy": "projects.archive_project",
        "restore": "projects.restore_project",
    }

    def list_queryset(self, user):
        return selectors.project_list(user, archived=self.archived_param())

    def detail_queryset(self, user):
        return selectors.project_detail(user)

    @export_action
    def export(self, request):
        """The filtered list as an Excel workbook: the list's filters, ordering and scope."""
        projects = self.filter_queryset(self.list_queryset(request.user))
        return exports.project_export(projects)

    def create_record(self, data):
        return services.project_create(actor=self.request.user, **data)

    @extend_schema(request=serializers.AdvanceSerializer, responses=serializers.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move the project to another stage. Allowed: one step forward (negotiating may fall
        back to lead), dropped from any live stage with a reason, and reopening a dropped
        project at the stage it was dropped from. Every move is recorded."""
        project = self.get_object()
        serializer = serializers.AdvanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.project_change_stage(
            project=project,
            actor=request.user,
            expected_version=expected_version(request),
            **serializer.validated_data,
        )
        return Response(self.represent(project))


class StageChangeViewSet(ReadOnlyViewSet):
    model = StageChange
    serializer_class = serializers.StageChangeSerializer
    filterset_class = filters.StageChangeFilter
    ordering_fields = ("changed_at",)
    ordering = ("-changed_at", "-pk")

    def list_queryset(self, user):
        return selectors.stage_change_list(user)


class EventViewSet(ServiceModelViewSet):
    model = Event
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = ("date", "name")
    ordering = ("-date", "name")

    def list_queryset(self, user):
        return selectors.event_list(user)


class PipelineTargetViewSet(ServiceModelViewSet):
    """The yearly pipeline targets the pipeline report measures against (managers set them)."""

    model = PipelineTarget
    serializer_class = serializers.PipelineTargetSerializer
    ordering_fields = ("year",)
    ordering = ("-year",)
