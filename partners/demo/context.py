"""What the demo builders share while they run: the objects built so far and a tally of what
was created."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from chains.models import Industry, IndustryChain
from partners.models import Partner
from partners.uscc import with_check_character

# Generated codes: registration authority 9 (市场监管), category 1 (企业), Fengtai's division code
# 110106, then an organisation code that starts with four zeros, which no real register issues.
SAMPLE_USCC_PREFIX = "911101060000"
SAMPLE_PREFIX = "示例"


def sample_uscc(serial: int) -> str:
    return with_check_character(f"{SAMPLE_USCC_PREFIX}{serial:05d}")


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def is_sample(name: str) -> bool:
    return name.startswith(SAMPLE_PREFIX)


@dataclass
class DemoSet:
    created: Counter = field(default_factory=Counter)
    industries: dict[str, Industry] = field(default_factory=dict)
    chains: dict[str, IndustryChain] = field(default_factory=dict)
    carriers: list = field(default_factory=list)
    tags: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)
    stewards: list = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    partner_industry: dict[int, str] = field(default_factory=dict)
    roster: list[tuple[Partner, IndustryChain]] = field(default_factory=list)

    def count(self, label: str, created: bool = True) -> None:
        if created:
            self.created[label] += int(created)

    def partner_named(self, name: str) -> Partner:
        return next(p for p in self.partners if name in (p.name, p.short_name))

    def industry_of(self, partner: Partner) -> Industry:
        return self.industries[self.partner_industry[partner.pk]]

    def chain_of(self, industry: Industry) -> IndustryChain:
        """The chain of an industry's top-level industry (商业航天 → 航天航空产业链)."""
        top = industry.parent or industry
        return next(c for c in self.chains.values() if c.industry_id == top.pk)
