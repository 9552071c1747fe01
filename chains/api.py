"""API resources of industries, chains, the roster, work camps and target lists."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from chains import exports, filters, selectors, serializers, services
from chains.models import (
    ChainLeaderAppointment,
    ChainSegment,
    Industry,
    IndustryChain,
    TargetCompany,
    WorkCamp,
)
from core.api.viewsets import ServiceModelViewSet
from core.exports import export_action


class IndustryViewSet(ServiceModelViewSet):
    model = Industry
    serializer_class = serializers.IndustrySerializer
    filterset_class = filters.IndustryFilter
    ordering_fields = ("name", "position", "kind")
    ordering = ("position", "name")

    def update_record(self, instance, data, version):
        if "parent" in data:
            services.industry_check_parent(instance, data["parent"])
        return super().update_record(instance, data, version)


class IndustryChainViewSet(ServiceModelViewSet):
    model = IndustryChain
    serializer_class = serializers.IndustryChainSerializer
    filterset_class = filters.IndustryChainFilter
    ordering_fields = ("name", "position")
    ordering = ("position", "name")

    def list_queryset(self, user):
        return selectors.chain_list(user)


class ChainSegmentViewSet(ServiceModelViewSet):
    model = ChainSegment
    serializer_class = serializers.ChainSegmentSerializer
    filterset_class = filters.ChainSegmentFilter
    ordering_fields = ("position", "name")
    ordering = ("chain__position", "chain__name", "position")

    def list_queryset(self, user):
        return selectors.segment_list(user)


class ChainLeaderAppointmentViewSet(ServiceModelViewSet):
    model = ChainLeaderAppointment
    serializer_class = serializers.ChainLeaderAppointmentSerializer
    filterset_class = filters.AppointmentFilter
    ordering_fields = ("year", "partner__name", "chain__position")
    ordering = ("-year", "chain__position", "partner__name")

    def list_queryset(self, user):
        return selectors.appointment_list(user)

    @export_action
    def export(self, request):
        """The filtered roster as an Excel workbook: the list's filters, ordering and scope (a
        chain-leader unit's own chains)."""
        appointments = self.filter_queryset(self.list_queryset(request.user))
        return exports.appointment_export(appointments)

    def create_record(self, data):
        return services.appointment_create(**data)

    def update_record(self, instance, data, version):
        if "partner" in data:
            services.appointment_check_partner(data["partner"])
        return super().update_record(instance, data, version)


class WorkCampViewSet(ServiceModelViewSet):
    model = WorkCamp
    serializer_class = serializers.WorkCampSerializer
    list_serializer_class = serializers.WorkCampListSerializer
    filterset_class = filters.WorkCampFilter
    ordering_fields = ("name",)
    ordering = ("name",)

    action_permissions = {
        "add_member": "chains.change_workcamp",
        "remove_member": "chains.change_workcamp",
    }

    def list_queryset(self, user):
        return selectors.work_camp_list(user)

    def detail_queryset(self, user):
        return selectors.work_camp_detail(user)

    @extend_schema(
        request=serializers.MembershipSerializer, responses=serializers.WorkCampSerializer
    )
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        """Add a partner to the camp (role 链长 or 成员)."""
        camp = self.get_object()
        serializer = serializers.MembershipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.work_camp_add_member(camp=camp, **serializer.validated_data)
        return Response(self.represent(camp), status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<partner_id>\d+)")
    def remove_member(self, request, pk=None, partner_id=None):
        """Take a partner out of the camp."""
        services.work_camp_remove_member(camp=self.get_object(), partner_id=int(partner_id))
        return Response(status=204)


class TargetCompanyViewSet(ServiceModelViewSet):
    model = TargetCompany
    serializer_class = serializers.TargetCompanySerializer
    filterset_class = filters.TargetCompanyFilter
    ordering_fields = ("name", "status", "updated_at")
    ordering = ("segment__chain__position", "segment__position", "name")

    def list_queryset(self, user):
        return selectors.target_company_list(user)

    def create_record(self, data):
        return services.target_company_create(**data)

    def update_record(self, instance, data, version):
        if "uscc" in data:
            data["uscc"] = services.target_check_uscc(data["uscc"])
        return super().update_record(instance, data, version)
