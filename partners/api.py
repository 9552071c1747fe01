"""API resources of partners, contact persons, carriers, qualification tags, recognitions and
chain-leader change requests."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.roles import can_read_all
from core.api.viewsets import (
    ARCHIVED_PARAMETER,
    ArchivingViewSet,
    ReadOnlyViewSet,
    ServiceModelViewSet,
    expected_version,
)
from core.exports import export_action
from partners import exports, filters, search_api, selectors, serializers, services
from partners.models import (
    Carrier,
    ContactPerson,
    Partner,
    PartnerChangeRequest,
    QualificationTag,
    Recognition,
)


def reads_directory_only(user) -> bool:
    """A chain-leader unit reads other partners as directory entries."""
    return not can_read_all(user)


@extend_schema_view(
    list=extend_schema(parameters=[ARCHIVED_PARAMETER]),
    export=extend_schema(parameters=[ARCHIVED_PARAMETER]),
)
class PartnerViewSet(ArchivingViewSet):
    model = Partner
    serializer_class = serializers.PartnerSerializer
    list_serializer_class = serializers.PartnerListSerializer
    list_from_rows = True
    filterset_class = filters.PartnerFilter
    ordering_fields = ("name", "short_name", "uscc", "joined_on", "status", "updated_at")
    ordering = ("name",)
    action_permissions = {
        "destroy": "partners.archive_partner",
        "restore": "partners.restore_partner",
        "duplicates": "partners.add_partner",
    }

    def list_queryset(self, user):
        return selectors.partner_list(user, archived=self.archived_param())

    def detail_queryset(self, user):
        return selectors.partner_detail(user)

    def get_serializer_class(self):
        if self.action == "list" and reads_directory_only(self.request.user):
            return serializers.PartnerDirectorySerializer
        return super().get_serializer_class()

    def get_detail_serializer_class(self, partner):
        if self.request.user.has_perm("partners.view_partner_private", partner):
            return serializers.PartnerSerializer
        return serializers.PartnerDirectorySerializer

    def retrieve(self, request, *args, **kwargs):
        partner = self.get_object()
        serializer_class = self.get_detail_serializer_class(partner)
        return Response(serializer_class(partner, context=self.get_serializer_context()).data)

    @export_action
    def export(self, request):
        """The filtered list as an Excel workbook: the list's filters, ordering and scope (a
        chain-leader unit gets the directory columns); phones masked as in the API."""
        partners = self.filter_queryset(self.list_queryset(request.user))
        return exports.partner_export(partners, request.user)

    def create_record(self, data):
        return services.partner_create(actor=self.request.user, **data)

    @extend_schema(
        parameters=[search_api.DuplicateQuerySerializer],
        responses=search_api.DuplicatesResponseSerializer,
    )
    @action(detail=False, methods=["get"])
    def duplicates(self, request):
        """Existing partners that a new one with this name or code may duplicate (the same
        check as creating one, which answers 409 ``possible_duplicate`` with them)."""
        return search_api.duplicates_answer(request)

    def update_record(self, instance, data, version):
        data.pop("confirm_duplicate", None)  # a warning when creating only
        if reads_directory_only(self.request.user):
            data.pop("override_check_digit", None)
            services.partner_self_service_update(
                partner=instance, actor=self.request.user, expected_version=version, **data
            )
            return instance
        return services.partner_update(
            partner=instance, actor=self.request.user, expected_version=version, **data
        )


class ContactPersonViewSet(ServiceModelViewSet):
    model = ContactPerson
    serializer_class = serializers.ContactPersonSerializer
    filterset_class = filters.ContactPersonFilter
    ordering_fields = ("name", "partner")
    ordering = ("partner", "-is_primary", "name")

    def list_queryset(self, user):
        return selectors.contact_list(user)

    def create_record(self, data):
        self.require("partners.manage_contacts", data["partner"])
        return services.contact_create(**data)

    def update_record(self, instance, data, version):
        return services.contact_update(contact=instance, expected_version=version, **data)

    def delete_record(self, instance, version):
        services.contact_delete(contact=instance, actor=self.request.user, expected_version=version)


class CarrierViewSet(ServiceModelViewSet):
    model = Carrier
    serializer_class = serializers.CarrierSerializer
    filterset_class = filters.CarrierFilter
    ordering_fields = ("name", "kind")
    ordering = ("kind", "name")

    def list_queryset(self, user):
        return Carrier.objects.select_related("zone")


class QualificationTagViewSet(ServiceModelViewSet):
    model = QualificationTag
    serializer_class = serializers.QualificationTagSerializer
    ordering_fields = ("name",)
    ordering = ("name",)


class RecognitionViewSet(ServiceModelViewSet):
    model = Recognition
    serializer_class = serializers.RecognitionSerializer
    filterset_class = filters.RecognitionFilter
    ordering_fields = ("year", "title", "category")
    ordering = ("-year", "title", "category", "partner__name")

    def list_queryset(self, user):
        return selectors.recognition_list(user)


class ChangeRequestViewSet(ReadOnlyViewSet):
    """Chain-leader units' requests to change key fields of their own record. A chain-leader
    unit files one by PATCHing its partner; its steward or a manager approves or rejects."""

    model = PartnerChangeRequest
    serializer_class = serializers.ChangeRequestSerializer
    filterset_class = filters.ChangeRequestFilter
    ordering_fields = ("created_at",)
    ordering = ("-created_at", "-pk")
    action_permissions = {
        "approve": "partners.decide_change_request",
        "reject": "partners.decide_change_request",
    }

    def list_queryset(self, user):
        return selectors.change_request_list(user)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Apply the requested values to the partner."""
        change_request = self.get_object()
        services.change_request_approve(
            request=change_request, actor=request.user, expected_version=expected_version(request)
        )
        return Response(self._fresh(change_request))

    @extend_schema(request=serializers.RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Refuse the request with a reason; the partner keeps its values."""
        change_request = self.get_object()
        serializer = serializers.RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_request_reject(
            request=change_request,
            actor=request.user,
            reason=serializer.validated_data["reason"],
            expected_version=expected_version(request),
        )
        return Response(self._fresh(change_request))

    def _fresh(self, change_request) -> dict:
        fresh = self.list_queryset(self.request.user).get(pk=change_request.pk)
        return self.serializer_class(fresh, context=self.get_serializer_context()).data
