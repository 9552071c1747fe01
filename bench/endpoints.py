"""What the HTTP benchmark measures: each endpoint with the user it is requested as. The ids in
the URLs come from the data set (the busiest steward's partner, a common industry and zone), so
the same list serves the full benchmark and its smoke test on a tiny data set."""

from dataclasses import dataclass

from django.db.models import Count

from accounts.models import User
from chains.models import Industry
from partners.models import Carrier, Partner

REPORTS = ("overview", "pipeline", "coverage", "requests", "doubling", "chain-map", "roster")
LIST = "/api/v1/partners/?page_size=50"
# The framework's floor: an authenticated API request through every middleware that reads one
# count (the unread notifications), beside the list and the baseline.
FLOOR = "API floor: unread count"
BASELINE = "baseline (1 SQL + orjson)"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    user: str  # the username it is requested as
    session: bool = False  # a page (session cookie) rather than the API (token)
    target_ms: int | None = None  # the p95 the issue sets at ten times district scale


def busiest_steward() -> User:
    """The member of staff with the most partners: the heaviest workbench."""
    return (
        User.objects.filter(groups__name="staff")
        .annotate(n=Count("stewarded_partners"))
        .order_by("-n", "pk")
        .first()
    )


def endpoints(manager: str = "bench-manager") -> list[Endpoint]:
    steward = busiest_steward()
    partner = Partner.objects.filter(steward=steward, archived_at=None).order_by("pk").first()
    industry = (
        Industry.objects.annotate(n=Count("partners")).order_by("-n", "pk").values("pk").first()
    )
    zone = Carrier.objects.filter(kind=Carrier.Kind.ZONE).order_by("pk").values("pk").first()
    three_filters = f"{LIST}&status=active&industry={industry['pk']}&zone={zone['pk']}"
    return [
        Endpoint("partner list", LIST, manager, target_ms=50),
        Endpoint("partner list, 3 filters", three_filters, manager, target_ms=50),
        Endpoint("partner list, ?q= Chinese", f"{LIST}&q=科技", manager, target_ms=50),
        Endpoint("partner list, ?q= pinyin", f"{LIST}&q=keji", manager, target_ms=50),
        # A surname: a contact's in 3,304 partners, more than the list counts.
        Endpoint("partner list, ?q= surname", f"{LIST}&q=张", manager, target_ms=50),
        # A search for one company by its name (the steward's partner below), as staff search
        # (bench/load.py quotes the paths).
        Endpoint(
            "partner list, ?q= one company", f"{LIST}&q={partner.name}", manager, target_ms=50
        ),
        Endpoint("partner detail", f"/api/v1/partners/{partner.pk}/", manager, target_ms=30),
        Endpoint(
            "project list by stage",
            "/api/v1/projects/?stage=negotiating&page_size=50",
            manager,
            target_ms=50,
        ),
        Endpoint("staff home page", "/", steward.username, session=True, target_ms=100),
        Endpoint("search", "/api/v1/search/?q=keji", manager, target_ms=50),
        # The commonest query: two Chinese characters that 45,735 of 200,000 names contain.
        Endpoint("search, Chinese", "/api/v1/search/?q=科技", manager, target_ms=50),
        # The engagement lists in their default order, over every row (no target in the issue).
        Endpoint("interaction list", "/api/v1/interactions/?page_size=50", manager),
        Endpoint("follow-up list", "/api/v1/follow-ups/?page_size=50", manager),
        Endpoint("request list", "/api/v1/requests/?page_size=50", manager),
        *(
            Endpoint(f"report: {key}", f"/api/v1/reports/{key}/", manager, target_ms=300)
            for key in REPORTS
        ),
        Endpoint(FLOOR, "/api/v1/notifications/unread-count/", manager),
        Endpoint(BASELINE, "/bench/baseline/partners/", manager),
    ]
