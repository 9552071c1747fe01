"""API resource of the recognition and roster report (``/api/v1/reports/roster/``)."""

from django.utils.translation import gettext_lazy as _

from chains.reports import roster_report
from core.reports import ReportViewSet


class RosterReportViewSet(ReportViewSet):
    """The year's chain-leader roster and recognition lists, and both year over year. A
    chain-leader unit reads the roster of its own chains and no recognitions."""

    key = "roster"
    title = _("Recognition and roster")
    build = staticmethod(roster_report)
    permission = "chains.view_roster_report"
