"""API resources of the chain map (``/api/v1/reports/chain-map/``) and of the rules it judges
segments by (``/api/v1/segment-strength-rules/``)."""

from django.utils.translation import gettext_lazy as _

from chains import serializers, services
from chains.chain_map import chain_map
from chains.models import SegmentStrengthRule
from core.api.viewsets import ServiceModelViewSet
from core.reports import ReportViewSet


class ChainMapReportViewSet(ReportViewSet):
    """Each chain's segments, partners, chain-leader units, work camps and targets; strong,
    weak and empty segments and the gap list."""

    key = "chain-map"
    title = _("Industry chain map")
    build = staticmethod(chain_map)
    permission = "chains.view_chain_map_report"


class SegmentStrengthRuleViewSet(ServiceModelViewSet):
    """The rule sets that judge a chain segment strong, weak or empty; activating one retires
    the one active before."""

    model = SegmentStrengthRule
    serializer_class = serializers.SegmentStrengthRuleSerializer
    ordering_fields = ("name",)
    ordering = ("-is_active", "name")

    def list_queryset(self, user):
        return SegmentStrengthRule.objects.prefetch_related("qualifying_tags")

    def create_record(self, data):
        return services.strength_rule_create(actor=self.request.user, **data)

    def update_record(self, instance, data, version):
        return services.strength_rule_update(
            instance, actor=self.request.user, expected_version=version, **data
        )
