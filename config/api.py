"""The one API router: every resource under /api/v1/, the schema and its documentation."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet
from chains import api as chains
from chains import chain_map_api
from chains import reports_api as chain_reports
from core.api.audit import AuditViewSet
from core.imports.api import ImportBatchViewSet
from partners import api as partners
from partners import doubling_api
from partners import engagement_api as engagement
from partners.notifications_api import NotificationViewSet
from partners.reports import api as partner_reports
from partners.search_api import SearchViewSet
from projects import api as projects
from projects import reports_api as project_reports

router = DefaultRouter()
router.register("partners", partners.PartnerViewSet, basename="partner")
router.register("contacts", partners.ContactPersonViewSet, basename="contact")
router.register("tags", partners.QualificationTagViewSet, basename="tag")
router.register("carriers", partners.CarrierViewSet, basename="carrier")
router.register("recognitions", partners.RecognitionViewSet, basename="recognition")
router.register("industries", chains.IndustryViewSet, basename="industry")
router.register("chains", chains.IndustryChainViewSet, basename="chain")
router.register("segments", chains.ChainSegmentViewSet, basename="segment")
router.register("appointments", chains.ChainLeaderAppointmentViewSet, basename="appointment")
router.register("work-camps", chains.WorkCampViewSet, basename="work-camp")
router.register("targets", chains.TargetCompanyViewSet, basename="target")
router.register("projects", projects.ProjectViewSet, basename="project")
router.register("stage-changes", projects.StageChangeViewSet, basename="stage-change")
router.register("events", projects.EventViewSet, basename="event")
router.register("pipeline-targets", projects.PipelineTargetViewSet, basename="pipeline-target")
router.register("interactions", engagement.InteractionViewSet, basename="interaction")
router.register("follow-ups", engagement.FollowUpViewSet, basename="follow-up")
router.register("requests", engagement.EnterpriseRequestViewSet, basename="request")
router.register(
    "request-deadline-rules", engagement.RequestDeadlineRuleViewSet, basename="deadline-rule"
)
router.register("visit-cadence-rules", engagement.VisitCadenceRuleViewSet, basename="cadence-rule")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("change-requests", partners.ChangeRequestViewSet, basename="change-request")
router.register(
    "doubling-indicators", doubling_api.DoublingIndicatorViewSet, basename="doubling-indicator"
)
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("audit", AuditViewSet, basename="audit")
router.register("search", SearchViewSet, basename="search")
router.register("imports", ImportBatchViewSet, basename="import")
router.register(
    "reports/overview", partner_reports.OverviewReportViewSet, basename="report-overview"
)
router.register(
    "reports/pipeline", project_reports.PipelineReportViewSet, basename="report-pipeline"
)
router.register("reports/roster", chain_reports.RosterReportViewSet, basename="report-roster")
router.register(
    "reports/chain-map", chain_map_api.ChainMapReportViewSet, basename="report-chain-map"
)
router.register(
    "segment-strength-rules", chain_map_api.SegmentStrengthRuleViewSet, basename="strength-rule"
)
router.register(
    "reports/coverage", partner_reports.CoverageReportViewSet, basename="report-coverage"
)
router.register(
    "reports/requests", partner_reports.RequestsReportViewSet, basename="report-requests"
)
router.register(
    "reports/doubling", partner_reports.DoublingReportViewSet, basename="report-doubling"
)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
