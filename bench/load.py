"""The HTTP benchmark: the app served by gunicorn (DEBUG off) against the benchmark data set,
measured by wrk from a second process; each figure the median of ``--runs`` runs.

    make bench              # after make bench-data; prints the table, writes docs/BENCHMARKS.md

For every endpoint of ``bench.endpoints``: p50 / p95 latency and requests per second, the SQL
queries one request takes (counted in-process), and the partner list's throughput as a ratio
to the baseline (``bench.baseline``: the same 50 rows from one SQL query and orjson, served by
the same gunicorn processes).
"""

import argparse
import math
import os
import platform
import statistics
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import ROOT, setup_django

# As in production: one cache that every gunicorn worker shares (the reports' cache).
setup_django(CACHE_URL="redis://127.0.0.1:6379/2")

import django
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import Role
from accounts.services import api_token_create
from bench.baseline import baseline_page
from bench.endpoints import BASELINE, FLOOR, Endpoint, endpoints
from bench.speed import described, machine_speed

PORT = 8765
WORKERS = 3  # 2 cores, shared with PostgreSQL and wrk
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %.1f\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
"""


@dataclass
class Measure:
    endpoint: Endpoint
    queries: int = 0
    p50: list[float] = field(default_factory=list)
    p95: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    errors: int = 0
    first_ms: float = math.nan  # the first request after the cache was emptied


def bench_manager() -> User:
    user, _created = User.objects.get_or_create(
        username="bench-manager", defaults={"full_name": "基准测试经理"}
    )
    user.groups.add(Group.objects.get_or_create(name=Role.MANAGER)[0])
    return user


def credentials(points: list[Endpoint]) -> dict[str, str]:
    """A header per user: an API token, or a session cookie for pages."""
    headers = {}
    for point in points:
        if point.user in headers:
            continue
        user = User.objects.get(username=point.user)
        if point.session:
            client = Client()
            client.force_login(user)
            headers[point.user] = f"Cookie: sessionid={client.cookies['sessionid'].value}"
        else:
            _token, key = api_token_create(user=user)
            headers[point.user] = f"Authorization: Token {key}"
    return headers


def count_queries(point: Endpoint, header: str) -> int:
    """The SQL queries one request takes, counted in this process."""
    if point.path.startswith("/bench/"):
        with CaptureQueriesContext(connection) as queries:
            baseline_page("localhost")
        return len(queries)
    name, _sep, value = header.partition(": ")
    meta = {"HTTP_" + name.upper().replace("-", "_"): value}
    client = Client(HTTP_HOST="localhost", **meta)
    client.get(point.path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(point.path)
    if response.status_code != 200:
        raise RuntimeError(f"{point.path} answered {response.status_code}")
    return len(queries)


def start_server() -> subprocess.Popen:
    environment = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "300",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(  # noqa: S603 - our own arguments
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "bench.baseline:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    for _attempt in range(60):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def wrk(path: str, header: str, seconds: int, script: str) -> tuple[float, float, float, int]:
    """p50 ms, p95 ms, requests/s and errors of one wrk run: one connection per worker, so
    that latency is the server's time rather than time queued behind other requests."""
    command = ["wrk", "-t1", f"-c{WORKERS}", f"-d{seconds}s", "--timeout=60s", "-s", script]
    command += ["-H", header]
    output = subprocess.run(  # noqa: S603 - our own arguments
        [*command, f"http://127.0.0.1:{PORT}{quote(path, safe='/?&=')}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    _label, requests, errors, p50, p95, rps = line.split()
    if int(requests) == 0:  # slower than the run: no figure rather than a wrong one
        return math.nan, math.nan, 0.0, int(errors)
    return float(p50), float(p95), float(rps), int(errors)


def warm_up(path: str, header: str) -> float:
    """One request before the runs, however slow, on an empty cache: its time in ms is what
    the first reader of a report waits."""
    cache.clear()
    started = time.perf_counter()
    name, _sep, value = header.partition(": ")
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{quote(path, safe='/?&=')}", headers={name: value}
    )
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
        response.read()
    return (time.perf_counter() - started) * 1000


# The endpoints whose throughput is divided by the baseline's.
PAIRED = ("partner list", FLOOR)


def paired_ratios(points, headers, runs: int, seconds: int, script: str) -> dict:
    """Each of ``PAIRED``'s throughput over the baseline's measured right after it, ``runs``
    times. The machines' speed drifts by half within an hour: a ratio of two figures taken
    minutes apart (the table's) measured the drift as much as the framework."""
    by_name = {point.name: point for point in points}
    base = by_name[BASELINE]
    ratios = {name: [] for name in PAIRED}
    for _run in range(runs):
        for name in PAIRED:
            point = by_name[name]
            rps = wrk(point.path, headers[point.user], seconds, script)[2]
            base_rps = wrk(base.path, headers[base.user], seconds, script)[2]
            ratios[name].append(rps / base_rps if base_rps else math.nan)
    return ratios


def measure_all(points, headers, runs: int, seconds: int) -> tuple[list[Measure], dict]:
    """Every endpoint's figures, then the paired ratios (``paired_ratios``)."""
    measures = [
        Measure(point, queries=count_queries(point, headers[point.user])) for point in points
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    server = start_server()
    try:
        for measure in measures:
            header = headers[measure.endpoint.user]
            measure.first_ms = warm_up(measure.endpoint.path, header)
            for _run in range(runs):
                p50, p95, rps, errors = wrk(measure.endpoint.path, header, seconds, script.name)
                measure.p50.append(p50)
                measure.p95.append(p95)
                measure.rps.append(rps)
                measure.errors += errors
            print(line_of(measure), flush=True)
        ratios = paired_ratios(points, headers, runs, seconds, script.name)
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)
    return measures, ratios


def spread(values: list[float], digits: int = 1) -> str:
    values = [value for value in values if not math.isnan(value)]
    if not values:
        return "no request finished within a run"
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"{middle:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def verdict(measure: Measure) -> str:
    target = measure.endpoint.target_ms
    finished = [value for value in measure.p95 if not math.isnan(value)]
    if target is None:
        return ""
    return "met" if finished and statistics.median(finished) <= target else "**missed**"


def line_of(measure: Measure) -> str:
    point = measure.endpoint
    target = f"≤ {point.target_ms}" if point.target_ms else "—"
    return (
        f"| {point.name} | `{point.path}` | {measure.queries} | {measure.first_ms:.0f} | "
        f"{spread(measure.p50)} | "
        f"{spread(measure.p95)} | {spread(measure.rps, 0)} | {target} | {verdict(measure)} |"
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB; Python "
        f"{platform.python_version()}, Django {django.get_version()}, PostgreSQL {postgres}; "
        f"gunicorn {WORKERS} sync workers, wrk 1 thread × {WORKERS} connections"
    )


def sizes() -> str:
    tables = (
        "partners_partner",
        "partners_contactperson",
        "partners_interaction",
        "partners_followup",
        "partners_enterpriserequest",
        "projects_project",
        "projects_stagechange",
        "accounts_user",
    )
    with connection.cursor() as cursor:
        counts = []
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts.append(f"{table} {cursor.fetchone()[0]:,}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        counts.append(f"database {cursor.fetchone()[0]}")
    return "; ".join(counts)


def ratio(measures: list[Measure], name: str = "partner list") -> float:
    """``name``'s median throughput over the baseline's, as the table has them."""
    by_name = {m.endpoint.name: m for m in measures}
    return statistics.median(by_name[name].rps) / statistics.median(by_name[BASELINE].rps)


def report(measures: list[Measure], runs: int, seconds: int, ratios: dict, speed: str) -> str:
    head = (
        "| endpoint | path | SQL queries | first request ms (empty cache) | p50 ms (min–max) | "
        "p95 ms (min–max) | requests/s (min–max) | p95 target ms | |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    body = "\n".join(line_of(m) for m in measures)
    return (
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')}: {machine()}.\n\n"
        f"{speed}\n\n"
        f"Data set: {sizes()}.\n\n"
        f"Each figure: the median of {runs} runs of {seconds} s after one warm-up request "
        f"(spread in brackets).\n\n{head}\n{body}\n\n"
        "Partner list throughput ÷ baseline throughput, each list run followed by a baseline "
        f"run ({runs} pairs): **{spread(ratios['partner list'], 2)}** (target ≥ 0.5; from the "
        f"table's medians, taken minutes apart: {ratio(measures):.2f}). The same for the API's "
        f"floor, a token-authenticated request that reads one count and checks no role "
        f"(`{FLOOR}`): {spread(ratios[FLOOR], 2)}, more than an endpoint that also checks the "
        "reader's role can reach.\n"
    )


MARK = "<!-- bench/load.py writes between these marks -->"


def write_section(text: str, path: Path, script: str) -> None:
    """Replace the part of the document that ``bench/<script>.py`` writes, keeping what people
    wrote around it; a new document, or one without that part, gets it at its end."""
    mark = f"<!-- bench/{script}.py writes between these marks -->"
    document = path.read_text() if path.exists() else "# Benchmarks\n\n"
    if document.count(mark) == 2:
        before, _old, after = document.split(mark)
    else:
        before, after = document.rstrip("\n") + "\n\n", "\n"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"{before}{mark}\n{text}\n{mark}{after}")


def write_document(text: str, path: Path) -> None:
    write_section(text, path, "load")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    arguments = parser.parse_args()
    bench_manager()
    points = endpoints()
    before = machine_speed()
    measures, ratios = measure_all(points, credentials(points), arguments.runs, arguments.seconds)
    speed = described(before, machine_speed())
    text = report(measures, arguments.runs, arguments.seconds, ratios, speed)
    print(text)
    write_document(text, Path(arguments.out))


if __name__ == "__main__":
    main()
