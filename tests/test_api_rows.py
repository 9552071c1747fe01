"""List pages serialised from rows (core.api.rows): the same answer as the list serializer over
model instances, in a fixed number of queries, and a refusal of serializers it cannot read."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers as drf
from rest_framework.test import APIClient
from rest_framework.utils.encoders import JSONEncoder

from accounts.roles import Role
from chains.models import Industry
from chains.serializers import IndustryRefSerializer
from core.api.rows import JSONBuild, RowPlan
from partners import selectors
from partners.models import Partner
from partners.serializers import (
    CarrierRefSerializer,
    NestedContactSerializer,
    PartnerDirectorySerializer,
    PartnerListSerializer,
    PartnerSerializer,
)
from projects.models import Project
from projects.selectors import project_list
from projects.serializers import ProjectListSerializer
from tests.factories import (
    CarrierFactory,
    EventFactory,
    IndustryFactory,
    PartnerFactory,
    ProjectFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def as_json(data):
    """What the client receives: dates, times and decimals as DRF's renderer writes them."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


def results(client, url: str, **params) -> list[dict]:
    response = client.get(url, {"page_size": 100, **params})
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


@pytest.fixture
def varied_partners(staff_user):
    """Partners with and without each reference, industries listed out of their order."""
    later = IndustryFactory(name="乙产业", position=2)
    first = IndustryFactory(name="甲产业", position=1, kind=Industry.Kind.FUTURE)
    tags = [TagFactory(name="专精特新"), TagFactory(name="高新技术企业")]
    carrier = CarrierFactory(name="丰台科技园")
    segments = [SegmentFactory(name="研发设计"), SegmentFactory(name="生产制造")]
    full = PartnerFactory(
        name="甲科技有限公司",
        industries=[later, first],
        tags=tags,
        carrier=carrier,
        steward=staff_user,
        in_doubling_catalogue=True,
    )
    full.segments.set(segments)
    bare = PartnerFactory(name="乙贸易有限公司", short_name="", joined_on=dt.date(2025, 1, 2))
    one = PartnerFactory(name="丙物流有限公司", industries=[later], tags=[tags[1]])
    one.segments.set(segments[:1])
    return [full, bare, one]


def test_the_partner_list_is_what_the_serializer_writes(api, varied_partners):
    instances = selectors.partner_list(None).order_by("name", "pk")
    expected = as_json(PartnerListSerializer(instances, many=True).data)

    assert results(api, "/api/v1/partners/") == expected
    assert {row["carrier"] is None for row in expected} == {True, False}
    full = next(row for row in expected if row["name"] == "甲科技有限公司")
    assert [industry["name"] for industry in full["industries"]] == ["甲产业", "乙产业"]


def test_a_chain_leader_units_directory_is_what_its_serializer_writes(varied_partners):
    leader = UserFactory(roles=[Role.CHAIN_LEADER], partner=varied_partners[2], is_staff=False)
    client = APIClient()
    client.force_authenticate(leader)
    instances = selectors.partner_list(leader).order_by("name", "pk")
    expected = as_json(PartnerDirectorySerializer(instances, many=True).data)

    answer = results(client, "/api/v1/partners/")

    assert answer == expected
    assert {len(row["segments"]) for row in answer} == {0, 1, 2}
    assert "steward" not in answer[0]


def test_the_project_list_is_what_the_serializer_writes(api, staff_user):
    industry = IndustryFactory(name="航空航天")
    ProjectFactory(
        name="卫星互联网产业园",
        planned_investment=Decimal("12.50"),
        stage_changed_at=timezone.now() - dt.timedelta(days=3),
        owner=staff_user,
        promoted_at=EventFactory(),
        is_new_quality=True,
    ).industries.set([industry])
    ProjectFactory(name="数据中心", planned_investment=None, signed_at=EventFactory())
    instances = project_list(staff_user).order_by("code")
    expected = as_json(ProjectListSerializer(instances, many=True).data)

    answer = results(api, "/api/v1/projects/")

    assert answer == expected
    assert list(answer[0]["industries"][0]) == ["id", "name", "kind"]  # the serializer's order
    assert answer[0]["planned_investment"] == "12.50"
    assert answer[1]["promoted_at"] is None


