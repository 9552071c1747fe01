from rest_framework import serializers

from accounts.models import User
from chains.models import (
    ChainLeaderAppointment,
    ChainSegment,
    Industry,
    IndustryChain,
    SegmentStrengthRule,
    TargetCompany,
    WorkCamp,
    WorkCampMembership,
)
from core.api.serializers import ModelSerializer
from partners.models import Partner, QualificationTag


class IndustryRefSerializer(ModelSerializer):
    class Meta:
        model = Industry
        fields = ("id", "name", "kind")


class ChainRefSerializer(ModelSerializer):
    class Meta:
        model = IndustryChain
        fields = ("id", "name")


class SegmentRefSerializer(ModelSerializer):
    chain = ChainRefSerializer(read_only=True)

    class Meta:
        model = ChainSegment
        fields = ("id", "name", "position", "chain")


class PartnerRefSerializer(ModelSerializer):
    class Meta:
        model = Partner
        fields = ("id", "name", "short_name")


class IndustrySerializer(ModelSerializer):
    parent_id = serializers.PrimaryKeyRelatedField(
        source="parent", queryset=Industry.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Industry
        fields = ("id", "name", "kind", "parent_id", "position", "description", "version")


class IndustryChainSerializer(ModelSerializer):
    industry = IndustryRefSerializer(read_only=True)
    industry_id = serializers.PrimaryKeyRelatedField(
        source="industry", queryset=Industry.objects.all(), write_only=True
    )
    segments = serializers.SerializerMethodField()

    class Meta:
        model = IndustryChain
        fields = (
            "id",
            "name",
            "industry",
            "industry_id",
            "position",
            "description",
            "segments",
            "version",
        )

    def get_segments(self, chain) -> list[dict]:
        return [{"id": s.id, "name": s.name, "position": s.position} for s in chain.segments.all()]


class ChainSegmentSerializer(ModelSerializer):
    chain_id = serializers.PrimaryKeyRelatedField(
        source="chain", queryset=IndustryChain.objects.all()
    )

    class Meta:
        model = ChainSegment
        fields = ("id", "chain_id", "name", "position", "description", "version")


class ChainLeaderAppointmentSerializer(ModelSerializer):
    partner = PartnerRefSerializer(read_only=True)
    chain = ChainRefSerializer(read_only=True)
    partner_id = serializers.PrimaryKeyRelatedField(
        source="partner", queryset=Partner.objects.all(), write_only=True
    )
    chain_id = serializers.PrimaryKeyRelatedField(
        source="chain", queryset=IndustryChain.objects.all(), write_only=True
    )

    class Meta:
        model = ChainLeaderAppointment
        fields = (
            "id",
            "year",
            "partner",
            "partner_id",
            "chain",
            "chain_id",
            "note",
            "created_at",
            "version",
        )


class MembershipSerializer(ModelSerializer):
    partner = PartnerRefSerializer(read_only=True)
    partner_id = serializers.PrimaryKeyRelatedField(
        source="partner", queryset=Partner.objects.all(), write_only=True
    )

    class Meta:
        model = WorkCampMembership
        fields = ("id", "partner", "partner_id", "role", "joined_on")


class WorkCampSerializer(ModelSerializer):
    industry = IndustryRefSerializer(read_only=True)
    industry_id = serializers.PrimaryKeyRelatedField(
        source="industry", queryset=Industry.objects.all(), write_only=True
    )
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = WorkCamp
        fields = (
            "id",
            "name",
            "industry",
            "industry_id",
            "lead_department",
            "description",
            "memberships",
            "version",
        )


class WorkCampListSerializer(WorkCampSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta(WorkCampSerializer.Meta):
        fields = ("id", "name", "industry", "lead_department", "member_count", "version")


class TargetCompanySerializer(ModelSerializer):
    segment = SegmentRefSerializer(read_only=True)
    segment_id = serializers.PrimaryKeyRelatedField(
        source="segment", queryset=ChainSegment.objects.all(), write_only=True
    )
    owner_id = serializers.PrimaryKeyRelatedField(
        source="owner", queryset=User.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = TargetCompany
        fields = (
            "id",
            "name",
            "uscc",
            "segment",
            "segment_id",
            "status",
            "owner_id",
            "note",
            "created_at",
            "updated_at",
            "version",
        )


class SegmentStrengthRuleSerializer(ModelSerializer):
    qualifying_tag_ids = serializers.PrimaryKeyRelatedField(
        source="qualifying_tags", queryset=QualificationTag.objects.all(), many=True, required=False
    )

    class Meta:
        model = SegmentStrengthRule
        fields = (
            "id",
            "name",
            "is_active",
            "min_partners",
            "requires_chain_leader",
            "min_qualified_partners",
            "qualifying_tag_ids",
            "version",
        )
