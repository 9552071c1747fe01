"""The HTTP benchmark's smoke test, so that it cannot rot: on a tiny data set every endpoint it
measures answers 200 with the credentials it would use, the baseline returns the same 50 rows
as the API's list, and the report keeps what people wrote around the generated part."""

import io
import json
import math
from pathlib import Path

import pytest
from django.test import Client

from accounts.roles import Role
from bench import baseline
from bench.endpoints import FLOOR, endpoints
from bench.load import (
    MARK,
    Measure,
    bench_manager,
    count_queries,
    credentials,
    report,
    write_document,
)
from bench.speed import described, machine_speed
from tests.factories import CarrierFactory, IndustryFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_data_set(db):
    steward = UserFactory(roles=[Role.STAFF])
    industry = IndustryFactory()
    CarrierFactory(kind="zone")
    for n in range(60):
        PartnerFactory(name=f"丰台科技有限公司{n:02d}", steward=steward, industries=[industry])
    bench_manager()


def _header_kwargs(header: str) -> dict:
    name, _sep, value = header.partition(": ")
    return {"HTTP_" + name.upper().replace("-", "_"): value}


def test_every_endpoint_answers_with_the_benchmarks_credentials(tiny_data_set):
    points = endpoints()
    headers = credentials(points)
    for point in points:
        if point.path.startswith("/bench/"):
            continue
        response = Client(**_header_kwargs(headers[point.user])).get(point.path)
        assert response.status_code == 200, point.path
        assert count_queries(point, headers[point.user]) > 0


def _baseline_body() -> dict:
    answer = {}

    def start_response(status, headers):
        answer["status"] = status

    environ = {
        "PATH_INFO": baseline.PATH,
        "REQUEST_METHOD": "GET",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(),
    }
    body = b"".join(baseline.application(environ, start_response))
    assert answer["status"] == "200 OK"
    return json.loads(body)


def test_the_baseline_returns_the_apis_first_page(tiny_data_set, api):
    expected = api.get("/api/v1/partners/", {"page_size": 50}).json()
    got = _baseline_body()
    assert got["count"] == expected["count"] == 60
    assert got["count_exact"] is expected["count_exact"] is True
    assert got["results"] == expected["results"]
    assert got["next"].endswith("page=2&page_size=50")


def test_the_document_keeps_what_people_wrote(tmp_path: Path, tiny_data_set):
    points = endpoints()
    measures = [
        Measure(p, queries=3, p50=[1.0, 2.0], p95=[3.0, 4.0], rps=[100.0, 90.0]) for p in points
    ]
    ratios = {"partner list": [0.31, 0.25], FLOOR: [0.8, 0.9]}
    speed = machine_speed()
    text = report(measures, runs=2, seconds=1, ratios=ratios, speed=described(speed, speed))
    assert f"additions in Python {speed.python_ms:.0f} / {speed.python_ms:.0f} ms" in text
    assert f"{speed.sql_ms:.0f} / {speed.sql_ms:.0f} ms (smaller is faster)" in text
    assert "| partner list |" in text
    assert "÷ baseline throughput, each list run followed by a baseline run" in text
    assert "**0.28 (0.25–0.31)**" in text  # the pairs' median and spread
    assert "0.85 (0.80–0.90)" in text  # the API's floor: what any endpoint could reach
    document = tmp_path / "BENCHMARKS.md"
    document.write_text(f"# Benchmarks\n\nIntro.\n\n{MARK}\nold\n{MARK}\n\n## What we changed\n")
    write_document(text, document)
    written = document.read_text()
    assert "Intro." in written
    assert "## What we changed" in written
    assert "old" not in written
    assert "| partner list |" in written


def test_an_endpoint_slower_than_a_run_is_reported_not_hidden():
    from bench.load import spread

    assert spread([math.nan, math.nan]) == "no request finished within a run"
    assert spread([math.nan, 12.0, 14.0]) == "13.0 (12.0–14.0)"


def test_the_operations_benchmark_reads_the_scans_and_writes_its_part(tmp_path, tiny_data_set):
    from bench.load import write_section
    from bench.operations import report as operations_report
    from bench.operations import reports_refreshed, scan_times
    from bench.reports import report_readings
    from bench.searches import search_sweep, typed_queries
    from core.reports import REPORTS

    scans = scan_times(runs=1)
    assert {scan["scan"] for scan in scans} >= {"follow_ups", "requests", "new_visits"}
    assert all(scan["ms"] >= 0 for scan in scans)
    reminders = {"seconds": 1.5, "reminders": 3, "notifications": 3}
    reminders |= {"follow_ups_due_today": 10, "follow_ups_open_and_due": 12}
    imported = {"rows": 10, "created": 10, "preview": 0.5, "confirm": 0.7}
    exported = {
        "seconds": 2.0,
        "seconds_each": [1.5, 2.0, 2.5],
        "rows": 100,
        "bytes": 2048,
        "peak_mb_max": 120,
        "before_mb": 90,
    }
    refreshed = reports_refreshed(runs=1)
    assert refreshed["reports"] == len(REPORTS)
    readings = report_readings(bench_manager(), runs=1)
    assert [reading["report"] for reading in readings] == list(REPORTS)
    queries = typed_queries(names=5)
    assert queries == typed_queries(names=5)  # the same queries every run
    assert len(queries) > 5
    assert all(queries)
    swept = search_sweep(bench_manager(), 1, queries)
    assert swept["queries"] == len(queries)
    slowest = [query for query, _ms in swept["slowest"]]
    assert len(slowest) == 5
    assert set(slowest) <= set(queries)
    assert swept["slowest"][0][1] == swept["max"]
    assert search_sweep(bench_manager(), 1, []) == {"queries": 0}
    text = operations_report(
        scans, reminders, refreshed, readings, imported, exported, swept, runs=1, export_runs=1
    )
    document = tmp_path / "BENCHMARKS.md"
    document.write_text(f"# Benchmarks\n\n{MARK}\nload\n{MARK}\n\n## What we changed\n")
    write_section(text, document, "operations")
    write_section(text, document, "operations")
    written = document.read_text()
    assert written.count("bench/operations.py writes between these marks") == 2
    assert "load" in written
    assert "## What we changed" in written
    assert "became 3 reminders" in written
    assert "2.0 (1.5–2.5) s for a 0.0 MB workbook" in written  # the export's runs and spread
    assert f"refresh computed {len(REPORTS)} reports" in written
    assert f"| {readings[0]['report']} | " in written
    assert f"{swept['queries']} queries drawn from the partners' names" in written
    assert f"`{swept['slowest'][0][0]}`" in written
