"""API resources of the partner reports (``/api/v1/reports/…``)."""

from core.reports import ReportViewSet
from partners.reports.overview import district_overview


class OverviewReportViewSet(ReportViewSet):
    """Headline figures of the partner plan and the events of the period."""

    build = staticmethod(district_overview)
    permission = "partners.view_overview_report"
