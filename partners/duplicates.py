"""Possible duplicates of a partner about to be recorded: the same code, the same “core name”
(the name without its region and organisation form: 北京京东世纪贸易有限公司 and
北京京东世纪贸易有限责任公司 are both 京东世纪贸易), or a core name at least 85 % alike.

The candidates come from one indexed query (the code, or search keys containing the first or
the last four characters of the core name, so that a difference in the middle or at either
end is still caught), compared in Python.
"""

import re
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Abs, Length

from core.search_text import normalise
from core.searchable import key_matches
from partners.models import Partner
from partners.uscc import normalize_uscc

SIMILARITY_THRESHOLD = 0.85
CANDIDATE_POOL = 200
MAX_CANDIDATES = 10
CORE_PIECE = 4

# Longest first: each is stripped from the start (or, for a branch, the end) of a name.
REGIONS = ("北京市丰台区", "北京市", "丰台区", "北京", "丰台")
# Longest first, stripped from the end until none is left.
ORGANISATION_FORMS = (
    "集团股份有限公司",
    "集团有限责任公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限合伙",
    "有限公司",
    "股份公司",
    "集团公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
)
_BRACKETED = re.compile(r"\([^)]*\)")
MIN_CORE = 2


def _strip_once(text: str) -> str:
    for form in ORGANISATION_FORMS:
        if text.endswith(form) and len(text) - len(form) >= MIN_CORE:
            return text.removesuffix(form)
    for region in REGIONS:
        if text.startswith(region) and len(text) - len(region) >= MIN_CORE:
            return text.removeprefix(region)
        if text.endswith(region) and len(text) - len(region) >= MIN_CORE:
            return text.removesuffix(region)
    return text


def core_name(name: str) -> str:
    """The name without region, organisation form and bracketed parts, normalised like a
    search query: “北京京东世纪贸易有限责任公司” → “京东世纪贸易”; a branch
    “中铁建工集团有限公司北京分公司” → “中铁建工”. At least two characters are kept."""
    text = normalise(name)
    unbracketed = _BRACKETED.sub("", text)
    text = unbracketed if len(unbracketed) >= MIN_CORE else text
    while (stripped := _strip_once(text)) != text:
        text = stripped
    return text


@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    name: str
    short_name: str
    uscc: str
    reason: str  # same_uscc, same_core_name or similar_name
    similarity: float
    archived: bool

    def as_dict(self) -> dict:
        return asdict(self)


REASON_ORDER = {"same_uscc": 0, "same_core_name": 1, "similar_name": 2}


def _candidate(partner: Partner, code: str, core: str) -> DuplicateCandidate | None:
    other = core_name(partner.name)
    similarity = round(SequenceMatcher(None, core, other).ratio(), 2) if core else 0.0
    if code and partner.uscc == code:
        reason = "same_uscc"
    elif core and other == core:
        reason = "same_core_name"
    elif similarity >= SIMILARITY_THRESHOLD:
        reason = "similar_name"
    else:
        return None
    return DuplicateCandidate(
        id=partner.pk,
        name=partner.name,
        short_name=partner.short_name,
        uscc=partner.uscc,
        reason=reason,
        similarity=similarity,
        archived=partner.archived_at is not None,
    )


def partner_duplicate_candidates(
    name: str = "", uscc: str = "", *, exclude_pk: int | None = None
) -> list[DuplicateCandidate]:
    """Existing partners, archived ones included, that the given name or code may duplicate,
    the likeliest first (same code, same core name, then by similarity); at most ten."""
    code = normalize_uscc(uscc)
    core = core_name(name) if normalise(name) else ""
    condition = Q(uscc=code) if code else Q()
    for piece in {core[:CORE_PIECE], core[-CORE_PIECE:]} if core else ():
        condition |= key_matches(piece)
    if not condition:
        return []
    queryset = Partner.objects.filter(condition)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    pool = (
        queryset.annotate(
            same_code=Case(
                When(uscc=code, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            length_gap=Abs(Length("name") - len(name)),
        )
        .order_by("same_code", "length_gap", "pk")
        .only("pk", "name", "short_name", "uscc", "archived_at")[:CANDIDATE_POOL]
    )
    found = [c for partner in pool if (c := _candidate(partner, code, core)) is not None]
    found.sort(key=lambda c: (REASON_ORDER[c.reason], -c.similarity, c.id))
    return found[:MAX_CANDIDATES]
