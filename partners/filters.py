"""Query-string filters of the partner resources (django-filter)."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import can_read_all
from chains.models import ChainLeaderAppointment, ChainSegment, Industry, IndustryChain
from chains.selectors import industry_ids_with_descendants
from core.api.fields import ModelIdFilter
from partners.models import (
    Carrier,
    ContactPerson,
    Partner,
    PartnerChangeRequest,
    QualificationTag,
    Recognition,
)
from partners.selectors import partner_search, visit_overdue_condition, with_visit_baseline

# What a chain-leader unit may filter the directory by: the directory's own fields.
DIRECTORY_FILTERS = {"q", "industry", "chain", "segment", "carrier", "zone", "tag"}


class PartnerFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label=_("search"), max_length=100)
    industry = ModelIdFilter(
        queryset=Industry.objects.all(), method="by_industry", label=_("industry (and below)")
    )
    chain = ModelIdFilter(queryset=IndustryChain.objects.all(), method="by_chain", label=_("chain"))
    segment = ModelIdFilter(
        queryset=ChainSegment.objects.all(), method="by_segment", label=_("chain segment")
    )
    carrier = ModelIdFilter(queryset=Carrier.objects.all(), label=_("carrier"))
    zone = ModelIdFilter(
        queryset=Carrier.objects.filter(kind=Carrier.Kind.ZONE),
        method="by_zone",
        label=_("functional zone"),
    )
    tag = ModelIdFilter(
        queryset=QualificationTag.objects.all(), method="by_tag", label=_("qualification tag")
    )
    steward = ModelIdFilter(queryset=User.objects.all(), label=_("steward"))
    status = filters.MultipleChoiceFilter(
        distinct=False, choices=Partner.Status.choices, label=_("status")
    )
    organisation_type = filters.MultipleChoiceFilter(
        distinct=False, choices=Partner.OrganisationType.choices, label=_("organisation type")
    )
    joined = filters.DateFromToRangeFilter(field_name="joined_on", label=_("joined between"))
    chain_leader_year = filters.NumberFilter(
        method="by_chain_leader_year",
        label=_("chain leader in year"),
        min_value=2000,
        max_value=2100,
    )
    in_doubling_catalogue = filters.BooleanFilter(label=_("doubling-plan catalogue enterprise"))
    visit_overdue = filters.BooleanFilter(
        method="by_visit_overdue", label=_("overdue for a visit by its cadence")
    )
    recognised_year = filters.NumberFilter(
        method="by_recognised_year",
        label=_("recognised in year"),
        min_value=2000,
        max_value=2100,
    )

    class Meta:
        model = Partner
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.directory_only = user is None or not can_read_all(user)
        if self.directory_only:
            for name in set(self.filters) - DIRECTORY_FILTERS:
                del self.filters[name]

    def search(self, queryset, name, value):
        return partner_search(queryset, value, directory_only=self.directory_only)

    def by_industry(self, queryset, name, industry):
        ids = industry_ids_with_descendants([industry.pk])
        through = Partner.industries.through.objects.filter(
            partner=OuterRef("pk"), industry__in=ids
        )
        return queryset.filter(Exists(through))

    def by_chain(self, queryset, name, chain):
        through = Partner.segments.through.objects.filter(
            partner=OuterRef("pk"), chainsegment__chain=chain
        )
        return queryset.filter(Exists(through))

    def by_segment(self, queryset, name, segment):
        through = Partner.segments.through.objects.filter(
            partner=OuterRef("pk"), chainsegment=segment
        )
        return queryset.filter(Exists(through))

    def by_zone(self, queryset, name, zone):
        # The zone's carriers as a subquery, so that the partners' carrier index serves it.
        return queryset.filter(carrier__in=Carrier.objects.filter(Q(pk=zone.pk) | Q(zone=zone)))

    def by_tag(self, queryset, name, tag):
        through = Partner.tags.through.objects.filter(partner=OuterRef("pk"), qualificationtag=tag)
        return queryset.filter(Exists(through))

    def by_chain_leader_year(self, queryset, name, year):
        roster = ChainLeaderAppointment.objects.filter(partner=OuterRef("pk"), year=year)
        return queryset.filter(Exists(roster))

    def by_visit_overdue(self, queryset, name, overdue):
        if overdue is None:
            return queryset
        annotated = with_visit_baseline(queryset)
        condition = visit_overdue_condition()
        return annotated.filter(condition) if overdue else annotated.exclude(condition)

    def by_recognised_year(self, queryset, name, year):
        recognised = Recognition.objects.filter(partner=OuterRef("pk"), year=year)
        return queryset.filter(Exists(recognised))


class ContactPersonFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = ContactPerson
        fields = ("partner", "is_primary")


class CarrierFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Carrier
        fields = ("kind", "zone", "is_featured")


class RecognitionFilter(filters.FilterSet):
    class Meta:
        model = Recognition
        fields = ("year", "title", "category", "partner")


class ChangeRequestFilter(filters.FilterSet):
    class Meta:
        model = PartnerChangeRequest
        fields = ("status", "partner")
