"""Reads of industries, chains and the roster."""

from django.db.models import Count, Max, Prefetch, QuerySet

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


def roster_current_year() -> int | None:
    """The most recent year that has a chain-leader roster."""
    return ChainLeaderAppointment.objects.aggregate(year=Max("year"))["year"]


def chain_list() -> QuerySet[IndustryChain]:
    return IndustryChain.objects.select_related("industry").prefetch_related(
        Prefetch("segments", queryset=ChainSegment.objects.order_by("position"))
    )


def segment_list() -> QuerySet[ChainSegment]:
    return ChainSegment.objects.select_related("chain")


def appointment_list() -> QuerySet[ChainLeaderAppointment]:
    return ChainLeaderAppointment.objects.select_related("partner", "chain")


def work_camp_list() -> QuerySet[WorkCamp]:
    return WorkCamp.objects.select_related("industry").annotate(member_count=Count("memberships"))


def work_camp_detail() -> QuerySet[WorkCamp]:
    return WorkCamp.objects.select_related("industry").prefetch_related(
        Prefetch(
            "memberships",
            queryset=WorkCampMembership.objects.select_related("partner").order_by(
                "role", "partner__name"
            ),
        )
    )


def target_company_list() -> QuerySet[TargetCompany]:
    return TargetCompany.objects.select_related("segment__chain", "owner")
