"""The chain map (产业图谱): for each industry chain its segments in order, the partners in each,
the year's chain-leader units, the work camps of its industry and its target list; each segment
judged strong (锻长板), weak or empty (补短板) by the active ``SegmentStrengthRule``, and the
weak and empty segments gathered in a gap list that feeds the target list.

Filters: ``chain`` and ``industry`` (and the industries below it) select the chains; the year
(``year``, else the year the period ends in) selects the roster. ``steward`` and ``zone`` do not
apply: the map shows every partner of a segment. A chain-leader unit reads the maps of its own
chains only, partner names only (directory data), and no target list (internal data).

Thirteen queries at most, whatever the data: the industry tree (only with ``industry``), the
rule, its tags, the segments with their target counts, their members' counts, their first
members' names (one query, or up to four where segments are large: ``_member_names``), their
chain-leader units of the year, the roster, the work camps and the targets. The segments'
members, names and targets, the map's one costly part (passes over every membership), do not
depend on the year: they are cached apart (``core.report_cache.cached_part``), and another
year counts its roster's members alone."""

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    TextChoices,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_read_all, is_chain_leader
from chains.models import (
    ChainLeaderAppointment,
    ChainSegment,
    IndustryChain,
    SegmentStrengthRule,
    TargetCompany,
)
from chains.selectors import industry_ids_with_descendants, own_chain_ids
from core.report_cache import cached_part, report_version
from core.reports import Field, Figure, Report, Table, chosen_filters
from core.sql import estimated_rows
from partners.models import Partner
from partners.models.organisations import in_plan


class SegmentStrength(TextChoices):
    STRONG = "strong", _("Strong")
    WEAK = "weak", _("Weak")
    EMPTY = "empty", _("Empty")


# Used when no rule set is active (the data migration seeds one with these values).
DEFAULT_RULE = {
    "min_partners": 3,
    "requires_chain_leader": True,
    "min_qualified_partners": 1,
    "tag_ids": [],
}

SEGMENT_FIELDS = (
    Field("chain", _("chain"), 20),
    Field("position", _("order in chain"), 8),
    Field("segment", _("segment"), 20),
    Field("strength", _("strength code"), 10),
    Field("strength_label", _("strength"), 10),
    Field("partners", _("partners"), 10),
    Field("chain_leaders", _("chain-leader units"), 12),
    Field("qualified_partners", _("qualified partners"), 12),
    Field("targets", _("target companies"), 12),
    Field("partner_names", _("partner names"), 60),
)
GAP_FIELDS = (*SEGMENT_FIELDS[:6], SEGMENT_FIELDS[8])  # up to the partners, and the targets
LEADER_FIELDS = (
    Field("chain", _("chain"), 20),
    Field("partner", _("chain-leader unit"), 36),
)
CAMP_FIELDS = (
    Field("chain", _("chain"), 20),
    Field("work_camp", _("work camp"), 28),
    Field("lead_department", _("lead department"), 20),
    Field("members", _("members"), 10),
)
TARGET_FIELDS = (
    Field("chain", _("chain"), 20),
    Field("segment", _("segment"), 20),
    Field("company", _("company name"), 36),
    Field("status", _("status code"), 12),
    Field("status_label", _("status"), 12),
)
FIGURES = (
    ("roster_year", _("roster year")),
    ("chains", _("chains")),
    ("segments", _("segments")),
    ("strong", _("strong segments")),
    ("weak", _("weak segments")),
    ("empty", _("empty segments")),
    ("chain_leader_units", _("chain-leader units")),
    ("work_camps", _("work camps")),
    ("targets", _("target companies")),
)


def chain_map(user, params: dict) -> Report:
    version = report_version()
    period = params["period"]
    year = params.get("year") or period.until.year
    chains = _chains(user, params)
    rule = active_strength_rule()
    # The segments' members, names and targets depend on the chain filters alone: another year
    # or period, or a steward or zone (which do not apply), reads them from the cache, and only
    # the year's chain-leader units are counted anew.
    depends_on = chosen_filters(params, ("chain", "industry"))
    members = cached_part(
        "chain-map", user, depends_on, lambda: _segment_rows(chains, rule), version
    )
    segments = _judged(members, _chain_leader_counts(chains, year), rule)
    gaps = [row for row in segments if row["strength"] != SegmentStrength.STRONG]
    leaders = _leader_rows(chains, year)
    camps = _camp_rows(chains)
    targets = _target_rows(chains) if can_read_all(user) else []
    values = {
        "roster_year": year,
        "chains": len({row["chain_id"] for row in segments}),
        "segments": len(segments),
        **{s.value: sum(r["strength"] == s for r in segments) for s in SegmentStrength},
        "chain_leader_units": len({row["partner_id"] for row in leaders}),
        "work_camps": len({row["camp_id"] for row in camps}),
        "targets": sum(row["targets"] for row in segments),
    }
    return Report(
        name="chain-map",
        title=_("Industry chain map"),
        period=period,
        figures=[Figure(key, label, values[key]) for key, label in FIGURES],
        tables=[
            Table("segments", _("Chain segments"), SEGMENT_FIELDS, segments),
            Table("gaps", _("Gap list"), GAP_FIELDS, gaps),
            Table("chain_leaders", _("Chain-leader units"), LEADER_FIELDS, leaders),
            Table("work_camps", _("Work camps"), CAMP_FIELDS, camps),
            Table("targets", _("Target companies"), TARGET_FIELDS, targets),
        ],
    )


