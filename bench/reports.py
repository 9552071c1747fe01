"""Each report as managers read it, in-process: computed afresh (an empty cache, the default
parameters: what the first reader after a change waits when the worker has not refreshed it
yet), then for last year once the defaults are cached (the parts that do not depend on the
period, ``core.report_cache.cached_part``, are then read from the cache), then for one
industry (a filter: every part computed anew). Part of ``make bench`` (``bench/operations.py``).
"""

import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone, translation

from chains.models import Industry
from core.reports import REPORTS

TARGET_MS = 300


def _ms(view, manager, params: dict) -> float:
    started = time.perf_counter()
    view.shown_report(manager, params)
    return (time.perf_counter() - started) * 1000


def report_readings(manager, runs: int) -> list[dict]:
    """Per report, the median of ``runs`` of each reading: ``fresh``, ``last_year`` and
    ``industry`` in milliseconds; each run starts from an empty cache."""
    industry = Industry.objects.order_by("position", "pk").first()
    choices = {
        "fresh": {},
        "last_year": {"year": str(timezone.localdate().year - 1)},
        "industry": {"industry": str(industry.pk)} if industry else {},
    }
    readings = []
    with (
        override_settings(REPORT_CACHE_SECONDS=3600),
        translation.override(settings.LANGUAGE_CODE),
    ):
        for key, view in REPORTS.items():
            times = {name: [] for name in choices}
            for _run in range(runs):
                cache.clear()
                for name, data in choices.items():
                    times[name].append(_ms(view, manager, view.parameters(data)))
            readings.append({"report": key} | {n: statistics.median(t) for n, t in times.items()})
    return readings


def section(readings: list[dict], runs: int) -> str:
    lines = [
        f"### Reports as managers read them (in-process, median of {runs})",
        "",
        "Computed afresh: an empty cache and the default parameters. Last year: right after, so "
        "the parts that do not depend on the period are read from the cache. One industry: a "
        f"filter, every part computed anew. Target ≤ {TARGET_MS} ms.",
        "",
        "| report | computed afresh ms | last year ms | one industry ms |",
        "|---|---|---|---|",
    ]
    for reading in readings:
        cells = [_cell(reading[name]) for name in ("fresh", "last_year", "industry")]
        lines.append(f"| {reading['report']} | {' | '.join(cells)} |")
    return "\n".join(lines)


def _cell(ms: float) -> str:
    return f"{ms:,.0f}" if ms <= TARGET_MS else f"**{ms:,.0f}**"
