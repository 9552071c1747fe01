"""The search box: one query over partners, contact persons, projects and industry chains,
within what the user may see, best match first. At most two SQL queries per group.

Every group matches the query against its stored search key (names, full pinyin, initials;
see ``core.search_text``) with portable lookups only (``LIKE`` substrings, subqueries,
``Length``), so the embedded SQLite database gives the same rows in the same order as
PostgreSQL, where trigram indexes serve them. Order within a group: exact, then prefix, then
anywhere (``core.searchable.Match``; not for one or two Latin letters or digits, which no
index finds anywhere), then the shorter name, then the id. The narrow tiers (exact, prefix)
are read in one query, the "anywhere" tier in a second only when they leave the page short.
Industry chains, a few dozen rows, are ranked in one query, and matched anywhere by any query.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Length

from accounts.roles import can_read_all
from chains.selectors import chain_list
from core.search_text import normalise
from core.searchable import Match, match_tiers
from core.sql import ordered_head, planned_each_time
from partners.selectors import contact_list, partner_list
from partners.uscc import ALPHABET
from projects.selectors import project_list

GROUPS = ("partners", "contacts", "projects", "chains")
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# A tier matching more rows than this (a common syllable among 200,000 names) ranks this many
# of them: being above MAX_LIMIT, the page is full either way, and the group says there are more.
# Reading them is most of a common query's time (1,000 until the thirteenth round: 22 queries
# as staff type them took 14 % longer, the slowest about twice as long). Fewer once let a
# prepared statement's generic plan read a whole table for a rare pattern; search queries are
# now planned for their own pattern each time (``core.sql.planned_each_time``).
TIER_CANDIDATES = 300
# Within a tier: the shorter name first, then the older row; across tiers, the best first.
WITHIN_TIER = ("name_length", "pk")
BEST_FIRST = ("match", *WITHIN_TIER)


@dataclass(frozen=True)
class Hit:
    """One result: ``kind`` is the resource (partner, contact, project, chain), ``secondary``
    a short text telling it apart from others of the same name."""

    kind: str
    id: int
    name: str
    secondary: str
    match: str


@dataclass(frozen=True)
class Group:
    hits: list[Hit]
    more: bool  # more rows matched than the limit returned


def looks_like_code(query: str) -> bool:
    """A query that may be the start of a unified social credit code: two or more characters
    of the code's alphabet, a digit among them (so that "jkkj" stays a pinyin query)."""
    code = query.upper()
    return (
        2 <= len(code) <= 18
        and all(char in ALPHABET for char in code)
        and any(char.isdigit() for char in code)
    )


def _ranked(queryset: QuerySet, tiers, limit: int, *fields: str) -> Group:
    """The first ``limit`` matching rows, best tier first, and whether there are more. The
    narrow tiers (a whole form, the start of one), which the index finds without reading the
    thousands of rows that contain a common syllable, are one query; the "anywhere" tier is
    read only while fewer than ``limit + 1`` rows are found (one more than the page, to tell
    whether there are more). Within a tier, the shortest names among its first
    ``TIER_CANDIDATES`` rows found."""
    scoped = _scoped(queryset)
    narrow = [tier for tier in tiers if tier[0] != Match.CONTAINS]
    anywhere = [tier for tier in tiers if tier[0] == Match.CONTAINS]
    rows = []
    if narrow:
        found = _rows(_candidates(scoped, narrow), _rank(narrow), fields)
        rows += found.order_by(*BEST_FIRST)[: limit + 1]
    if anywhere and len(rows) <= limit:
        rows += _anywhere(scoped, *anywhere, fields, limit + 1 - len(rows))
    return _group(rows, limit)


def _anywhere(scoped: QuerySet, tier, fields, wanted: int) -> list[dict]:
    """The ``wanted`` shortest names among the first ``TIER_CANDIDATES`` rows of the "anywhere"
    tier, read once with their fields (``core.sql.ordered_head``). As an ``IN`` over their ids,
    each was read a second time, and PostgreSQL hashed all 50,000 projects to find 1,000 of
    them (``科技`` at ten times district scale: partners 14 → 10 ms, projects 26 → 7 ms)."""
    match, condition = tier
    candidates = _rows(scoped.filter(condition), Value(match), fields).order_by()
    return ordered_head(candidates[:TIER_CANDIDATES], WITHIN_TIER, wanted)