def active_strength_rule() -> dict:
    """The active rule set and the ids of the tags that count (two queries; portable, where an
    array aggregate would be PostgreSQL-only)."""
    rule = SegmentStrengthRule.objects.filter(is_active=True).prefetch_related("qualifying_tags")
    rule = rule.first()
    if rule is None:
        return DEFAULT_RULE
    return {
        "min_partners": rule.min_partners,
        "requires_chain_leader": rule.requires_chain_leader,
        "min_qualified_partners": rule.min_qualified_partners,
        "tag_ids": [tag.pk for tag in rule.qualifying_tags.all()],
    }


def _chains(user, params: dict):
    chains = IndustryChain.objects.all()
    if not can_read_all(user):
        own = own_chain_ids(user) if is_chain_leader(user) else []
        chains = chains.filter(pk__in=own)
    if params.get("chain"):
        chains = chains.filter(pk=params["chain"])
    if params.get("industry"):
        chains = chains.filter(industry__in=industry_ids_with_descendants([params["industry"]]))
    return chains.values("pk")


def _segment_rows(chains, rule: dict) -> list[dict]:
    """The segments in order with their target companies not abandoned (a join of the few
    segments and targets), each with its members' and qualified members' counts and its first
    members' names: all but the year's roster."""
    open_targets = ~Q(target_companies__status=TargetCompany.Status.ABANDONED)
    segments = (
        ChainSegment.objects.filter(chain__in=chains)
        .annotate(targets=Count("target_companies", filter=open_targets))
        .order_by("chain__position", "chain__name", "position")
        .values_list("chain_id", "pk", "position", "name", "chain__name", "targets")
    )
    counts = _member_counts(chains, rule)
    names = _member_names(chains, {pk: n for pk, (n, _q) in counts.items()})
    rows = []
    for chain_id, pk, position, name, chain_name, targets in segments:
        partners, qualified = counts.get(pk, (0, 0))
        rows.append(
            {
                "chain_id": chain_id,
                "chain": chain_name,
                "position": position,
                "segment": name,
                "partners": partners,
                "qualified_partners": qualified,
                "targets": targets,
                "partner_names": names.get(pk, []),
                "segment_id": pk,  # for pages: not a column of the report
            }
        )
    return rows


def _judged(segments: list[dict], chain_leaders: dict[int, int], rule: dict) -> list[dict]:
    """Each segment with its chain-leader units of the year and its strength."""
    rows = []
    for segment in segments:
        leaders = chain_leaders.get(segment["segment_id"], 0)
        strength = _strength(segment["partners"], leaders, segment["qualified_partners"], rule)
        rows.append(
            segment
            | {
                "chain_leaders": leaders,
                "strength": strength.value,
                "strength_label": str(strength.label),
            }
        )
    return rows


def _strength(partners: int, chain_leaders: int, qualified: int, rule: dict) -> SegmentStrength:
    """Empty without members; strong with enough members, enough qualified ones and, where the
    rule asks for one, a chain-leader unit of the chain's roster; weak otherwise."""
    if partners == 0:
        return SegmentStrength.EMPTY
    strong = partners >= rule["min_partners"] and qualified >= rule["min_qualified_partners"]
    if rule["requires_chain_leader"]:
        strong = strong and chain_leaders >= 1
    return SegmentStrength.STRONG if strong else SegmentStrength.WEAK


def _member_counts(chains, rule: dict) -> dict[int, tuple[int, int]]:
    """``{segment id: (members, qualified members)}`` in one grouped pass over the memberships
    of active partners of the plan. The partners are a condition of the pass, not of each
    count, so that PostgreSQL reads them from an index alone rather than the table (a filter in
    each count read every partner's row: 340 against 190 ms at ten times district scale)."""
    # Qualified partners as one uncorrelated subquery (hashed once), not a probe per member.
    tags = Partner.tags.through.objects.all()
    if rule["tag_ids"]:
        tags = tags.filter(qualificationtag__in=rule["tag_ids"])
    counts = (
        _memberships(chains)
        .values("chainsegment_id")
        .annotate(
            partners=Count("pk"),
            qualified=Count("pk", filter=Q(partner_id__in=tags.values("partner_id"))),
        )
        .order_by()
        .values_list("chainsegment_id", "partners", "qualified")
    )
    return {segment: (partners, qualified) for segment, partners, qualified in counts}


