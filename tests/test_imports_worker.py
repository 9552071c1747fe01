"""A large import checked and written by a real Celery worker over the real Redis broker, its
progress visible through the API while it runs."""

import pytest

from core.imports.models import ImportBatch
from partners.models import Partner
from tests.test_imports_partners import row, upload, workbook
from tests.test_reminders_worker import queue, start_worker, stop, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_previews_and_imports_a_large_file(api, settings, queue, tmp_path):  # noqa: F811
    settings.IMPORT_INLINE_BYTES = 0
    settings.IMPORT_INLINE_ROWS = 0
    response = upload(api, workbook([row(n) for n in range(1, 3001)]))
    assert response.status_code == 202
    batch_id = response.json()["id"]
    worker = start_worker(queue, tmp_path)
    try:
        assert wait_for(lambda: ImportBatch.objects.get(pk=batch_id).status == "previewed")
        preview = api.get(f"/api/v1/imports/{batch_id}/").json()
        assert (preview["created_count"], preview["processed_rows"]) == (3000, 3000)
        assert api.post(f"/api/v1/imports/{batch_id}/confirm/").status_code == 202
        assert wait_for(lambda: ImportBatch.objects.get(pk=batch_id).status == "done")
    finally:
        stop(worker)
    assert Partner.objects.count() == 3000
    assert Partner.history.filter(history_source="import").count() == 3000
