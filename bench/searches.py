"""The search box as staff type into it: queries drawn from the data set's own partner names,
each searched in-process (``partners.search.search``) as the benchmark's manager.

The HTTP benchmark asks the search endpoint for two common syllables (``keji``, ``科技``); that
hid the queries the index serves badly, which this sweep found (a lone ``（`` read every key:
0.3–1.6 s; docs/BENCHMARKS.md, eleventh round). Each name gives a piece of its Chinese (one to
four characters) and a piece of its pinyin or initials (two to six letters); the first few
names are searched whole. A fixed seed draws the same queries from the same data every run.
"""

import math
import random
import statistics
import time

from accounts.models import User
from core.search_text import name_forms
from partners.models import Partner
from partners.search import search

NAMES = 60
WHOLE_NAMES = 10
SEED = 7


def typed_queries(names: int = NAMES, seed: int = SEED) -> list[str]:
    """Pieces of ``names`` partners' names, as typed: Chinese, then pinyin or initials."""
    dice = random.Random(seed)
    ids = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    chosen = sorted(dice.sample(ids, min(names, len(ids))))
    picked = list(
        Partner.objects.filter(pk__in=chosen).order_by("pk").values_list("name", flat=True)
    )
    queries = []
    for name in picked:
        queries.append(_piece(name, dice.choice((1, 2, 2, 3, 4)), dice))
        latin = [form for form in name_forms(name) if form.isascii()]
        if latin:
            queries.append(_piece(dice.choice(latin), dice.choice((2, 3, 4, 6)), dice))
    return queries + picked[:WHOLE_NAMES]


def _piece(text: str, length: int, dice: random.Random) -> str:
    start = dice.randrange(max(1, len(text) - length + 1))
    return text[start : start + length]


def search_sweep(user: User, runs: int, queries: list[str]) -> dict:
    """Each query searched once to warm up, then ``runs`` times: its median in ms; the
    queries' p50, p90 (nearest rank) and maximum and the five slowest. No queries (no
    partners): no figures."""
    if not queries:
        return {"queries": 0}
    timed = []
    for query in queries:
        search(user, query)
        times = []
        for _run in range(runs):
            started = time.perf_counter()
            search(user, query)
            times.append((time.perf_counter() - started) * 1000)
        timed.append((statistics.median(times), query))
    timed.sort()
    medians = [ms for ms, _query in timed]
    return {
        "queries": len(timed),
        "p50": statistics.median(medians),
        "p90": medians[math.ceil(0.9 * len(medians)) - 1],
        "max": medians[-1],
        "slowest": [(query, ms) for ms, query in reversed(timed[-5:])],
    }


def section(swept: dict, runs: int) -> str:
    if not swept["queries"]:
        return "### Search as staff type it\n\nNo partners to draw queries from."
    slowest = ", ".join(f"`{query}` {ms:.0f} ms" for query, ms in swept["slowest"])
    return "\n".join(
        [
            f"### Search as staff type it (in-process, median of {runs} per query)",
            "",
            f"{swept['queries']} queries drawn from the partners' names (pieces of the Chinese, "
            f"of the pinyin or initials, whole names): p50 **{swept['p50']:.1f} ms**, p90 "
            f"**{swept['p90']:.1f} ms**, slowest {swept['max']:.1f} ms. The five slowest: "
            f"{slowest}.",
        ]
    )