def test_filters_ordering_and_pages_apply_to_rows(api, varied_partners):
    page = api.get("/api/v1/partners/", {"ordering": "-name", "page_size": 2}).json()
    by_name = list(Partner.objects.order_by("-name").values_list("name", flat=True)[:2])
    assert [row["name"] for row in page["results"]] == by_name
    assert (page["count"], page["count_exact"]) == (3, True)
    assert page["next"].endswith("?ordering=-name&page=2&page_size=2")
    tagged = results(api, "/api/v1/partners/", tag=varied_partners[2].tags.get().pk)
    assert {row["name"] for row in tagged} == {"丙物流有限公司", "甲科技有限公司"}


def test_the_count_reads_the_matching_keys_without_the_pages_joins(api, varied_partners):
    """The page's values() join the carrier and the steward; the count needs neither, and
    without them PostgreSQL counts a zone's partners from an index alone."""
    carrier = varied_partners[0].carrier
    with CaptureQueriesContext(connection) as queries:
        page = api.get("/api/v1/partners/", {"carrier": carrier.pk, "status": "active"}).json()
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert len(counts) == 1
    assert "JOIN" not in counts[0]
    assert page["count"] == len(page["results"]) >= 1


def count_list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"page_size": 100}).status_code == 200
    return len(queries)


def partners_with_references(n: int) -> None:
    PartnerFactory.create_batch(
        n, industries=[IndustryFactory()], tags=[TagFactory()], carrier=CarrierFactory()
    )


def projects_with_references(n: int) -> None:
    ProjectFactory.create_batch(n, promoted_at=EventFactory()).pop().industries.add(
        IndustryFactory()
    )


@pytest.mark.parametrize(
    ("url", "make", "queries"),
    [
        # the count, and the page with its industries and tags as arrays (PostgreSQL)
        ("/api/v1/partners/", partners_with_references, 2),
        # the count, and the page with its industries
        ("/api/v1/projects/", projects_with_references, 2),
    ],
)
def test_a_list_takes_the_same_queries_for_3_or_30_rows(api, url, make, queries):
    make(3)
    count_list_queries(api, url)  # the user's roles, read once per request in production
    few = count_list_queries(api, url)
    make(27)
    assert count_list_queries(api, url) == few == queries


def test_an_empty_page_needs_no_reference_queries(api):
    assert Partner.objects.count() == 0
    count_list_queries(api, "/api/v1/partners/")
    # the count: an empty page reads nothing more
    assert count_list_queries(api, "/api/v1/partners/") == 1


class InvestorWithCapital(drf.ModelSerializer):
    class Meta:
        model = Partner
        fields = ("id", "name", "registered_capital")


