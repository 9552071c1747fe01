"""API resource of the doubling plan's annual indicators (``/api/v1/doubling-indicators/``):
staff and managers keep them for the catalogue enterprises; a chain-leader unit reads its own
partner's and adds a year's figures for it."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.roles import can_read_all
from core.api.serializers import ModelSerializer
from core.api.viewsets import ServiceModelViewSet
from partners import selectors, services
from partners.engagement_serializers import PartnerNameSerializer
from partners.models import DoublingIndicator, Partner


class DoublingIndicatorSerializer(ModelSerializer):
    partner = PartnerNameSerializer(read_only=True)
    partner_id = serializers.PrimaryKeyRelatedField(
        source="partner", queryset=Partner.objects.all(), write_only=True, required=False
    )

    class Meta:
        model = DoublingIndicator
        fields = (
            "id",
            "partner",
            "partner_id",
            "year",
            "revenue",
            "tax",
            "rd_spending",
            "employees",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = ("created_at", "updated_at")
        # One row per enterprise and year: the model's constraint answers, with its own code.
        validators = []

    def get_fields(self):
        """The enterprise of an existing row cannot be changed."""
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["partner_id"].read_only = True
        return fields


class DoublingIndicatorFilter(filters.FilterSet):
    year = filters.NumberFilter(label=_("year"), min_value=2000, max_value=2100)

    class Meta:
        model = DoublingIndicator
        fields = ("partner", "year")


class DoublingIndicatorViewSet(ServiceModelViewSet):
    model = DoublingIndicator
    serializer_class = DoublingIndicatorSerializer
    filterset_class = DoublingIndicatorFilter
    ordering_fields = ("year", "partner__name", "revenue")
    ordering = ("partner__name", "-year")

    def list_queryset(self, user):
        return selectors.doubling_indicator_list(user)

    def create_record(self, data):
        user = self.request.user
        if not can_read_all(user):
            data["partner"] = user.partner  # a chain-leader unit adds its own partner's figures
        elif "partner" not in data:
            raise serializers.ValidationError(
                {"partner_id": [serializers.ErrorDetail(_("This field is required."), "required")]}
            )
        return services.doubling_indicator_create(actor=user, **data)

    def update_record(self, instance, data, version):
        return services.doubling_indicator_update(
            instance, actor=self.request.user, expected_version=version, **data
        )
