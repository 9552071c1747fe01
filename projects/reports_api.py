"""API resource of the project pipeline report (``/api/v1/reports/pipeline/``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from core.reports import ReportParameters, ReportViewSet
from projects.reports import pipeline_report

STALLED_DAYS = OpenApiParameter(
    "stalled_days", int, description="days without a stage change that make a project stalled"
)


class PipelineParameters(ReportParameters):
    """The common report parameters and, for this report only, ``stalled_days``."""

    stalled_days = serializers.IntegerField(
        required=False, default=90, min_value=1, max_value=3650, label=_("stalled after days")
    )


@extend_schema_view(
    list=extend_schema(parameters=[STALLED_DAYS]),
    export=extend_schema(parameters=[STALLED_DAYS]),
)
class PipelineReportViewSet(ReportViewSet):
    """Projects by stage, industry, owner, kind and event; conversion between stages; days in
    each stage; stalled projects; the year's signed and landed projects against the target."""

    key = "pipeline"
    title = _("Project pipeline")
    build = staticmethod(pipeline_report)
    permission = "projects.view_pipeline_report"
    parameters_class = PipelineParameters
