"""Benchmark: check and import 10,000 partner rows (with contact persons and industries) from an
.xlsx file, then import the same file again (every row unchanged). Prints the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fengtai_bench make bench-import

The database is migrated first; each run uses fresh codes, so it can be run repeatedly.
"""

import io
import os
import random
import time
import tracemalloc

from bench import setup_django

setup_django()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from accounts.roles import Role
from chains.models import Industry
from core.imports import services
from partners.uscc import check_character

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "企业类型",
    "加入日期",
    "所属行业",
    "地址",
    "联系人",
    "联系电话",
]


def code(n: int) -> str:
    first17 = f"91110106{n:09d}"
    return first17 + check_character(first17)


def workbook(start: int, industries: list[str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["丰台区发展伙伴名单（基准测试）"])
    sheet.append(HEADERS)
    for n in range(start, start + ROWS):
        sheet.append(
            [
                f"基准测试企业{n}有限公司",
                code(n),
                "民营企业",
                "2024-03-29",
                random.choice(industries),
                f"丰台区测试路{n % 500}号",
                f"联系人{n % 1000}",
                f"139{n % 100000000:08d}",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(label: str, action):
    """Time and queries; with BENCH_MEMORY=1 also the Python peak (tracemalloc slows it down)."""
    memory = os.environ.get("BENCH_MEMORY") == "1"
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = action()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1048576 if memory else float("nan")
    tracemalloc.stop()
    print(
        f"{label:<34} {elapsed:7.2f} s  {ROWS / elapsed:8.0f} rows/s  "
        f"{len(queries):5d} queries  peak {peak:6.1f} MB (Python)"
    )
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.IMPORT_INLINE_BYTES = settings.IMPORT_MAX_UPLOAD_BYTES
    settings.IMPORT_INLINE_ROWS = settings.IMPORT_MAX_ROWS
    settings.DEBUG = False
    actor, _created = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"full_name": "基准测试"}
    )
    actor.groups.add(Group.objects.get(name=Role.STAFF))
    industries = list(Industry.objects.values_list("name", flat=True)) or [""]
    content = workbook(random.randrange(10**6, 10**8), industries)
    print(f"{ROWS} rows, {len(content) / 1048576:.1f} MB .xlsx, {connection.vendor}")
    for attempt in ("first import (creates)", "same file again (unchanged)"):
        batch = timed(
            f"preview: {attempt}",
            lambda: services.import_upload(
                kind="partners", file_name="bench.xlsx", content=content, actor=actor
            ),
        )
        batch = timed(
            f"confirm: {attempt}", lambda b=batch: services.import_confirm(batch=b, actor=actor)
        )
        print(
            f"  status {batch.status}: created {batch.created_count}, updated "
            f"{batch.updated_count}, unchanged {batch.unchanged_count}, rejected "
            f"{batch.rejected_count}"
        )


if __name__ == "__main__":
    main()