def _chain_leader_counts(chains, year: int) -> dict[int, int]:
    """``{segment id: members that lead the segment's chain in the year's roster}``."""
    roster = ChainLeaderAppointment.objects.filter(chain__in=chains, year=year)
    leads_the_chain = roster.filter(
        partner=OuterRef("partner_id"), chain=OuterRef("chainsegment__chain_id")
    )
    counts = (
        _memberships(chains)
        .filter(Exists(leads_the_chain))
        .values("chainsegment_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("chainsegment_id", "n")
    )
    return dict(counts)


def _memberships(chains):
    """The chains' segment memberships of active partners of the plan."""
    return Partner.segments.through.objects.filter(chainsegment__chain__in=chains).filter(
        in_plan("partner__")
    )


# A segment lists its first members by name; its partner count says how many it has, and the
# partner list filtered by the segment shows them all.
NAMES_PER_SEGMENT = 50


def _member_names(chains, sizes: dict[int, int]) -> dict[int, list[str]]:
    """The first ``NAMES_PER_SEGMENT`` names of each segment's members (``sizes``: its number
    of members), in name order.

    Numbering every membership by name sorts them all (at ten times district scale 262,000
    rows, 0.7 s). Most segments find their first names among the partners whose name comes
    early: those before a boundary name are numbered first, and only the segments that found
    fewer there than they need are numbered again whole (``_names_boundary``)."""
    memberships = _memberships(chains)
    boundary = _names_boundary(sizes)
    if boundary is None:
        return _first_names(memberships)
    names = _first_names(memberships.filter(partner__name__lt=boundary))
    short = [
        segment
        for segment, size in sizes.items()
        if len(names.get(segment, ())) < min(NAMES_PER_SEGMENT, size)
    ]
    if short:
        names |= _first_names(memberships.filter(chainsegment_id__in=short))
    return names


def _first_names(memberships) -> dict[int, list[str]]:
    """``{segment id: its first NAMES_PER_SEGMENT member names}`` in one query (a window
    numbers each segment's members by name, then id; grouped here: a string or array aggregate
    that SQLite and PostgreSQL share arrives only with Django 6)."""
    order = (F("partner__name").asc(), F("partner_id").asc())
    rank = Window(RowNumber(), partition_by=F("chainsegment_id"), order_by=order)
    members = (
        memberships.annotate(rank=rank)
        .filter(rank__lte=NAMES_PER_SEGMENT)
        .order_by("chainsegment_id", "partner__name", "partner_id")
        .values_list("chainsegment_id", "partner__name")
    )
    names: dict[int, list[str]] = {}
    for segment_id, name in members:
        names.setdefault(segment_id, []).append(name)
    return names


def _names_boundary(sizes: dict[int, int]) -> str | None:
    """The partner name before which the segments are numbered first, or None to number them
    all at once (PostgreSQL only: the position comes from the planner's estimate of the
    partners).

    A segment of ``size`` members among ``total`` partners expects about
    ``position * size / total`` of them before the partner at ``position``. The position is
    chosen where one segment expects twice the names it needs (a margin for names that are not
    spread evenly), at the cheapest of: the memberships read before it, plus those of the
    smaller segments, which are read again whole. Reading every membership once is the cost
    to beat, so small data sets are numbered at once without asking the estimate."""
    members = sum(sizes.values())
    cheapest, chosen = members, None
    for size in sorted(set(sizes.values())):
        if size <= 2 * NAMES_PER_SEGMENT:
            continue  # its position would be past the last partner
        cost = 2 * NAMES_PER_SEGMENT * members / size
        cost += sum(smaller for smaller in sizes.values() if smaller < size)
        if cost < cheapest:
            cheapest, chosen = cost, size
    if chosen is None:
        return None
    # Among all partners, so that the name's index alone is read to find it: the members are
    # as sparse among them as the estimate of their number.
    total = estimated_rows(Partner.objects.all())
    if not total:
        return None
    position = int(2 * NAMES_PER_SEGMENT * total / chosen)
    names = Partner.objects.order_by("name").values_list("name", flat=True)
    return next(iter(names[position : position + 1]), None)


def _leader_rows(chains, year: int) -> list[dict]:
    appointments = (
        ChainLeaderAppointment.objects.filter(chain__in=chains, year=year)
        .order_by("chain__position", "chain__name", "partner__name")
        .values_list("partner_id", "chain__name", "partner__name")
    )
    keys = ("partner_id", "chain", "partner")
    return [dict(zip(keys, appointment, strict=True)) for appointment in appointments]


def _camp_rows(chains) -> list[dict]:
    """The work camps of each chain's industry, with their number of members."""
    return list(
        IndustryChain.objects.filter(pk__in=chains, industry__work_camps__isnull=False)
        .values(
            camp_id=F("industry__work_camps"),
            chain=F("name"),
            work_camp=F("industry__work_camps__name"),
            lead_department=F("industry__work_camps__lead_department"),
        )
        .annotate(members=Count("industry__work_camps__memberships"))
        .order_by("position", "name", "work_camp")
    )


def _target_rows(chains) -> list[dict]:
    targets = (
        TargetCompany.objects.filter(segment__chain__in=chains)
        .order_by("segment__chain__position", "segment__chain__name", "segment__position", "name")
        .values_list("segment__chain__name", "segment__name", "name", "status")
    )
    return [
        {
            "chain": chain,
            "segment": segment,
            "company": name,
            "status": status,
            "status_label": str(TargetCompany.Status(status).label),
        }
        for chain, segment, name, status in targets
    ]
