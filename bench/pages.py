"""Benchmark: the server time and SQL queries of every page on the demo data set, as each role
sees it. Prints a table (median and slowest of ``BENCH_RUNS`` requests after one warm-up).

    make bench-pages        # PostgreSQL database fengtai_bench_pages, demo data loaded once

Measured in-process with Django's test client through the whole middleware stack (sessions,
authentication, templates), DEBUG off: what the server spends, without the network.
"""

import os
import statistics
import time

from bench import setup_django

setup_django()

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from chains.models import IndustryChain
from partners.models import Partner
from projects.models import Project

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def pages() -> list[tuple[str, str]]:
    staff = User.objects.get(username="staff")
    partner = Partner.objects.filter(steward=staff).first() or Partner.objects.first()
    project = Project.objects.order_by("pk").first()
    chain = IndustryChain.objects.order_by("pk").first()
    dashboard = [
        f"/dashboard/?report={key}"
        for key in (
            "overview",
            "pipeline",
            "coverage",
            "requests",
            "doubling",
            "chain-map",
            "roster",
        )
    ]
    return [
        ("staff", "/"),
        ("staff", "/partners/pick/?q=zg"),
        ("staff", "/partners/"),
        ("staff", "/partners/?q=zgc&status=active"),
        ("staff", f"/partners/{partner.pk}/"),
        ("staff", "/projects/"),
        ("staff", f"/projects/{project.pk}/"),
        ("staff", "/chains/"),
        ("staff", f"/chains/{chain.pk}/"),
        ("staff", "/imports/"),
        ("chainleader", "/portal/"),
        *(("manager", url) for url in dashboard),
    ]


def measure(client: Client, url: str) -> tuple[int, int, list[float]]:
    client.get(url)
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
    return response.status_code, len(queries), times


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if not Partner.objects.exists():
        call_command("load_demo", "--with-users", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum keeps them in service
    clients = {}
    print(f"{'role':12} {'page':40} {'status':>6} {'queries':>7} {'median ms':>9} {'max ms':>7}")
    for role, url in pages():
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(User.objects.get(username=role))
        status, queries, times = measure(clients[role], url)
        print(
            f"{role:12} {url:40} {status:>6} {queries:>7} "
            f"{statistics.median(times):>9.1f} {max(times):>7.1f}"
        )


if __name__ == "__main__":
    main()
