"""How fast the machine is while the benchmark runs: a fixed piece of Python and a fixed
PostgreSQL query, timed before and after the measurements. The latency targets are absolute,
but machines of one kind differ (a run on 2026-12-03 served the baseline endpoint at 319
requests/s where the round before served it at 886 on a CPU of the same name), and one
machine's speed drifts within the hour: these two figures say whether two runs compare."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection

PYTHON_STEPS = 1_000_000
SQL = "SELECT sum(g) FROM generate_series(1, 1000000) AS g"


@dataclass(frozen=True)
class Speed:
    python_ms: float  # a loop of PYTHON_STEPS additions, median of 3
    sql_ms: float  # SQL, median of 3


def _python_loop() -> int:
    total = 0
    for step in range(PYTHON_STEPS):
        total += step
    return total


def _timed(work) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _sql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(SQL)
        cursor.fetchone()


def machine_speed() -> Speed:
    return Speed(python_ms=_timed(_python_loop), sql_ms=_timed(_sql))


def described(before: Speed, after: Speed) -> str:
    return (
        f"Machine speed, before / after the runs: {PYTHON_STEPS:,} additions in Python "
        f"{before.python_ms:.0f} / {after.python_ms:.0f} ms; `{SQL}` "
        f"{before.sql_ms:.0f} / {after.sql_ms:.0f} ms (smaller is faster)."
    )
