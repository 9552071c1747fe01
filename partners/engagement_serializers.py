from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import User
from core.api.serializers import ModelSerializer
from partners.models import (
    ContactPerson,
    EnterpriseRequest,
    FollowUp,
    Interaction,
    Partner,
    RequestDeadlineRule,
    RequestEvent,
    VisitCadenceRule,
)
from partners.serializers import UserRefSerializer


def _ids(field: str, queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        source=field, queryset=queryset, write_only=True, **kwargs
    )


class PartnerNameSerializer(ModelSerializer):
    class Meta:
        model = Partner
        fields = ("id", "name")


class InteractionSerializer(ModelSerializer):
    partner = PartnerNameSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    staff_present = UserRefSerializer(many=True, read_only=True)
    contacts_met = serializers.SerializerMethodField()
    partner_id = _ids("partner", Partner.objects.all())
    staff_present_ids = _ids("staff_present", User.objects.all(), many=True, required=False)
    contacts_met_ids = _ids("contacts_met", ContactPerson.objects.all(), many=True, required=False)
    follow_up_action = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000
    )
    closes_ids = _ids("closes", FollowUp.objects.filter(status="open"), many=True, required=False)

    class Meta:
        model = Interaction
        fields = (
            "id",
            "partner",
            "partner_id",
            "kind",
            "occurred_at",
            "recorded_by",
            "staff_present",
            "staff_present_ids",
            "contacts_met",
            "contacts_met_ids",
            "summary",
            "outcome",
            "next_follow_up_on",
            "follow_up_action",
            "closes_ids",
            "created_at",
            "version",
        )

    def get_contacts_met(self, interaction) -> list[dict]:
        return [{"id": c.pk, "name": c.name} for c in interaction.contacts_met.all()]

    def get_fields(self):
        """Once logged, an interaction's partner and follow-up links do not change."""
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in ("partner_id", "next_follow_up_on", "follow_up_action", "closes_ids"):
                fields[name].read_only = True
        return fields


class FollowUpSerializer(ModelSerializer):
    partner = PartnerNameSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True)
    partner_id = _ids("partner", Partner.objects.all())
    owner_id = _ids("owner", User.objects.all(), required=False)

    class Meta:
        model = FollowUp
        fields = (
            "id",
            "partner",
            "partner_id",
            "owner",
            "owner_id",
            "due_on",
            "action",
            "status",
            "created_by_interaction",
            "closed_by_interaction",
            "closed_at",
            "created_at",
            "version",
        )
        read_only_fields = (
            "status",
            "created_by_interaction",
            "closed_by_interaction",
            "closed_at",
        )


class CloseFollowUpSerializer(serializers.Serializer):
    interaction_id = serializers.PrimaryKeyRelatedField(
        source="interaction", queryset=Interaction.objects.all(), required=False, allow_null=True
    )


class RequestEventSerializer(ModelSerializer):
    by = UserRefSerializer(read_only=True)

    class Meta:
        model = RequestEvent
        fields = ("id", "kind", "from_value", "to_value", "note", "at", "by")


class EnterpriseRequestSerializer(ModelSerializer):
    partner = PartnerNameSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True)
    raised_by = UserRefSerializer(read_only=True)
    events = RequestEventSerializer(many=True, read_only=True)
    partner_id = _ids("partner", Partner.objects.all(), required=False)
    owner_id = _ids("owner", User.objects.all(), required=False, allow_null=True)
    raised_in_id = _ids("raised_in", Interaction.objects.all(), required=False, allow_null=True)

    class Meta:
        model = EnterpriseRequest
        fields = (
            "id",
            "partner",
            "partner_id",
            "category",
            "description",
            "owner_department",
            "owner",
            "owner_id",
            "raised_by",
            "raised_in_id",
            "received_on",
            "deadline",
            "status",
            "resolved_at",
            "closed_at",
            "satisfaction",
            "events",
            "created_at",
            "version",
        )
        read_only_fields = ("deadline", "status", "resolved_at", "closed_at", "satisfaction")
        extra_kwargs = {"received_on": {"required": False}}

    def validate(self, attrs):
        """Status, owner and deadline change only through the request's actions."""
        sent = set(self.initial_data) if hasattr(self.initial_data, "keys") else set()
        locked = {"status", "deadline", "satisfaction"}
        if self.instance is not None:
            locked |= {"owner_id", "owner_department", "partner_id"}
        refused = sorted(sent & locked)
        if refused:
            raise serializers.ValidationError(
                {
                    name: serializers.ErrorDetail(
                        _("This changes only through the request's actions."), code="read_only"
                    )
                    for name in refused
                }
            )
        return attrs


class EnterpriseRequestListSerializer(EnterpriseRequestSerializer):
    class Meta(EnterpriseRequestSerializer.Meta):
        fields = tuple(f for f in EnterpriseRequestSerializer.Meta.fields if f != "events")


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=EnterpriseRequest.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReassignSerializer(serializers.Serializer):
    owner_id = serializers.PrimaryKeyRelatedField(
        source="owner", queryset=User.objects.all(), required=False
    )
    owner_department = serializers.CharField(required=False, max_length=64)
    reason = serializers.CharField(max_length=2000)


class ExtendSerializer(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=1, max_value=250)
    reason = serializers.CharField(max_length=2000)


class RateSerializer(serializers.Serializer):
    satisfaction = serializers.IntegerField(min_value=1, max_value=5)


class RequestDeadlineRuleSerializer(ModelSerializer):
    class Meta:
        model = RequestDeadlineRule
        fields = ("id", "category", "working_days", "version")


class VisitCadenceRuleSerializer(ModelSerializer):
    class Meta:
        model = VisitCadenceRule
        fields = ("id", "group", "days", "version")
