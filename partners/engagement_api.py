"""API resources of engagement: interactions, follow-ups, enterprise requests and the rules
for visit cadence and request deadlines."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.roles import can_read_all
from core.api.viewsets import ServiceModelViewSet, expected_version
from core.exports import export_action
from partners import engagement_filters as filters
from partners import engagement_serializers as serializers
from partners import exports, selectors, services
from partners.models import (
    EnterpriseRequest,
    FollowUp,
    Interaction,
    RequestDeadlineRule,
    VisitCadenceRule,
)


class InteractionViewSet(ServiceModelViewSet):
    model = Interaction
    serializer_class = serializers.InteractionSerializer
    filterset_class = filters.InteractionFilter
    ordering_fields = ("occurred_at",)
    ordering = ("-occurred_at", "-pk")

    def list_queryset(self, user):
        return selectors.interaction_list(user)

    @export_action
    def export(self, request):
        """The filtered list as an Excel workbook: the list's filters and ordering."""
        interactions = self.filter_queryset(self.list_queryset(request.user))
        return exports.interaction_export(interactions)

    def create_record(self, data):
        return services.interaction_record(actor=self.request.user, **data)


class FollowUpViewSet(ServiceModelViewSet):
    model = FollowUp
    serializer_class = serializers.FollowUpSerializer
    filterset_class = filters.FollowUpFilter
    ordering_fields = ("due_on", "created_at")
    ordering = ("due_on", "pk")
    action_permissions = {
        "complete": "partners.change_followup",
        "cancel": "partners.change_followup",
    }

    def list_queryset(self, user):
        return selectors.follow_up_list(user)

    @export_action
    def export(self, request):
        """The filtered list as an Excel workbook: the list's filters and ordering."""
        follow_ups = self.filter_queryset(self.list_queryset(request.user))
        return exports.follow_up_export(follow_ups)

    def create_record(self, data):
        data.setdefault("owner", data["partner"].steward or self.request.user)
        return services.follow_up_create(**data)

    def _close(self, request, status):
        serializer = serializers.CloseFollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow_up = services.follow_up_close(
            follow_up=self.get_object(),
            actor=request.user,
            status=status,
            expected_version=expected_version(request),
            **serializer.validated_data,
        )
        return Response(self.represent(follow_up))

    @extend_schema(request=serializers.CloseFollowUpSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark done, optionally naming the interaction that fulfilled it."""
        return self._close(request, FollowUp.Status.DONE)

    @extend_schema(request=serializers.CloseFollowUpSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._close(request, FollowUp.Status.CANCELLED)


class EnterpriseRequestViewSet(ServiceModelViewSet):
    """A chain-leader unit raises requests for its own partner and rates them once resolved;
    staff and managers handle them through the actions."""

    model = EnterpriseRequest
    serializer_class = serializers.EnterpriseRequestSerializer
    list_serializer_class = serializers.EnterpriseRequestListSerializer
    filterset_class = filters.EnterpriseRequestFilter
    ordering_fields = ("deadline", "received_on", "status")
    ordering = ("deadline", "pk")
    action_permissions = {
        "transition": "partners.change_enterpriserequest",
        "reassign": "partners.change_enterpriserequest",
        "extend": "partners.change_enterpriserequest",
        "rate": "partners.rate_enterpriserequest",
    }

    def list_queryset(self, user):
        return selectors.request_list(user)

    @export_action
    def export(self, request):
        """The filtered list as an Excel workbook: the list's filters, ordering and scope (a
        chain-leader unit's own requests)."""
        requests = self.filter_queryset(self.list_queryset(request.user))
        return exports.request_export(requests)

    def detail_queryset(self, user):
        return selectors.request_detail(user)

    def create_record(self, data):
        user = self.request.user
        if not can_read_all(user):
            data["partner"] = user.partner  # a chain-leader unit raises its own requests
            data.pop("owner", None)
        elif "partner" not in data:
            self.permission_denied(self.request)
        return services.request_raise(actor=user, **data)

    def _act(self, request, serializer_class, service):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = service(
            request=self.get_object(),
            actor=request.user,
            expected_version=expected_version(request),
            **serializer.validated_data,
        )
        return Response(self.represent(result))

    @extend_schema(request=serializers.TransitionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """received → in_progress → resolved → closed (a resolved request can be reopened)."""
        return self._act(request, serializers.TransitionSerializer, services.request_change_status)

    @extend_schema(request=serializers.ReassignSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        return self._act(request, serializers.ReassignSerializer, services.request_reassign)

    @extend_schema(request=serializers.ExtendSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._act(request, serializers.ExtendSerializer, services.request_extend)

    @extend_schema(request=serializers.RateSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The enterprise's satisfaction, 1 to 5, once the request is resolved."""
        return self._act(request, serializers.RateSerializer, services.request_rate)


class RequestDeadlineRuleViewSet(ServiceModelViewSet):
    model = RequestDeadlineRule
    serializer_class = serializers.RequestDeadlineRuleSerializer
    ordering_fields = ("category",)
    ordering = ("category",)


class VisitCadenceRuleViewSet(ServiceModelViewSet):
    model = VisitCadenceRule
    serializer_class = serializers.VisitCadenceRuleSerializer
    ordering_fields = ("group",)
    ordering = ("group",)
