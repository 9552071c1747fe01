"""The work behind the pages, on the data set of ``make bench-data``: the reminder scan of the
benchmark's today (each query's time and the indexes its plan uses, by EXPLAIN ANALYZE), the
day's reminders written and delivered by a real Celery worker over Redis, the import of 10,000
partner rows (check and confirm), the Excel export of 100,000 partners (time and the
process's peak memory), the reports as managers read them (``bench/reports.py``) and searches
as staff type them (``bench/searches.py``). Each time is
the median of ``--runs`` runs, three by default (the export's of ``--export-runs``, three
too: each takes 20 s to a minute, by machine).

    make bench              # runs bench/load.py, then this; writes docs/BENCHMARKS.md

The data set is left as it was: the import runs inside a transaction that is rolled back (and
the tables are vacuumed after it), and the day's reminders are deleted before they are written
again.
"""

import argparse
import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import ROOT, setup_django

setup_django(CELERY_BROKER_URL="redis://127.0.0.1:6379/3")

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client

from bench.data import BENCH_TODAY, vacuum_analyze
from bench.load import bench_manager, spread, write_section
from bench.reports import report_readings
from bench.reports import section as reports_section
from bench.searches import search_sweep, typed_queries
from bench.searches import section as search_section
from partners.models import FollowUp, Notification, Partner, Reminder
from partners.services.reminders import reminder_scans

WORKER_TIMEOUT = 600
EXPORT_ROWS = 100_000
INDEX_USED = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)"
)


def scan_times(runs: int) -> list[dict]:
    """Each scan of the day: execution time (median of runs) and the indexes its plan uses."""
    rows = []
    for name, queryset in reminder_scans(BENCH_TODAY).items():
        times, plan = [], ""
        for _run in range(runs):
            plan = queryset.explain(analyze=True, buffers=True)
            times.append(float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)))
        rows.append(
            {
                "scan": name,
                "ms": statistics.median(times),
                "indexes": sorted(set(INDEX_USED.findall(plan))),
                "seq_scans": sorted(set(re.findall(r"Seq Scan on (\w+)", plan))),
            }
        )
    return rows


def _forget_the_day() -> None:
    Notification.objects.filter(reminder__day=BENCH_TODAY).delete()
    Reminder.objects.filter(day=BENCH_TODAY).delete()


