"""Background work of the core: imports (each task takes a batch id and calls the import
service, which claims the batch so that a redelivered task, ``acks_late``, does the work once)
and the reports' refresh after the data changed."""

import logging

from celery import shared_task
from django.conf import settings

from core import report_cache
from core.imports import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, max_retries=0, time_limit=1800, soft_time_limit=1700)
def preview_import(batch_id: int) -> None:
    services.import_preview(batch_id)


@shared_task(acks_late=True, max_retries=0, time_limit=1800, soft_time_limit=1700)
def run_import(batch_id: int) -> None:
    services.import_run(batch_id)


@shared_task(
    ignore_result=True,
    max_retries=0,
    time_limit=report_cache.REFRESH_LOCK_SECONDS,
    soft_time_limit=report_cache.REFRESH_LOCK_SECONDS - 60,
)
def refresh_reports() -> None:
    if settings.CACHE_IS_PROCESS_MEMORY:
        # Beat schedules the refresh when its own CACHE_URL is shared; this worker's is not.
        logger.warning("Reports refreshed into the worker's memory: set CACHE_URL to share them")
    report_cache.refresh_shared_reports()
