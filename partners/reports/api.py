"""API resources of the partner reports (``/api/v1/reports/…``)."""

from django.utils.translation import gettext_lazy as _

from core.reports import ReportViewSet
from partners.reports.coverage import visit_coverage
from partners.reports.doubling import doubling_progress
from partners.reports.overview import district_overview
from partners.reports.requests import request_handling


class OverviewReportViewSet(ReportViewSet):
    """Headline figures of the partner plan and the events of the period."""

    key = "overview"
    title = _("District overview")
    build = staticmethod(district_overview)
    permission = "partners.view_overview_report"


class RequestsReportViewSet(ReportViewSet):
    """How enterprise requests received in the period were handled, and those overdue now."""

    key = "requests"
    title = _("Request handling")
    build = staticmethod(request_handling)
    permission = "partners.view_requests_report"


class DoublingReportViewSet(ReportViewSet):
    """Each doubling-plan catalogue enterprise's growth from its base year toward ×2."""

    key = "doubling"
    title = _("Doubling-plan progress")
    build = staticmethod(doubling_progress)
    permission = "partners.view_doubling_report"


class CoverageReportViewSet(ReportViewSet):
    """Partners contacted within their cadence by steward, industry and chain; those overdue;
    interactions per member of staff and month."""

    key = "coverage"
    title = _("Visit coverage")
    build = staticmethod(visit_coverage)
    permission = "partners.view_coverage_report"