def _start_worker() -> subprocess.Popen:
    import redis

    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()
    mail = Path("/tmp/fengtai-bench-mail")  # noqa: S108 - the benchmark's own scratch folder
    mail.mkdir(exist_ok=True)
    environment = {**os.environ, "EMAIL_URL": f"filemail://{mail}"}
    command = [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-c", "2"]
    command += ["--loglevel=WARNING", "-n", "bench@%h", "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(command, cwd=ROOT, env=environment)  # noqa: S603
    from config.celery import app

    for _attempt in range(120):
        if app.control.ping(timeout=0.5):
            return worker
    worker.terminate()
    raise RuntimeError("the Celery worker did not start")


def reminders_written() -> dict:
    """Plan and deliver the benchmark's today with a real worker: from queuing the daily task
    to every reminder's notification and e-mail written."""
    from partners.tasks import send_daily_reminders

    _forget_the_day()
    due_today = FollowUp.objects.filter(status="open", due_on=BENCH_TODAY).count()
    open_due = FollowUp.objects.filter(status="open", due_on__lte=BENCH_TODAY).count()
    worker = _start_worker()
    try:
        started = time.perf_counter()
        send_daily_reminders.delay(BENCH_TODAY.isoformat())
        day = Reminder.objects.filter(day=BENCH_TODAY)
        undelivered = day.filter(Q(notified_at=None) | Q(emailed_at=None))
        while time.perf_counter() - started < WORKER_TIMEOUT:
            if day.exists() and not undelivered.exists():
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("the reminders were not all delivered in time")
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return {
        "seconds": elapsed,
        "reminders": day.count(),
        "notifications": Notification.objects.filter(reminder__day=BENCH_TODAY).count(),
        "follow_ups_due_today": due_today,
        "follow_ups_open_and_due": open_due,
    }


def import_10000(runs: int) -> dict:
    """Check and confirm 10,000 new partner rows, in a transaction rolled back afterwards."""
    from bench.import_partners import ROWS, workbook
    from chains.models import Industry
    from core.imports import services

    settings.IMPORT_INLINE_BYTES = settings.IMPORT_MAX_UPLOAD_BYTES
    settings.IMPORT_INLINE_ROWS = settings.IMPORT_MAX_ROWS
    actor = bench_manager()
    industries = list(Industry.objects.values_list("name", flat=True))
    preview, confirm, created = [], [], 0
    for run in range(runs):
        content = workbook(90_000_000 + run * ROWS, industries)
        with transaction.atomic():
            started = time.perf_counter()
            batch = services.import_upload(
                kind="partners", file_name="bench.xlsx", content=content, actor=actor
            )
            preview.append(time.perf_counter() - started)
            started = time.perf_counter()
            batch = services.import_confirm(batch=batch, actor=actor)
            confirm.append(time.perf_counter() - started)
            created = batch.created_count
            transaction.set_rollback(True)
    # The rolled-back rows stay in the tables as dead rows until autovacuum passes: the export
    # that follows, and the next run of the benchmark, would read a third more of the partners.
    vacuum_analyze()
    return {
        "rows": ROWS,
        "created": created,
        "preview": statistics.median(preview),
        "confirm": statistics.median(confirm),
    }


def export_child() -> None:
    """In a process of its own: export the first 100,000 partners (by joining date) through
    the API, and print the time, the rows, the file's size and the peak memory."""
    joined = Partner.objects.filter(archived_at=None).order_by("joined_on", "pk")
    last_day = joined.values_list("joined_on", flat=True)[EXPORT_ROWS - 1]
    client = Client(HTTP_HOST="localhost")
    client.force_login(bench_manager())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get("/api/v1/partners/export/", {"joined_before": last_day.isoformat()})
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = Partner.objects.filter(archived_at=None, joined_on__lte=last_day).count()
    result = {"status": response.status_code, "seconds": elapsed, "rows": rows, "bytes": size}
    result |= {"peak_mb": peak / 1024, "before_mb": before / 1024}
    print(json.dumps(result))


def reports_refreshed(runs: int) -> dict:
    """What the worker's refresh takes after a change (``core.report_cache``): every report
    computed with its default parameters, as readers of everything see it, from an empty cache."""
    from django.core.cache import cache
    from django.test import override_settings

    from core.report_cache import refresh_shared_reports

    bench_manager()
    seconds, computed = [], []
    with override_settings(REPORT_CACHE_SECONDS=3600):
        for _run in range(runs):
            cache.clear()
            started = time.perf_counter()
            computed = refresh_shared_reports()
            seconds.append(time.perf_counter() - started)
    return {
        "seconds": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "reports": len(computed),
    }


def export_100000(runs: int) -> dict:
    results = []
    for _run in range(runs):
        output = subprocess.run(
            [sys.executable, "-m", "bench.operations", "--export-child"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=os.environ,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    if any(result["status"] != 200 for result in results):
        raise RuntimeError(f"the export answered {results[0]['status']}")
    by_time = sorted(results, key=lambda result: result["seconds"])
    return {
        **by_time[len(results) // 2],
        "seconds_each": [result["seconds"] for result in by_time],
        "peak_mb_max": max(result["peak_mb"] for result in results),
    }


def report(
    scans: list[dict],
    reminders: dict,
    refreshed: dict,
    readings: list[dict],
    imported: dict,
    exported: dict,
    swept: dict,
    runs: int,
    export_runs: int,
) -> str:
    lines = [
        f"### Reminder scan for {BENCH_TODAY} (EXPLAIN ANALYZE, median of {runs})",
        "",
        "| scan | execution ms | indexes used | sequential scans |",
        "|---|---|---|---|",
    ]
    for scan in scans:
        lines.append(
            f"| {scan['scan']} | {scan['ms']:.1f} | {', '.join(scan['indexes']) or '—'} | "
            f"{', '.join(scan['seq_scans']) or '—'} |"
        )
    total = sum(scan["ms"] for scan in scans)
    lines += [
        "",
        f"All scans together: **{total:.1f} ms** (target ≤ 100 ms).",
        "",
        "### Reminders written by a real worker (Celery, 2 processes, Redis)",
        "",
        f"{reminders['follow_ups_due_today']:,} follow-ups due that day "
        f"({reminders['follow_ups_open_and_due']:,} open and due by then) became "
        f"{reminders['reminders']:,} reminders (a digest per person, escalations, no more) and "
        f"{reminders['notifications']:,} notifications with their e-mails, all written "
        f"**{reminders['seconds']:.1f} s** after the daily task was queued (target ≤ 60 s).",
        "",
        f"### Reports refreshed after a change (median of {runs})",
        "",
        f"The worker's refresh computed {refreshed['reports']} reports, as managers open them, "
        f"in **{refreshed['seconds']:.1f} s** ({refreshed['min']:.1f}–{refreshed['max']:.1f}); "
        "a reader who comes after it is served from the cache (the table above's p50 and p95).",
        "",
        reports_section(readings, runs),
        "",
        f"### Import of {imported['rows']:,} partner rows (median of {runs})",
        "",
        f"Check (preview) {imported['preview']:.1f} s, confirm {imported['confirm']:.1f} s "
        f"({imported['created']:,} partners created, then rolled back).",
        "",
        f"### Export of {exported['rows']:,} partners to Excel (median of {export_runs})",
        "",
        f"{spread(exported['seconds_each'])} s for a {exported['bytes'] / 1048576:.1f} MB "
        "workbook; peak "
        f"memory of the process **{exported['peak_mb_max']:.0f} MB** (of which "
        f"{exported['before_mb']:.0f} MB before the request; target < 300 MB).",
        "",
        search_section(swept, runs),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--export-runs", type=int, default=3, help="each takes 20-60 s")
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.export_child:
        export_child()
        return
    if connection.vendor != "postgresql":
        raise SystemExit("bench/operations.py measures PostgreSQL (make bench-data)")
    scans = scan_times(arguments.runs)
    reminders = reminders_written()
    refreshed = reports_refreshed(arguments.runs)
    readings = report_readings(bench_manager(), arguments.runs)
    imported = import_10000(arguments.runs)
    exported = export_100000(arguments.export_runs)
    swept = search_sweep(bench_manager(), arguments.runs, typed_queries())
    text = report(
        scans,
        reminders,
        refreshed,
        readings,
        imported,
        exported,
        swept,
        arguments.runs,
        arguments.export_runs,
    )
    print(text)
    write_section(text, Path(arguments.out), "operations")


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
