"""Reports served from the cache while the data they are computed from has not changed.

At ten times district scale a report aggregates millions of rows and takes seconds; managers
open the same few reports many times a day, and the data changes far less often than they
look. A report is cached under a key made of everything its numbers depend on: the report,
its parameters, its audience (those who read everything share one entry; a chain-leader unit,
which sees its own chains only, has its own), the language, today's date (overdue and stalled
lists count days) and the data version (``core.data_version``), which changes when any write to
the business tables commits. So a cached report is never older than the data, and the cache
needs no invalidation code in any service. The timeout (``REPORT_CACHE_SECONDS``) only bounds
how long unused entries stay.

So that the first manager to open a report after a change rarely waits for it, the worker
computes every report as those who read everything see it by default, in the site's language,
shortly after the data changes (``refresh_shared_reports``, run by Celery beat every
``REPORT_REFRESH_SECONDS``): at ten times district scale a report takes up to two seconds to
compute and well under one to read from the cache.

What is cached is the report as shown: each table's first ``REPORT_ROWS_SHOWN`` rows and its
row count. The Excel export is never served from it: it is computed with every row, reading
only the parts of a report cached apart (``cached_part``): those that depend on fewer
parameters than the whole, such as the coverage's breakdowns, which are as of now whatever
the period.
"""

import hashlib
import logging
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.roles import can_read_all
from accounts.selectors import a_reader_of_everything
from core.data_version import data_version
from core.reports import REPORTS, Figure, Report, ShownRows, Table, head_rows

logger = logging.getLogger(__name__)


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


def _audience(user) -> str:
    """Who sees the same report: every reader who reads everything (managers, staff, auditors,
    administrators) sees the same numbers; a chain-leader unit sees its own chains."""
    return "all" if can_read_all(user) else f"user-{user.pk}"


def _key(name: str, user, params: dict, version: int) -> str:
    described = repr(sorted((key, repr(value)) for key, value in params.items()))
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    language = translation.get_language()
    audience = _audience(user)
    return f"report:{name}:{version}:{audience}:{language}:{timezone.localdate()}:{digest}"


def report_version() -> int | None:
    """The data version, or None when reports are not cached (no cache, or SQLite). A report
    reads it before anything else and gives it to each ``cached_part``: a part is then cached
    only if nothing committed since, the rules and filters read before it included."""
    return data_version() if settings.REPORT_CACHE_SECONDS else None


def cached_report(build, name: str, user, params: dict) -> Report:
    """``build(user, params)`` from the cache when the data has not changed since it was
    computed; computed and cached otherwise. A report computed while a write committed is
    returned but not cached."""
    return _cached(name, user, params, lambda: shown(build(user, params)), report_version())


def cached_part(name: str, user, params: dict, compute, version: int | None):
    """``compute()``, a part of a report that depends on fewer parameters than the report
    (``params``: only those it depends on), cached as reports are (``cached_report``) under
    ``version`` (``report_version``), so that a reader who changes another parameter (the
    period, say) waits for the rest of the report alone. What ``compute`` returns must be
    plain data: no query set, nothing lazy."""
    return _cached(f"{name}:part", user, params, compute, version)


def _cached(name: str, user, params: dict, compute, version: int | None):
    if version is None:
        return compute()
    key = _key(name, user, params, version)
    value = cache.get(key)
    if value is None:
        value = compute()
        if data_version() == version:
            cache.set(key, value, settings.REPORT_CACHE_SECONDS)
    return value


REFRESHED = "report-refresh:done"
REFRESHING = "report-refresh:running"
REFRESH_LOCK_SECONDS = 15 * 60  # the task's time limit: a killed refresh's lock expires with it


def refresh_shared_reports() -> list[str]:
    """Compute and cache every report that is not cached yet, with its default parameters, as
    those who read everything see it in the site's language; the names of those computed.

    Nothing when the data and the day are those of the last refresh, when another refresh is
    running (a slow one is not stacked on) or where no active user reads everything. A report
    that fails is logged and the others are still computed (the next run tries it again); a
    write that commits meanwhile ends the run, whose reports would be out of date (the next
    run starts over)."""
    version = report_version()
    if version is None:
        return []
    done = (version, timezone.localdate().isoformat())
    if cache.get(REFRESHED) == done or not cache.add(REFRESHING, True, REFRESH_LOCK_SECONDS):
        return []
    try:
        return _refresh(version, done)
    finally:
        cache.delete(REFRESHING)


def _refresh(version: int, done: tuple) -> list[str]:
    reader = a_reader_of_everything()
    if reader is None:
        return []
    computed, failed = [], False
    with translation.override(settings.LANGUAGE_CODE):
        for view in REPORTS.values():
            try:
                if _refreshed(view, reader):
                    computed.append(view.key)
            except Exception:
                logger.exception("The %s report could not be refreshed", view.key)
                failed = True
            if data_version() != version:
                return computed
    if not failed:
        cache.set(REFRESHED, done, settings.REPORT_CACHE_SECONDS)
    return computed


def _refreshed(view, reader) -> bool:
    """Cache ``view``'s report with its default parameters unless it is cached already."""
    params = view.parameters({})
    if is_cached(view.key, reader, params):
        return False
    cached_report(view.build, view.key, reader, params)
    return True


def is_cached(name: str, user, params: dict) -> bool:
    """Whether ``user`` would be served report ``name`` from the cache now."""
    version = report_version()
    return version is not None and cache.get(_key(name, user, params, version)) is not None
