"""Reads of partner data, scoped to what the user may see."""

import datetime as dt
import operator
from functools import reduce

from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from accounts.models import User
from accounts.roles import can_manage, can_read_all, is_chain_leader, is_staff_member
from chains.models import ChainLeaderAppointment, ChainSegment, Industry
from chains.selectors import chain_list, roster_year
from core.inline_relations import InlineRelation, with_inline_relations
from core.search_text import normalise, substring_patterns
from core.searchable import key_matches
from core.selectors import filter_archived
from core.sql import AnyOf, estimated_rows
from partners.models import (
    Carrier,
    ContactPerson,
    DoublingIndicator,
    EnterpriseRequest,
    FollowUp,
    Interaction,
    Notification,
    Partner,
    PartnerChangeRequest,
    QualificationTag,
    Recognition,
    RequestEvent,
    VisitCadenceRule,
)
from partners.models.organisations import visit_baseline
from partners.workdays import add_workdays
from projects.models import Project, StageChange


def partner_by_uscc(code: str, *, exclude_pk: int | None = None) -> Partner | None:
    queryset = Partner.objects.filter(uscc=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.only("pk", "name", "uscc").first()


def partner_list(user, *, archived: bool | None = False) -> QuerySet[Partner]:
    """Every role reads the partner list (a chain-leader unit as a directory); a fixed number
    of queries whatever the page. Industries and tags come with the fields the references to
    them show. The API's list reads rows instead (``core.api.rows``), which drops these
    prefetches and reads what its serializer shows, as the partner export reads rows of its
    own (``partners.exports``); pages use them. The detail reads its own relations
    (``DETAIL_RELATIONS``)."""
    return _partners(archived).prefetch_related(
        Prefetch("industries", queryset=Industry.objects.only("name", "kind")),
        Prefetch("tags", queryset=QualificationTag.objects.only("name")),
        Prefetch("segments", queryset=ChainSegment.objects.select_related("chain")),
    )


def _partners(archived: bool | None) -> QuerySet[Partner]:
    """Partners with their carrier and steward: what the list and the detail both read."""
    return filter_archived(Partner.objects.select_related("carrier", "steward"), archived)


def partner_list_with_relations() -> QuerySet[Partner]:
    """The admin's list: a list row plus the primary contact."""
    return Partner.objects.select_related("carrier", "steward").prefetch_related(
        "industries",
        "tags",
        Prefetch(
            "contacts",
            queryset=ContactPerson.objects.filter(is_primary=True),
            to_attr="primary_contacts",
        ),
    )


# What a partner's detail reads with it (``core.inline_relations``): on PostgreSQL in the
# partner's own query, elsewhere in a prefetch query each.
DETAIL_RELATIONS = (
    InlineRelation("industries"),
    InlineRelation("tags"),
    InlineRelation("segments", related=("chain",)),
    InlineRelation("contacts"),  # each contact's partner is this one, as after a prefetch
    InlineRelation(
        "chain_leader_appointments",
        related=("chain",),
        queryset=ChainLeaderAppointment.objects.filter(year=Subquery(roster_year())),
        to_attr="current_appointments",
    ),
    InlineRelation(
        "change_requests",
        related=("requested_by",),
        queryset=PartnerChangeRequest.objects.filter(status="pending"),
        to_attr="pending_change_requests",
    ),
)


def partner_detail(user) -> QuerySet[Partner]:
    """One partner with industries, tags, segments, contacts, its event, the current roster's
    appointments and any pending change request (archived ones included, so that they can be
    restored)."""
    queryset = _partners(archived=None).select_related("joined_at_event")
    return with_inline_relations(queryset, DETAIL_RELATIONS)


def contact_list(user) -> QuerySet[ContactPerson]:
    """All contact persons for those who read everything; a chain-leader unit its own."""
    queryset = ContactPerson.objects.select_related("partner")
    if can_read_all(user):
        return queryset
    if is_chain_leader(user):
        return queryset.filter(partner_id=user.partner_id)
    return queryset.none()


def recognition_list(user) -> QuerySet[Recognition]:
    queryset = Recognition.objects.select_related("partner")
    return queryset if can_read_all(user) else queryset.none()


def change_request_list(user) -> QuerySet[PartnerChangeRequest]:
    """Managers see every request, staff those of the partners they steward, a chain-leader
    unit its own."""
    queryset = PartnerChangeRequest.objects.select_related("partner", "requested_by", "decided_by")
    if can_manage(user):
        return queryset
    if is_staff_member(user):
        return queryset.filter(partner__steward=user)
    if is_chain_leader(user):
        return queryset.filter(partner_id=user.partner_id)
    return queryset.none()


# Engagement -------------------------------------------------------------------------------


def interaction_list(user) -> QuerySet[Interaction]:
    """Staff interaction notes are for those who read everything; never for a chain-leader
    unit."""
    queryset = Interaction.objects.select_related("partner", "recorded_by").prefetch_related(
        "staff_present", "contacts_met"
    )
    return queryset if can_read_all(user) else queryset.none()


def follow_up_list(user) -> QuerySet[FollowUp]:
    queryset = FollowUp.objects.select_related("partner", "owner")
    return queryset if can_read_all(user) else queryset.none()


def request_list(user) -> QuerySet[EnterpriseRequest]:
    """Everything for those who read everything; a chain-leader unit its own partner's."""
    queryset = EnterpriseRequest.objects.select_related("partner", "owner", "raised_by")
    if can_read_all(user):
        return queryset
    if is_chain_leader(user):
        return queryset.filter(partner_id=user.partner_id)
    return queryset.none()


def request_detail(user) -> QuerySet[EnterpriseRequest]:
    return request_list(user).prefetch_related(
        Prefetch("events", queryset=RequestEvent.objects.select_related("by"))
    )


DEFAULT_CADENCE_DAYS = {"chain_leader": 30, "doubling": 60, "other": 90}


def _cadence_days() -> dict[str, int]:
    rules = dict(VisitCadenceRule.objects.values_list("group", "days"))
    return {group: rules.get(group, days) for group, days in DEFAULT_CADENCE_DAYS.items()}


def _cadence_members() -> tuple[Q, Q]:
    """Who the cadence groups hold: chain-leader units of the current roster, and
    doubling-plan catalogue enterprises; the rest are neither. A unit in the catalogue is in
    the first group."""
    roster = ChainLeaderAppointment.objects.filter(year=Subquery(roster_year()))
    leader = Q(pk__in=roster.values("partner"))  # a hashed subplan, not a lookup per partner
    return leader, Q(in_doubling_catalogue=True)


def _cadence_groups(test, days: dict[str, int]) -> list[Q]:
    """A per-group test on the visit baseline, one Q per group (``_cadence_members``), each
    with its rule's number of days. ``test(days)`` returns the Q for one group."""
    leader, doubling = _cadence_members()
    return [
        leader & test(days["chain_leader"]),
        ~leader & doubling & test(days["doubling"]),
        ~leader & ~doubling & test(days["other"]),
    ]


def in_any_group(groups: list[Q]) -> Q:
    """The per-group tests combined: a partner passes its group's (``visit_overdue_groups``)."""
    return reduce(operator.or_, groups)


def _overdue_test(now: dt.datetime):
    return lambda days: Q(visit_baseline__lt=now - dt.timedelta(days=days))


def visit_overdue_condition(now=None) -> Q:
    """Partners whose last contact (or, never contacted, the day they joined the plan) is older
    than their cadence. Needs ``with_visit_baseline``."""
    return in_any_group(visit_overdue_groups(now or timezone.now()))


def visit_overdue_groups(now: dt.datetime) -> list[Q]:
    """``visit_overdue_condition`` cadence group by cadence group, one Q each (the groups do
    not overlap): within one group, the earliest baseline is the most overdue."""
    return _cadence_groups(_overdue_test(now), _cadence_days())


def visit_became_overdue_condition(start: dt.datetime, end: dt.datetime) -> Q:
    """Partners that were not overdue at ``start`` and are at ``end``: their cadence ran out in
    between. Consecutive windows count each partner once. Needs ``with_visit_baseline``.

    The exact test is on the annotated baseline; it is ANDed with ranges on the indexed
    ``last_contacted_at`` and ``joined_on`` columns so that PostgreSQL reads only the few
    candidates instead of every partner."""
    days = _cadence_days()
    candidates = Q()
    for cadence in {dt.timedelta(days=n) for n in days.values()}:
        low, high = start - cadence, end - cadence
        candidates |= Q(last_contacted_at__gte=low, last_contacted_at__lt=high)
        candidates |= Q(
            last_contacted_at=None,
            joined_on__gte=low.date() - dt.timedelta(days=1),
            joined_on__lte=high.date() + dt.timedelta(days=1),
        )

    def crossed(n: int) -> Q:
        cadence = dt.timedelta(days=n)
        return Q(visit_baseline__gte=start - cadence, visit_baseline__lt=end - cadence)

    return candidates & in_any_group(_cadence_groups(crossed, days))


def with_visit_baseline(queryset: QuerySet[Partner]) -> QuerySet[Partner]:
    """Annotate each partner's visit baseline: its last contact or, never contacted, the day it
    joined the plan."""
    return queryset.annotate(visit_baseline=visit_baseline())


def stewarded_partners(steward=None) -> QuerySet[Partner]:
    """Active partners with a steward (that steward's, if given), with their visit baseline:
    the partners whose visits are due (reminders, the workbench)."""
    partners = Partner.objects.filter(status="active", archived_at=None)
    if steward is None:
        partners = partners.filter(steward__isnull=False)
    else:
        partners = partners.filter(steward=steward)
    return with_visit_baseline(partners)


# The workbench: a steward's due items, each list cut at this many (the count is shown).
WORKBENCH_LIMIT = 20
REQUEST_WARNING_WORKDAYS = 2
OPEN_REQUEST_STATUSES = ("received", "in_progress")


def _bounded(queryset: QuerySet) -> dict:
    """The first ``WORKBENCH_LIMIT`` rows and whether there are more (one query)."""
    rows = list(queryset[: WORKBENCH_LIMIT + 1])
    return {"rows": rows[:WORKBENCH_LIMIT], "more": len(rows) > WORKBENCH_LIMIT}


def workbench(user, today: dt.date) -> dict:
    """What a member of staff has to do: its open follow-ups due today or overdue, its open
    requests due within two working days (or late), its partners overdue for a visit and its
    unread notifications."""
    return {
        "follow_ups": _bounded(
            FollowUp.objects.filter(owner=user, status="open", due_on__lte=today)
            .select_related("partner")
            .only("partner__name", "action", "due_on")
            .order_by("due_on", "pk")
        ),
        "requests": _bounded(
            EnterpriseRequest.objects.filter(
                owner=user,
                status__in=OPEN_REQUEST_STATUSES,
                deadline__lte=add_workdays(today, REQUEST_WARNING_WORKDAYS),
            )
            .select_related("partner")
            .only("partner__name", "category", "description", "deadline")
            .order_by("deadline", "pk")
        ),
        "overdue_partners": _bounded(
            stewarded_partners(user)
            .filter(visit_overdue_condition())
            .only("name", "last_contacted_at")
            .order_by("visit_baseline")
        ),
        "notifications": _bounded(
            Notification.objects.filter(recipient=user, read_at=None)
            .only("title", "body", "created_at")
            .order_by("-created_at")
        ),
    }


def doubling_indicator_list(user):
    """Every catalogue enterprise's indicators for those who read everything; a chain-leader
    unit its own partner's."""
    queryset = DoublingIndicator.objects.select_related("partner")
    if can_read_all(user):
        return queryset
    if is_chain_leader(user):
        return queryset.filter(partner_id=user.partner_id)
    return queryset.none()


def with_cadence_days(queryset: QuerySet[Partner]) -> QuerySet[Partner]:
    """Annotate each partner's ``cadence_days``: its group's days between contacts, the groups
    tried in the order of ``_cadence_groups``."""
    days = _cadence_days()
    leader, doubling = _cadence_members()
    return queryset.annotate(
        cadence_days=Case(
            When(leader, then=Value(days["chain_leader"])),
            When(doubling, then=Value(days["doubling"])),
            default=Value(days["other"]),
            output_field=IntegerField(),
        )
    )


# The partner pages ------------------------------------------------------------------------

TIMELINE_LIMIT = 30


def partner_rows(user) -> QuerySet[Partner]:
    """The partner list page's rows: only the columns it shows (the long texts stay in the
    database), with industries and tags by name; three queries for any page."""
    return (
        Partner.objects.filter(archived_at=None)
        .select_related("carrier", "steward")
        .only(
            "name",
            "short_name",
            "status",
            "last_contacted_at",
            "carrier__name",
            "steward__full_name",
            "steward__username",
        )
        .prefetch_related(
            Prefetch("industries", queryset=Industry.objects.only("name")),
            Prefetch("tags", queryset=QualificationTag.objects.only("name")),
        )
        .order_by("name", "pk")
    )


def _options(queryset) -> list[tuple[int, str]]:
    return list(queryset.prefetch_related(None).values_list("pk", "name"))


def partner_filter_choices(user) -> dict:
    """The options of the list and dashboard filters (one query each). A chain-leader unit gets
    its own chains and no stewards (who stewards which partner is private)."""
    zones = Carrier.objects.filter(kind=Carrier.Kind.ZONE)
    stewards = (
        User.objects.filter(stewarded_partners__isnull=False)
        .distinct()
        .annotate(label=Coalesce(NullIf("full_name", Value("")), "username"))
        .order_by("label")
        .values_list("pk", "label")
    )
    return {
        "industries": _options(Industry.objects.order_by("position", "name")),
        "chains": _options(chain_list(user).order_by("position", "name")),
        "zones": _options(zones.order_by("name")),
        "tags": _options(QualificationTag.objects.order_by("name")),
        "stewards": list(stewards) if can_read_all(user) else [],
    }


def partner_360(user, partner: Partner) -> dict:
    """Everything the partner page shows besides the partner itself, each list bounded."""
    projects = Project.objects.filter(investors=partner, archived_at=None).select_related("owner")
    return {
        "appointments": list(
            ChainLeaderAppointment.objects.filter(partner=partner)
            .select_related("chain")
            .order_by("-year", "chain__name")
        ),
        "interactions": list(
            interaction_list(user)
            .filter(partner=partner)
            .prefetch_related(None)
            .order_by("-occurred_at")[:TIMELINE_LIMIT]
        ),
        "follow_ups": list(
            follow_up_list(user).filter(partner=partner).order_by("-due_on")[:TIMELINE_LIMIT]
        ),
        "requests": list(
            request_list(user).filter(partner=partner).order_by("-received_on")[:TIMELINE_LIMIT]
        ),
        "stage_changes": list(
            StageChange.objects.filter(project__in=projects.values("pk"))
            .select_related("project", "changed_by")
            .order_by("-changed_at")[:TIMELINE_LIMIT]
        ),
        "projects": list(projects.order_by("-planned_investment", "code")),
        "recognitions": list(partner.recognitions.order_by("-year", "title")),
        "indicators": list(partner.doubling_indicators.order_by("-year")),
    }


def partner_seen_version(partner: Partner, version: int):
    """The partner as it was at ``version`` (from the audit trail), or None if not recorded."""
    return partner.history.filter(version=version).order_by("-history_date", "-history_id").first()


def partner_search(queryset, value: str, *, directory_only: bool = False):
    """Name or short name containing the text, in Chinese, full pinyin or initials (the search
    key, see ``core.search_text``), a contact person's name likewise, or the code starting with
    it. A directory search (a chain-leader unit's) matches names only, so that it reveals
    nothing about other partners' contacts.

    Each of the three ways has an index, but an ``OR`` of them does not: PostgreSQL reads it
    partner by partner (the contacts' keys on the partner's row, ``contacts_search_key``),
    which is quick when many match (the first page is found at once) and reads all 200,000
    when few do, as a search for one company by its name does (200–290 ms). So the partners
    found each way are looked up first, through that way's index, at most ``FEW_PARTNERS`` +
    1 of them; if they are no more than that in all, the list is filtered by their ids, else
    by the ``OR`` (docs/BENCHMARKS.md, tenth, fourteenth and fifteenth rounds), as it is at
    once when PostgreSQL expects many (``_few_partners``). One or two Latin letters or digits
    have no index to go through: they are looked up by the ``OR`` itself, in one reading of
    the partners."""
    query = normalise(value)
    if not query:
        return queryset
    names = key_matches(query)
    if directory_only:
        return _by_ways(queryset, names, [names])
    code = Q(uscc__startswith=query.upper())
    # The contacts' keys on the partner's row (``Partner.contacts_search_key``): in the ``OR``,
    # a subquery on the contacts was hashed from every contact that contains the query.
    found = names | code | key_matches(query, "contacts_search_key")
    if not substring_patterns(query):
        # One or two Latin letters or digits, which no index serves: each way read its whole
        # table, where one reading of the partners, with their contacts' keys, finds them all.
        return _by_ways(queryset, found, [found])
    contact_way = ContactPerson.objects.using(queryset.db).filter(key_matches(query))
    return _by_ways(queryset, found, [names, code, contact_way.values_list("partner", flat=True)])


def _by_ways(queryset, found: Q, ways: list):
    """``queryset`` filtered by the ids the ``ways`` give (each a condition on the partners, or
    a query of partner ids), when they are few (``_few_partners``), else by ``found``."""
    # Every partner, archived or out of the reader's scope too: ``queryset`` narrows them.
    partners = Partner.objects.using(queryset.db)
    ways = [
        partners.filter(way).values_list("pk", flat=True) if isinstance(way, Q) else way
        for way in ways
    ]
    ids = _few_partners(ways)
    if ids is not None:
        return queryset.filter(AnyOf(F("pk"), ids))
    return queryset.filter(found)


# At most this many partners found are listed by their ids, more by the ``OR`` of the ways:
# filtering by ids reads each of them to count and sort them, so it costs as many ids as there
# are, and the ``OR`` reads partners until ``LIST_COUNT_LIMIT`` match, so it costs the more the
# fewer match. Measured at 200,000 partners, the two meet about here (docs/BENCHMARKS.md,
# fourteenth round); the bound does not follow ``LIST_COUNT_LIMIT``.
FEW_PARTNERS = 5000
# Above this many partners expected by name, the ids are not looked up: twice the bound, as the
# planner's estimate may be off twice (6,079 expected for 贸易, 2,538 found).
EXPECTED_MANY = 2 * FEW_PARTNERS


def _few_partners(ways) -> set | None:
    """The partner ids the ``ways`` give, or None as soon as they are more than
    ``FEW_PARTNERS``: the most likely way to find many comes first. Looking them up is skipped
    when PostgreSQL expects the first way to give more than ``EXPECTED_MANY``."""
    expected = estimated_rows(ways[0])
    if expected is not None and expected > EXPECTED_MANY:
        return None
    ids = set()
    for way in ways:
        found = list(way.order_by()[: FEW_PARTNERS + 1])
        # A way that gives more rows than the bound was cut short: the set is not whole, even
        # where its rows repeat partners (two contacts of one partner).
        if len(found) > FEW_PARTNERS:
            return None
        ids.update(found)
        if len(ids) > FEW_PARTNERS:
            return None
    return ids
