from rest_framework import serializers

from accounts.models import User
from chains.models import ChainSegment, Industry
from chains.serializers import ChainRefSerializer, IndustryRefSerializer, SegmentRefSerializer
from core.api.serializers import ModelSerializer
from partners.models import (
    Carrier,
    ContactPerson,
    Partner,
    PartnerChangeRequest,
    QualificationTag,
    Recognition,
)
from partners.validators import mask_phone
from projects.models import Event


class UserRefSerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "full_name")


class CarrierRefSerializer(ModelSerializer):
    class Meta:
        model = Carrier
        fields = ("id", "name", "kind")


class TagRefSerializer(ModelSerializer):
    class Meta:
        model = QualificationTag
        fields = ("id", "name")


class EventRefSerializer(ModelSerializer):
    class Meta:
        model = Event
        fields = ("id", "name", "date")


class CarrierSerializer(ModelSerializer):
    zone = CarrierRefSerializer(read_only=True)
    zone_id = serializers.PrimaryKeyRelatedField(
        source="zone",
        queryset=Carrier.objects.filter(kind=Carrier.Kind.ZONE),
        allow_null=True,
        required=False,
        write_only=True,
    )

    class Meta:
        model = Carrier
        fields = ("id", "name", "kind", "zone", "zone_id", "is_featured", "address", "version")


class QualificationTagSerializer(ModelSerializer):
    class Meta:
        model = QualificationTag
        fields = ("id", "name", "description", "version")


class MaskedPhoneMixin:
    """Mobile numbers are shown masked (138****1234) to those who may not see them in full."""

    def to_representation(self, contact):
        data = super().to_representation(contact)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.has_perm("partners.view_contact_phone", contact.partner):
            data["phone"] = mask_phone(data.get("phone", ""))
        return data


class ContactPersonSerializer(MaskedPhoneMixin, ModelSerializer):
    partner_id = serializers.PrimaryKeyRelatedField(
        source="partner", queryset=Partner.objects.all()
    )

    class Meta:
        model = ContactPerson
        fields = ("id", "partner_id", "name", "title", "phone", "email", "is_primary", "version")
        # A new primary contact replaces the old one in the service; no serializer-level check.
        validators = []

    def get_fields(self):
        """The partner of an existing contact cannot be changed."""
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["partner_id"].read_only = True
        return fields


class NestedContactSerializer(MaskedPhoneMixin, ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ("id", "name", "title", "phone", "email", "is_primary")


class AppointmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    chain = ChainRefSerializer()


class PartnerListSerializer(ModelSerializer):
    industries = IndustryRefSerializer(many=True, read_only=True)
    tags = TagRefSerializer(many=True, read_only=True)
    carrier = CarrierRefSerializer(read_only=True)
    steward = UserRefSerializer(read_only=True)

    class Meta:
        model = Partner
        fields = (
            "id",
            "uscc",
            "name",
            "short_name",
            "organisation_type",
            "status",
            "industries",
            "tags",
            "carrier",
            "steward",
            "in_doubling_catalogue",
            "joined_on",
            "version",
        )


def _ids(field: str, queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        source=field, queryset=queryset, write_only=True, **kwargs
    )


class PartnerSerializer(PartnerListSerializer):
    """One partner with what a client needs in one call: contacts, segments, tags, carrier,
    steward and the chain-leader appointments of the current roster year."""

    segments = SegmentRefSerializer(many=True, read_only=True)
    joined_at_event = EventRefSerializer(read_only=True)
    contacts = NestedContactSerializer(many=True, read_only=True)
    current_appointments = AppointmentRefSerializer(many=True, read_only=True)
    pending_change_request = serializers.SerializerMethodField()
    industry_ids = _ids("industries", Industry.objects.all(), many=True, required=False)
    segment_ids = _ids("segments", ChainSegment.objects.all(), many=True, required=False)
    tag_ids = _ids("tags", QualificationTag.objects.all(), many=True, required=False)
    carrier_id = _ids("carrier", Carrier.objects.all(), allow_null=True, required=False)
    steward_id = _ids("steward", User.objects.all(), allow_null=True, required=False)
    joined_at_event_id = _ids(
        "joined_at_event", Event.objects.all(), allow_null=True, required=False
    )
    override_check_digit = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Accept a code whose only fault is its check character (managers only).",
    )
    confirm_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Create the partner although partners with a very similar name exist.",
    )

    class Meta(PartnerListSerializer.Meta):
        fields = (
            *PartnerListSerializer.Meta.fields,
            "segments",
            "address",
            "registered_capital",
            "established_on",
            "joined_at_event",
            "notes",
            "introduction",
            "business_scope",
            "needs",
            "contacts",
            "current_appointments",
            "pending_change_request",
            "archived_at",
            "uscc_check_overridden_at",
            "created_at",
            "updated_at",
            "industry_ids",
            "segment_ids",
            "tag_ids",
            "carrier_id",
            "steward_id",
            "joined_at_event_id",
            "override_check_digit",
            "confirm_duplicate",
        )
        read_only_fields = ("uscc_check_overridden_at", "archived_at")
        # Uniqueness is the service's to check, so that the answer names the existing partner.
        extra_kwargs = {"uscc": {"validators": []}}

    def get_pending_change_request(self, partner) -> dict | None:
        pending = getattr(partner, "pending_change_requests", None)
        if not pending:
            return None
        return ChangeRequestSerializer(pending[0], context=self.context).data


class PartnerDirectorySerializer(ModelSerializer):
    """What a chain-leader unit sees of other partners: the public directory entry only."""

    industries = IndustryRefSerializer(many=True, read_only=True)
    segments = SegmentRefSerializer(many=True, read_only=True)
    carrier = CarrierRefSerializer(read_only=True)
    tags = TagRefSerializer(many=True, read_only=True)

    class Meta:
        model = Partner
        fields = ("id", "name", "short_name", "industries", "segments", "carrier", "tags")
        read_only_fields = fields


class ChangeRequestSerializer(ModelSerializer):
    partner = serializers.SerializerMethodField()
    requested_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True)

    class Meta:
        model = PartnerChangeRequest
        fields = (
            "id",
            "partner",
            "status",
            "changes",
            "previous",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "version",
        )
        read_only_fields = fields

    def get_partner(self, request) -> dict:
        return {"id": request.partner_id, "name": request.partner.name}


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RecognitionSerializer(ModelSerializer):
    partner = serializers.SerializerMethodField()
    partner_id = _ids("partner", Partner.objects.all())

    class Meta:
        model = Recognition
        fields = ("id", "year", "title", "category", "partner", "partner_id", "version")

    def get_partner(self, recognition) -> dict:
        return {"id": recognition.partner_id, "name": recognition.partner.name}
