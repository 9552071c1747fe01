from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import User
from chains.models import Industry
from chains.serializers import IndustryRefSerializer, PartnerRefSerializer
from core.api.serializers import ModelSerializer
from partners.models import Carrier, Partner
from partners.serializers import CarrierRefSerializer, EventRefSerializer, UserRefSerializer
from projects.models import Event, PipelineTarget, Project, Stage, StageChange


class PipelineTargetSerializer(ModelSerializer):
    class Meta:
        model = PipelineTarget
        fields = (
            "id",
            "year",
            "signed_projects",
            "landed_projects",
            "planned_investment",
            "version",
        )


class EventSerializer(ModelSerializer):
    class Meta:
        model = Event
        fields = ("id", "name", "date", "kind", "location", "version")


class StageChangeSerializer(ModelSerializer):
    changed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = StageChange
        fields = ("id", "project", "from_stage", "to_stage", "changed_at", "changed_by", "note")


class NestedStageChangeSerializer(StageChangeSerializer):
    class Meta(StageChangeSerializer.Meta):
        fields = ("id", "from_stage", "to_stage", "changed_at", "changed_by", "note")


class ProjectListSerializer(ModelSerializer):
    industries = IndustryRefSerializer(many=True, read_only=True)
    owner = UserRefSerializer(read_only=True)
    promoted_at = EventRefSerializer(read_only=True)
    signed_at = EventRefSerializer(read_only=True)

    class Meta:
        model = Project
        fields = (
            "id",
            "code",
            "name",
            "kind",
            "stage",
            "stage_changed_at",
            "planned_investment",
            "industries",
            "owner",
            "is_new_quality",
            "promoted_at",
            "signed_at",
            "version",
        )
        read_only_fields = ("stage", "stage_changed_at")


def _ids(field: str, queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        source=field, queryset=queryset, write_only=True, **kwargs
    )


class ProjectSerializer(ProjectListSerializer):
    """A project with its investors and stage history. The stage is read-only here: it moves
    through ``POST /api/v1/projects/{id}/advance/``."""

    investors = PartnerRefSerializer(many=True, read_only=True)
    carrier = CarrierRefSerializer(read_only=True)
    stage_changes = NestedStageChangeSerializer(many=True, read_only=True)
    industry_ids = _ids("industries", Industry.objects.all(), many=True, required=False)
    investor_ids = _ids("investors", Partner.objects.all(), many=True, required=False)
    carrier_id = _ids("carrier", Carrier.objects.all(), allow_null=True, required=False)
    owner_id = _ids("owner", User.objects.all(), allow_null=True, required=False)
    promoted_at_id = _ids("promoted_at", Event.objects.all(), allow_null=True, required=False)
    signed_at_id = _ids("signed_at", Event.objects.all(), allow_null=True, required=False)

    class Meta(ProjectListSerializer.Meta):
        fields = (
            *ProjectListSerializer.Meta.fields,
            "location",
            "carrier",
            "description",
            "drop_reason",
            "investors",
            "stage_changes",
            "created_at",
            "updated_at",
            "industry_ids",
            "investor_ids",
            "carrier_id",
            "owner_id",
            "promoted_at_id",
            "signed_at_id",
        )
        read_only_fields = ("stage", "stage_changed_at", "drop_reason")

    def validate(self, attrs):
        """A plain write of the stage is refused rather than silently ignored."""
        sent = set(self.initial_data) if hasattr(self.initial_data, "keys") else set()
        if sent & {"stage", "drop_reason"}:
            raise serializers.ValidationError(
                {
                    "stage": serializers.ErrorDetail(
                        _("The stage changes only through the advance action."),
                        code="stage_read_only",
                    )
                }
            )
        return attrs


class AdvanceSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Required when moving to dropped.",
    )
