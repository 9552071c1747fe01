"""``GET /api/v1/search/?q=``: the search box over partners, contact persons, projects and
chains; and the query and answer of ``GET /api/v1/partners/duplicates/``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.search_text import MAX_QUERY_LENGTH, normalise
from partners import search
from partners.duplicates import partner_duplicate_candidates

DETAIL_ROUTES = {
    "partner": "partner-detail",
    "contact": "contact-detail",
    "project": "project-detail",
    "chain": "chain-detail",
}


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text="Chinese, full pinyin, pinyin initials, a short name or the start of a code. "
        "One or two Latin letters or digits match the start of a name, its pinyin or its "
        "initials only (except for industry chains). Punctuation alone finds nothing.",
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=search.MAX_LIMIT,
        default=search.DEFAULT_LIMIT,
        help_text="Results per group.",
    )

    def validate_q(self, value: str) -> str:
        if not normalise(value):
            raise serializers.ValidationError(self.fields["q"].error_messages["blank"], "blank")
        return value


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField(source="kind", help_text="partner, contact, project or chain")
    name = serializers.CharField()
    secondary = serializers.CharField(
        help_text="Short name and code, organisation and title, project code or industry."
    )
    match = serializers.ChoiceField(choices=["exact", "prefix", "contains"])
    url = serializers.SerializerMethodField()

    def get_url(self, hit) -> str:
        return reverse(DETAIL_ROUTES[hit.kind], args=[hit.id], request=self.context["request"])


@extend_schema_serializer(many=False)  # a "list" action answering one object
class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    partners = HitSerializer(many=True)
    contacts = HitSerializer(many=True)
    projects = HitSerializer(many=True)
    chains = HitSerializer(many=True)
    more = serializers.DictField(
        child=serializers.BooleanField(), help_text="Per group: more matches than the limit."
    )


class SearchViewSet(viewsets.ViewSet):
    """Everyone who may list partners may search; each group holds only what the user's own
    list of that resource would show (a chain-leader unit: the partner directory, its own
    contacts and chains, no projects)."""

    action_permissions = {"list": "partners.view_partner"}

    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchResponseSerializer)
    def list(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, limit = params.validated_data["q"], params.validated_data["limit"]
        groups = search.search(request.user, query, limit=limit)
        body = {name: group.hits for name, group in groups.items()}
        body["query"] = query
        body["more"] = {name: group.more for name, group in groups.items()}
        return Response(SearchResponseSerializer(body, context={"request": request}).data)


class DuplicateQuerySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    uscc = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    exclude = serializers.IntegerField(
        required=False, min_value=1, help_text="A partner being edited: not its own duplicate."
    )

    def validate(self, attrs):
        if not normalise(attrs["name"]) and not attrs["uscc"].strip():
            raise serializers.ValidationError(
                _("Give a name or a unified social credit code to check."), "name_or_uscc_required"
            )
        return attrs


class DuplicateCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    uscc = serializers.CharField()
    reason = serializers.ChoiceField(choices=["same_uscc", "same_core_name", "similar_name"])
    similarity = serializers.FloatField(help_text="How alike the core names are, 0 to 1.")
    archived = serializers.BooleanField()


class DuplicatesResponseSerializer(serializers.Serializer):
    candidates = DuplicateCandidateSerializer(many=True)


def duplicates_answer(request) -> Response:
    """The body of ``GET /api/v1/partners/duplicates/?name=&uscc=``."""
    params = DuplicateQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    candidates = partner_duplicate_candidates(
        data["name"], data["uscc"], exclude_pk=data.get("exclude")
    )
    return Response(DuplicatesResponseSerializer({"candidates": candidates}).data)
