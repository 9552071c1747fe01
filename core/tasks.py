"""Background imports. Each task takes a batch id and calls the import service, which claims
the batch so that a redelivered task (``acks_late``) does the work once."""

from celery import shared_task

from core.imports import services


@shared_task(acks_late=True, max_retries=0, time_limit=1800, soft_time_limit=1700)
def preview_import(batch_id: int) -> None:
    services.import_preview(batch_id)


@shared_task(acks_late=True, max_retries=0, time_limit=1800, soft_time_limit=1700)
def run_import(batch_id: int) -> None:
    services.import_run(batch_id)
