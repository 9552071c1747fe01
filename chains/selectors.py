"""Reads of industries, chains and the roster, scoped to what the user may see: everything for
those who read everything, a chain-leader unit its own chains and what hangs on them."""

from collections import Counter

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.roles import can_read_all, is_chain_leader
from chains.models import (
    ChainLeaderAppointment,
    ChainSegment,
    Industry,
    IndustryChain,
    TargetCompany,
    WorkCamp,
    WorkCampMembership,
)


def industry_ids_with_descendants(industry_ids) -> set[int]:
    """The given industries and every industry below them, in one query (the tree is small)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Industry.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [int(pk) for pk in industry_ids]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def roster_year() -> QuerySet:
    """The most recent year that has a chain-leader roster, as a one-row query (no row without
    a roster): a subquery for a query that reads the current roster without asking for its
    year first."""
    return ChainLeaderAppointment.objects.order_by("-year").values("year")[:1]


def own_chain_ids(user):
    """The chains a chain-leader unit leads or has led (a subquery, not a list)."""
    return ChainLeaderAppointment.objects.filter(partner_id=user.partner_id).values("chain_id")


def _scoped(queryset, user, own: Q):
    if can_read_all(user):
        return queryset
    if is_chain_leader(user):
        return queryset.filter(own).distinct()
    return queryset.none()


def chain_list(user) -> QuerySet[IndustryChain]:
    queryset = IndustryChain.objects.select_related("industry").prefetch_related(
        Prefetch("segments", queryset=ChainSegment.objects.order_by("position"))
    )
    return _scoped(queryset, user, Q(pk__in=own_chain_ids(user)))


def segment_list(user) -> QuerySet[ChainSegment]:
    queryset = ChainSegment.objects.select_related("chain")
    return _scoped(queryset, user, Q(chain_id__in=own_chain_ids(user)))


def appointment_list(user) -> QuerySet[ChainLeaderAppointment]:
    queryset = ChainLeaderAppointment.objects.select_related("partner", "chain")
    return _scoped(queryset, user, Q(chain_id__in=own_chain_ids(user)))


def _camps_of_chain_leader(user) -> Q:
    industries = IndustryChain.objects.filter(pk__in=own_chain_ids(user)).values("industry_id")
    return (
        Q(memberships__partner_id=user.partner_id)
        | Q(industry_id__in=industries)
        | Q(industry__parent_id__in=industries)
    )


def work_camp_list(user) -> QuerySet[WorkCamp]:
    queryset = WorkCamp.objects.select_related("industry")
    scoped = _scoped(queryset, user, _camps_of_chain_leader(user))
    return (
        WorkCamp.objects.select_related("industry")
        .filter(pk__in=scoped.values("pk"))
        .annotate(member_count=Count("memberships"))
    )


def work_camp_detail(user) -> QuerySet[WorkCamp]:
    scoped = _scoped(WorkCamp.objects.all(), user, _camps_of_chain_leader(user))
    return (
        WorkCamp.objects.filter(pk__in=scoped.values("pk"))
        .select_related("industry")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=WorkCampMembership.objects.select_related("partner").order_by(
                    "role", "partner__name"
                ),
            )
        )
    )


def target_company_list(user) -> QuerySet[TargetCompany]:
    queryset = TargetCompany.objects.select_related("segment__chain", "owner")
    return queryset if can_read_all(user) else queryset.none()


def _count_per(queryset, group: str, aggregate=None) -> Coalesce:
    """The number of rows of a correlated ``queryset`` (a subquery grouped by ``group``), 0 for
    none: subqueries, not joins, so that the counts do not multiply one another."""
    counted = queryset.order_by().values(group).annotate(n=aggregate or Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def chain_overview(user, year: int) -> list[IndustryChain]:
    """The chains the user may see (``chain_list``), each with its segments (in order), its
    partners, ``year``'s chain-leader units, the work camps of its industry and its open
    targets counted as the chain map counts them, and its weak and empty segments as the chain
    map judges them (``weak_segments``, ``empty_segments``). A constant number of queries."""
    from chains.chain_map import SegmentStrength, chain_map
    from core.reports import Period
    from partners.models.organisations import in_plan

    members = ChainSegment.partners.through.objects.filter(
        chainsegment__chain=OuterRef("pk")
    ).filter(in_plan("partner__"))
    targets = TargetCompany.objects.filter(segment__chain=OuterRef("pk")).exclude(
        status=TargetCompany.Status.ABANDONED
    )
    chains = list(
        chain_list(user)
        .annotate(
            n_partners=_count_per(members, "chainsegment__chain", Count("partner", distinct=True)),
            n_chain_leaders=_count_per(
                ChainLeaderAppointment.objects.filter(chain=OuterRef("pk"), year=year), "chain"
            ),
            n_work_camps=_count_per(
                WorkCamp.objects.filter(industry=OuterRef("industry_id")), "industry"
            ),
            n_targets=_count_per(targets, "segment__chain"),
        )
        .order_by("position", "name")
    )
    report = chain_map(user, {"period": Period.this_year(), "year": year})
    gaps = next(table.rows for table in report.tables if table.key == "gaps")
    counted = Counter((row["chain_id"], row["strength"]) for row in gaps)
    for chain in chains:
        chain.n_segments = len(chain.segments.all())
        chain.weak_segments = counted[chain.pk, SegmentStrength.WEAK]
        chain.empty_segments = counted[chain.pk, SegmentStrength.EMPTY]
    return chains


def chain_detail(user) -> QuerySet[IndustryChain]:
    """The chains the user may open (a chain-leader unit its own), with their industry."""
    queryset = IndustryChain.objects.select_related("industry")
    return _scoped(queryset, user, Q(pk__in=own_chain_ids(user)))
