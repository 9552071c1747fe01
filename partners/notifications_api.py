"""The signed-in user's in-app inbox: list, unread count, mark read."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.serializers import ModelSerializer
from partners.models import Notification
from partners.services import notifications


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ("id", "title", "body", "created_at", "read_at")
        read_only_fields = fields


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    permission_classes = (IsAuthenticated,)
    filterset_fields = ()
    ordering_fields = ("created_at",)
    ordering = ("-created_at", "-pk")

    def get_queryset(self):
        queryset = Notification.objects.filter(recipient_id=getattr(self.request.user, "pk", None))
        if self.request.query_params.get("unread") == "true":
            queryset = queryset.filter(read_at=None)
        return queryset

    @extend_schema(
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": self.get_queryset().filter(read_at=None).count()})

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notifications.notification_mark_read(notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications.notifications_mark_all_read(user=request.user)})