class ProjectWithInvestors(drf.ModelSerializer):
    industries = IndustryRefSerializer(many=True, read_only=True)
    investors = InvestorWithCapital(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ("id", "code", "industries", "investors")


def test_a_reference_whose_values_json_would_change_is_read_by_a_query_of_its_own(staff_user):
    """A decimal inside a many-to-many reference would come back from PostgreSQL's JSON as a
    number (DRF writes a string): such a reference is read as rows, the others with the page."""
    investor = PartnerFactory(name="甲投资有限公司", registered_capital=Decimal("1200.50"))
    project = ProjectFactory()
    project.investors.set([investor])
    project.industries.set([IndustryFactory(name="航空航天")])
    plan = RowPlan(ProjectWithInvestors)
    queryset = project_list(staff_user).order_by("code")

    with CaptureQueriesContext(connection) as queries:
        answer = plan.represent(list(plan.values(queryset)))

    assert len(queries) == 2  # the page with its industries, then the investors
    assert as_json(answer) == as_json(ProjectWithInvestors(queryset, many=True).data)
    assert answer[0]["investors"][0]["registered_capital"] == "1200.50"
    assert answer[0]["industries"][0]["name"] == "航空航天"


class InvestorWithDate(drf.ModelSerializer):
    class Meta:
        model = Partner
        fields = ("id", "name", "joined_on")


class ProjectWithDatedInvestors(drf.ModelSerializer):
    investors = InvestorWithDate(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ("id", "planned_investment", "investors")


def test_dates_in_a_reference_come_back_from_json_as_drf_writes_them(staff_user):
    """The project's decimal keeps the page on rows; its investors' dates, written by
    PostgreSQL in ISO 8601, are read with the page."""
    project = ProjectFactory(planned_investment=Decimal("3.25"))
    project.investors.set([PartnerFactory(joined_on=dt.date(2024, 5, 6))])
    plan = RowPlan(ProjectWithDatedInvestors)
    queryset = project_list(staff_user).order_by("code")

    with CaptureQueriesContext(connection) as queries:
        answer = plan.represent(list(plan.values(queryset)))

    assert (plan.row_json, len(queries)) == (None, 1)
    assert as_json(answer) == as_json(ProjectWithDatedInvestors(queryset, many=True).data)
    assert answer[0]["investors"][0]["joined_on"] == "2024-05-06"


class InvestorInline(drf.ModelSerializer):
    carrier = CarrierRefSerializer(read_only=True)

    class Meta:
        model = Partner
        fields = ("id", "name", "in_doubling_catalogue", "carrier")


class InvestorTimeAsText(drf.ModelSerializer):
    contacted = drf.CharField(source="last_contacted_at", read_only=True)

    class Meta:
        model = Partner
        fields = ("id", "contacted")


class ProjectWithInlineInvestors(drf.ModelSerializer):
    investors = InvestorInline(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ("id", "code", "investors")


class ProjectWithInvestmentAndInvestors(ProjectWithInlineInvestors):
    """The same with a decimal, which keeps the page on rows and the investors an array."""

    class Meta(ProjectWithInlineInvestors.Meta):
        fields = ("id", "code", "planned_investment", "investors")


class ProjectWithTimeAsText(drf.ModelSerializer):
    investors = InvestorTimeAsText(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ("id", "code", "investors")


@pytest.mark.parametrize(
    ("serializer_class", "whole"),
    [(ProjectWithInlineInvestors, True), (ProjectWithInvestmentAndInvestors, False)],
)
def test_yes_no_values_and_empty_references_come_back_from_json_as_they_were(
    staff_user, serializer_class, whole
):
    """Both PostgreSQL paths: the row written whole, or the investors as an array column."""
    project = ProjectFactory(planned_investment=Decimal("8.00"))
    project.investors.set(
        [
            PartnerFactory(name="甲投资", in_doubling_catalogue=True, carrier=CarrierFactory()),
            PartnerFactory(name="乙投资", in_doubling_catalogue=False, carrier=None),
        ]
    )
    plan = RowPlan(serializer_class)
    queryset = project_list(staff_user).order_by("code")

    with CaptureQueriesContext(connection) as queries:
        answer = plan.represent(list(plan.values(queryset)))

    assert (plan.row_json is not None, len(queries)) == (whole, 1)  # investors with the page
    assert as_json(answer) == as_json(serializer_class(queryset, many=True).data)
    investors = {item["name"]: item for item in answer[0]["investors"]}
    assert investors["甲投资"]["in_doubling_catalogue"] is True
    assert investors["乙投资"]["in_doubling_catalogue"] is False
    assert investors["乙投资"]["carrier"] is None


def test_a_text_field_reading_a_time_column_is_not_read_through_json(staff_user):
    """JSON would give PostgreSQL's text of the time (with a ``T``), not the one Python writes."""
    project = ProjectFactory()
    contacted = dt.datetime(2024, 5, 6, 8, 30, tzinfo=dt.UTC)
    project.investors.set([PartnerFactory(last_contacted_at=contacted)])
    plan = RowPlan(ProjectWithTimeAsText)
    queryset = project_list(staff_user).order_by("code")

    assert plan.inline == {}
    answer = plan.represent(list(plan.values(queryset)))
    assert as_json(answer) == as_json(ProjectWithTimeAsText(queryset, many=True).data)
    assert answer[0]["investors"][0]["contacted"] == "2024-05-06 08:30:00+00:00"


def test_a_page_of_json_safe_values_is_written_whole_in_the_serializers_order(api, varied_partners):
    """Texts, numbers, yes/no, choices and dates: PostgreSQL writes each row's answer, keys in
    the serializer's order (a client reading the JSON sees the fields as documented)."""
    assert RowPlan(PartnerListSerializer).row_json is not None
    assert RowPlan(ProjectListSerializer).row_json is None  # a time and a decimal
    instances = selectors.partner_list(None).order_by("name", "pk")
    expected = as_json(PartnerListSerializer(instances, many=True).data)

    with CaptureQueriesContext(connection) as queries:
        answer = results(api, "/api/v1/partners/")

    assert answer == expected
    assert [list(row) for row in answer] == [list(row) for row in expected]
    full = next(row for row in answer if row["name"] == "甲科技有限公司")
    assert list(full["carrier"]) == ["id", "name", "kind"]
    assert list(full["steward"]) == ["id", "username", "full_name"]
    assert list(full["industries"][0]) == ["id", "name", "kind"]
    pages = [q["sql"] for q in queries.captured_queries if "JSON_BUILD_OBJECT" in q["sql"]]
    assert len(pages) == 1


def test_a_distinct_page_is_written_whole_too(varied_partners):
    """PostgreSQL orders a DISTINCT query only by what it selects; Django selects the name the
    page is ordered by beside the row's JSON, and the answer stays the serializer's."""
    plan = RowPlan(PartnerListSerializer)
    queryset = selectors.partner_list(None).order_by("name").distinct()

    with CaptureQueriesContext(connection) as queries:
        answer = plan.represent(list(plan.values(queryset)))

    assert "JSON_BUILD_OBJECT" in queries.captured_queries[0]["sql"]
    assert as_json(answer) == as_json(PartnerListSerializer(queryset, many=True).data)


class VersionAsText(drf.ModelSerializer):
    version = drf.CharField(read_only=True)

    class Meta:
        model = Partner
        fields = ("id", "name", "version")


def test_a_text_field_over_a_number_is_written_by_the_field(staff_user):
    """JSON would keep the number; DRF's CharField writes text."""
    PartnerFactory(name="甲科技有限公司")
    plan = RowPlan(VersionAsText)
    queryset = selectors.partner_list(staff_user)

    answer = plan.represent(list(plan.values(queryset)))

    assert plan.row_json is None
    assert answer == [{"id": answer[0]["id"], "name": "甲科技有限公司", "version": "1"}]


def test_json_keys_are_identifiers_written_into_the_sql():
    with pytest.raises(ValueError, match="identifiers"):
        JSONBuild(**{"name'); DROP TABLE x; --": F("name")})


class WithMethod(drf.ModelSerializer):
    label = drf.SerializerMethodField()

    class Meta:
        model = Project
        fields = ("id", "label")

    def get_label(self, project) -> str:
        return project.name


@pytest.mark.parametrize(
    ("serializer_class", "why"),
    [
        (WithMethod, "WithMethod.label: SerializerMethodField"),
        # the masked phone depends on who asks
        (NestedContactSerializer, "NestedContactSerializer.to_representation: overridden"),
        # contacts are a reverse relation, not a many-to-many field
        (PartnerSerializer, "PartnerSerializer.contacts: not a many-to-many field"),
    ],
)
def test_a_serializer_rows_cannot_reproduce_is_refused(serializer_class, why):
    with pytest.raises(ImproperlyConfigured, match=why):
        RowPlan(serializer_class)