def _candidates(scoped: QuerySet, tiers) -> QuerySet:
    """The rows of ``scoped`` in one of the narrow tiers: the first ``TIER_CANDIDATES`` found
    of each. On PostgreSQL one subquery (``UNION ALL``): an ``OR`` of two ``IN`` subqueries is
    read row by row over the whole table. SQLite allows no ``LIMIT`` in a ``UNION``'s parts,
    but does in an ``IN``: there the ``OR``, which its few thousand rows make cheap."""
    firsts = [
        scoped.filter(condition).order_by().values("pk")[:TIER_CANDIDATES]
        for _match, condition in tiers
    ]
    if connections[scoped.db].features.supports_slicing_ordering_in_compound:
        return scoped.filter(pk__in=firsts[0].union(*firsts[1:], all=True))
    return scoped.filter(reduce(or_, (Q(pk__in=first) for first in firsts)))


def _rank(tiers):
    """Each row's ``match``: the tier whose condition it meets (no row meets two)."""
    return Case(*(When(condition, then=Value(match)) for match, condition in tiers))


def _ranked_at_once(queryset: QuerySet, tiers, limit: int, *fields: str) -> Group:
    """``_ranked`` in one query without candidates, for reference data (a few dozen rows)
    where ranking every match costs less than a second query: the tiers, which no row meets
    twice, become the ``match`` of each row."""
    if not tiers:
        return Group(hits=[], more=False)
    any_tier = reduce(or_, (condition for _match, condition in tiers))
    rows = _rows(_scoped(queryset).filter(any_tier), _rank(tiers), fields)
    rows = rows.order_by(*BEST_FIRST)
    return _group(list(rows[: limit + 1]), limit)


def _scoped(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(None).prefetch_related(None)


def _rows(queryset: QuerySet, match, fields) -> QuerySet:
    """The rows of a group's hits: id, name, ``match``, the name's length and ``fields``;
    ordered by the caller, within a tier by ``WITHIN_TIER``."""
    return queryset.annotate(match=match, name_length=Length("name")).values(
        "pk", "name", "match", "name_length", *fields
    )


def _group(rows: list, limit: int) -> Group:
    """``limit`` rows and whether there were more (``rows`` holds one more when there are)."""
    return Group(hits=rows[:limit], more=len(rows) > limit)


def _hits(kind: str, group: Group, secondary) -> Group:
    hits = [
        Hit(kind, row["pk"], row["name"], secondary(row), Match(row["match"]).label)
        for row in group.hits
    ]
    return Group(hits=hits, more=group.more)


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def search_partners(user, query: str, limit: int) -> Group:
    """Names, short names, their pinyin and initials; the code's start too for those who read
    full records. A chain-leader unit searches the directory: names only, and no code shown."""
    exact, prefix = None, None
    full_records = can_read_all(user)
    if full_records and looks_like_code(query):
        code = query.upper()
        exact, prefix = Q(uscc=code), Q(uscc__startswith=code)
    tiers = match_tiers(query, exact=exact, prefix=prefix)
    group = _ranked(partner_list(user), tiers, limit, "short_name", "uscc")
    if full_records:
        return _hits("partner", group, lambda row: _joined(row["short_name"], row["uscc"]))
    return _hits("partner", group, lambda row: row["short_name"])


def search_contacts(user, query: str, limit: int) -> Group:
    """Contact persons by name, with their organisation and title (no phone numbers)."""
    group = _ranked(contact_list(user), match_tiers(query), limit, "partner__name", "title")
    return _hits("contact", group, lambda row: _joined(row["partner__name"], row["title"]))


def search_projects(user, query: str, limit: int) -> Group:
    """Projects by name, or by the start of their code."""
    tiers = match_tiers(query, exact=Q(code__iexact=query), prefix=Q(code__istartswith=query))
    group = _ranked(project_list(user), tiers, limit, "code")
    return _hits("project", group, lambda row: row["code"])


def search_chains(user, query: str, limit: int) -> Group:
    """Industry chains (a few dozen): ranked in one query."""
    tiers = match_tiers(query, scanned=True)
    group = _ranked_at_once(chain_list(user), tiers, limit, "industry__name")
    return _hits("chain", group, lambda row: row["industry__name"])


SEARCHES = {
    "partners": search_partners,
    "contacts": search_contacts,
    "projects": search_projects,
    "chains": search_chains,
}


def search(user, query: str, *, limit: int = DEFAULT_LIMIT) -> dict[str, Group]:
    """Every group for the query (as typed; it is normalised here). A group the user may not
    list comes back empty without touching the database."""
    normalised = normalise(query)
    with planned_each_time():
        return {name: SEARCHES[name](user, normalised, limit) for name in GROUPS}
