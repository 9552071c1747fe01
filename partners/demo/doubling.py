"""Doubling-plan indicators of the demo set: every catalogue enterprise reports 2023 (its base
year), 2024 and 2025, growing at its own seeded pace, so that the doubling report shows some
enterprises on track and some behind."""

import random
from decimal import Decimal

from partners.demo.context import DemoSet, is_sample
from partners.models import DoublingIndicator
from partners.services.doubling import doubling_indicator_create

YEARS = (2023, 2024, 2025)


def _figures(rng: random.Random) -> list[dict]:
    revenue = Decimal(rng.randrange(2_000, 200_000))
    employees = rng.randrange(20, 2_000)
    pace = rng.uniform(1.0, 1.3)  # yearly growth: 1.15 and more is on track toward ×2
    rows = []
    for step in range(len(YEARS)):
        factor = Decimal(str(round(pace**step, 4)))
        this_revenue = (revenue * factor).quantize(Decimal("0.01"))
        rows.append(
            {
                "revenue": this_revenue,
                "tax": (this_revenue * Decimal("0.06")).quantize(Decimal("0.01")),
                "rd_spending": (this_revenue * Decimal("0.04")).quantize(Decimal("0.01")),
                "employees": int(employees * float(factor)),
            }
        )
    return rows


def build_doubling_indicators(demo: DemoSet) -> None:
    catalogue = [p for p in demo.partners if p.in_doubling_catalogue and is_sample(p.name)]
    recorded = set(
        DoublingIndicator.objects.filter(partner__in=catalogue).values_list("partner_id", "year")
    )
    for partner in catalogue:
        rng = random.Random(f"doubling-{partner.uscc}")
        for year, figures in zip(YEARS, _figures(rng), strict=True):
            if (partner.pk, year) in recorded:
                continue
            doubling_indicator_create(actor=None, partner=partner, year=year, **figures)
            demo.count("doubling indicators")
