"""Files that are not what they claim: each gets a clear message, none crashes the import or
fills memory. And large files go to a Celery task that reports its progress."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from config.celery import app as celery_app
from core.imports.files import OLE_MAGIC
from core.imports.models import ImportBatch
from partners.models import Partner
from tests.factories import sample_code
from tests.test_imports_partners import row, upload, workbook

pytestmark = pytest.mark.django_db


def refused(api, content, name="partners.xlsx") -> dict:
    response = upload(api, content, name=name)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "file_rejected"
    return body


def test_a_renamed_file_is_not_a_workbook(api):
    body = refused(api, b"%PDF-1.7 not a spreadsheet at all")
    assert body["file_error_code"] == "not_a_table"
    assert "不是 Excel 工作簿" in body["file_error"]


def test_a_password_protected_workbook_is_refused_with_advice(api):
    body = refused(api, OLE_MAGIC + bytes(4096))
    assert body["file_error_code"] == "encrypted_or_xls"
    assert "取消密码" in body["file_error"]


def test_an_empty_sheet(api):
    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert refused(api, buffer.getvalue())["file_error_code"] == "empty_sheet"


def test_a_sheet_without_the_expected_header(api):
    body = refused(api, workbook([["x", "y"]], headers=["甲", "乙"], title=None))
    assert body["file_error_code"] == "header_not_found"
    assert "企业名称" in body["file_error"]


def test_formulas_are_refused_naming_the_cell(api):
    content = workbook([[1, '=CONCAT("a","b")', sample_code(1), "民营企业", "2024-03-29"]])
    body = refused(api, content)
    assert body["file_error_code"] == "formula"
    assert "B3" in body["file_error"]


def test_a_fifty_megabyte_file_is_refused_before_it_is_read(api):
    response = upload(api, b"PK\x03\x04" + bytes(50 * 1024 * 1024))
    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert "50.0 MB" in response.json()["message"]


def test_an_empty_file(api):
    response = upload(api, b"")
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0]["code"] == "empty"
    assert not ImportBatch.objects.exists()


def test_a_million_blank_rows_end_the_table(api, settings):
    """A sheet whose used range runs to row 1,000,002 of styled empty cells."""
    settings.IMPORT_INLINE_BYTES = settings.IMPORT_MAX_UPLOAD_BYTES  # checked in the request
    content = workbook([row(1)], title=None)
    blanks = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(3, 1_000_003))
    source = zipfile.ZipFile(io.BytesIO(content))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", blanks.encode() + b"</sheetData>")
            target.writestr(item, data)
    packed = target_buffer.getvalue()
    body = upload(api, packed).json()
    assert len(packed) < settings.IMPORT_MAX_UPLOAD_BYTES
    assert (body["status"], body["total_rows"], body["created_count"]) == ("previewed", 1, 1)


def test_too_many_rows(api, settings):
    settings.IMPORT_MAX_ROWS = 3
    body = refused(api, workbook([row(n) for n in range(1, 5)]))
    assert body["file_error_code"] == "too_many_rows"


def test_a_large_file_is_checked_and_imported_by_tasks_with_progress(
    api, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_BYTES = 0
    settings.IMPORT_INLINE_ROWS = 0
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, workbook([row(n) for n in range(1, 1201)]))
    assert response.status_code == 202
    batch = api.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert (batch["status"], batch["processed_rows"], batch["total_rows"]) == (
        "previewed",
        1200,
        1200,
    )
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api.post(f"/api/v1/imports/{batch['id']}/confirm/")
    assert confirmed.status_code == 202
    assert api.get(f"/api/v1/imports/{batch['id']}/").json()["status"] == "done"
    assert Partner.objects.count() == 1200
