"""Query-string filters of the partner resources (django-filter)."""

import django_filters as filters
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import can_read_all
from chains.models import ChainLeaderAppointment, ChainSegment, Industry, IndustryChain
from chains.selectors import industry_ids_with_descendants
from core.api.fields import ModelIdFilter
from core.search_text import normalise
from core.searchable import key_matches
from core.sql import estimated_rows
from partners.models import (
    Carrier,
    ContactPerson,
    Partner,
    PartnerChangeRequest,
    QualificationTag,
    Recognition,
)
from partners.selectors import visit_overdue_condition, with_visit_baseline


def partner_search(queryset, value: str, *, directory_only: bool = False):
    """Name or short name containing the text, in Chinese, full pinyin or initials (the search
    key, see ``core.search_text``), a contact person's name likewise, or the code starting with
    it. A directory search (a chain-leader unit's) matches names only, so that it reveals
    nothing about other partners' contacts.

    Each of the three ways has an index, but an ``OR`` of them does not: PostgreSQL reads it
    partner by partner, which is quick when many match (the first page is found at once) and
    reads all 200,000 when few do, as a search for one company by its name does (200–290 ms).
    So the partners found each way are looked up first, through that way's index, at most
    ``LIST_COUNT_LIMIT`` + 1 of them; if they are no more than ``LIST_COUNT_LIMIT`` in all, the
    list is filtered by their ids, else by the ``OR`` (docs/BENCHMARKS.md, tenth round), as it
    is at once when PostgreSQL expects many (``_few_partners``)."""
    query = normalise(value)
    if not query:
        return queryset
    names = key_matches(query)
    # Every partner, archived or out of the reader's scope too: ``queryset`` narrows them.
    partners = Partner.objects.using(queryset.db)
    ways = [partners.filter(names).values_list("pk", flat=True)]
    if not directory_only:
        code = Q(uscc__startswith=query.upper())
        ways.append(partners.filter(code).values_list("pk", flat=True))
        contacts = ContactPerson.objects.using(queryset.db).filter(key_matches(query))
        ways.append(contacts.values_list("partner", flat=True))
    ids = _few_partners(ways)
    if ids is not None:
        return queryset.filter(pk__in=ids)
    if directory_only:
        return queryset.filter(names)
    return queryset.filter(names | code | Exists(contacts.filter(partner=OuterRef("pk"))))


# Above this many times LIST_COUNT_LIMIT partners expected by name, the ids are not looked up.
EXPECTED_MANY = 5


def _few_partners(ways) -> set | None:
    """The partner ids the ``ways`` give, or None as soon as they are more than the lists
    count (``LIST_COUNT_LIMIT``): the most likely way to find many comes first. Looking them
    up reads as far as the list's count will read again (8 ms for 科技 at 200,000 partners),
    so it is skipped when PostgreSQL expects the first way to give several times as many
    (its estimate for 科技: 34,446 of the 45,735; for a company's name: 20)."""
    limit = settings.LIST_COUNT_LIMIT
    expected = estimated_rows(ways[0])
    if expected is not None and expected > EXPECTED_MANY * limit:
        return None
    ids = set()
    for way in ways:
        found = list(way.order_by()[: limit + 1])
        # A way that gives more rows than the limit was cut short: the set is not whole, even
        # where its rows repeat partners (two contacts of one partner).
        if len(found) > limit:
            return None
        ids.update(found)
        if len(ids) > limit:
            return None
    return ids


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
