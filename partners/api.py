"""API resources of partners, contact persons, carriers, qualification tags and recognitions."""

from core.api.viewsets import ServiceModelViewSet
from partners import filters, selectors, serializers, services
from partners.models import Carrier, QualificationTag


class PartnerViewSet(ServiceModelViewSet):
    serializer_class = serializers.PartnerSerializer
    list_serializer_class = serializers.PartnerListSerializer
    filterset_class = filters.PartnerFilter
    ordering_fields = ("name", "short_name", "uscc", "joined_on", "status", "updated_at")
    ordering = ("name",)

    def get_queryset(self):
        if self.action == "list":
            return selectors.partner_list()
        return selectors.partner_detail()

    def create_record(self, data):
        return services.partner_create(actor=self.request.user, **data)

    def update_record(self, instance, data, version):
        return services.partner_update(
            partner=instance, actor=self.request.user, expected_version=version, **data
        )


class ContactPersonViewSet(ServiceModelViewSet):
    serializer_class = serializers.ContactPersonSerializer
    filterset_class = filters.ContactPersonFilter
    ordering_fields = ("name", "partner")
    ordering = ("partner", "-is_primary", "name")

    def get_queryset(self):
        return selectors.contact_list()

    def create_record(self, data):
        return services.contact_create(**data)

    def update_record(self, instance, data, version):
        return services.contact_update(contact=instance, expected_version=version, **data)


class CarrierViewSet(ServiceModelViewSet):
    queryset = Carrier.objects.select_related("zone")
    serializer_class = serializers.CarrierSerializer
    filterset_class = filters.CarrierFilter
    ordering_fields = ("name", "kind")
    ordering = ("kind", "name")


class QualificationTagViewSet(ServiceModelViewSet):
    queryset = QualificationTag.objects.all()
    serializer_class = serializers.QualificationTagSerializer
    ordering_fields = ("name",)
    ordering = ("name",)


class RecognitionViewSet(ServiceModelViewSet):
    serializer_class = serializers.RecognitionSerializer
    filterset_class = filters.RecognitionFilter
    ordering_fields = ("year", "title", "category")
    ordering = ("-year", "title", "category", "partner__name")

    def get_queryset(self):
        return selectors.recognition_list()
