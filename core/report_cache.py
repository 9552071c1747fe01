"""Reports served from the cache while the data they are computed from has not changed.

At ten times district scale a report aggregates millions of rows and takes seconds; managers
open the same few reports many times a day, and the data changes far less often than they
look. A report is cached under a key made of everything its numbers depend on: the report,
its parameters, the reader (what a chain-leader unit may see differs), the language, today's
date (overdue and stalled lists count days) and the data version (``core.data_version``),
which changes when any write to the business tables commits. So a cached report is never
older than the data, and the cache needs no invalidation code in any service. The timeout
(``REPORT_CACHE_SECONDS``) only bounds how long unused entries stay.

What is cached is the report as shown: each table's first ``REPORT_ROWS_SHOWN`` rows and its
row count. The Excel export is always computed afresh, with every row.
"""

import hashlib
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from core.data_version import data_version
from core.reports import Figure, Report, ShownRows, Table, head_rows


def shown(report: Report) -> Report:
    """The report with plain-text labels and each table cut to the rows shown."""
    limit = settings.REPORT_ROWS_SHOWN
    tables = [
        Table(
            table.key,
            str(table.title),
            [replace(field, label=str(field.label)) for field in table.fields],
            ShownRows(head_rows(table.rows, limit), len(table.rows)),
        )
        for table in report.tables
    ]
    figures = [Figure(figure.key, str(figure.label), figure.value) for figure in report.figures]
    return Report(report.name, str(report.title), report.period, tables, figures)


def _key(name: str, user, params: dict, version: int) -> str:
    described = repr(sorted((key, repr(value)) for key, value in params.items()))
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    language = translation.get_language()
    return f"report:{name}:{version}:{user.pk}:{language}:{timezone.localdate()}:{digest}"


def cached_report(build, name: str, user, params: dict) -> Report:
    """``build(user, params)`` from the cache when the data has not changed since it was
    computed; computed and cached otherwise. A report computed while a write committed is
    returned but not cached."""
    version = data_version() if settings.REPORT_CACHE_SECONDS else None
    if version is None:
        return shown(build(user, params))
    key = _key(name, user, params, version)
    report = cache.get(key)
    if report is None:
        report = shown(build(user, params))
        if data_version() == version:
            cache.set(key, report, settings.REPORT_CACHE_SECONDS)
    return report
