"""API tokens: every signed-in user lists, creates and revokes its own tokens."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts import selectors, services
from core.api.serializers import ModelSerializer
from core.errors import NotFound


class TokenSerializer(ModelSerializer):
    class Meta:
        model = AuthToken
        fields = ("token_key", "created", "expiry")


CreatedTokenSerializer = inline_serializer(
    name="CreatedToken",
    fields={
        "token": serializers.CharField(
            help_text="Shown once: send it as `Authorization: Token …`."
        ),
        "token_key": serializers.CharField(),
        "expiry": serializers.DateTimeField(),
    },
)


class ApiTokenViewSet(viewsets.GenericViewSet):
    serializer_class = TokenSerializer
    permission_classes = (IsAuthenticated,)
    lookup_field = "token_key"
    filter_backends = ()

    def get_queryset(self):
        return selectors.live_api_tokens(user=self.request.user).order_by("-created")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=None, responses={201: CreatedTokenSerializer})
    def create(self, request):
        instance, token = services.api_token_create(user=request.user)
        body = {"token": token, "token_key": instance.token_key, "expiry": instance.expiry}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("token_key", str, OpenApiParameter.PATH)],
        responses={204: None},
    )
    def destroy(self, request, token_key=None):
        if not services.api_token_revoke(user=request.user, token_key=token_key):
            raise NotFound(_("You have no token with this key."))
        return Response(status=status.HTTP_204_NO_CONTENT)
