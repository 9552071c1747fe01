"""The import pages: upload, preview, confirm and progress through the same services and with
the same permissions as the API; refused files and services' errors shown; constant queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from chains.importers import AppointmentImporter
from core.imports import services
from core.imports.models import ImportBatch, ImportStatus
from partners.models import Partner
from tests.factories import UserFactory, sample_code
from tests.test_imports_partners import row, workbook
from tests.web.conftest import page_queries, signed_in

pytestmark = pytest.mark.django_db


def xlsx(content: bytes, name: str = "partners.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def upload_page(client, content: bytes, kind: str = "partners", name: str = "partners.xlsx"):
    return client.post("/imports/", {"kind": kind, "file": xlsx(content, name)})


def batch_by_service(user, rows, name="partners.xlsx") -> ImportBatch:
    return services.import_upload(
        kind="partners", file_name=name, content=workbook(rows), actor=user
    )


def test_upload_preview_confirm_creates_the_partners(manager_client):
    content = workbook([row(1, contact="张三", phone="13800138000"), row(2), row(3, phone="1380")])
    response = upload_page(manager_client, content)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{batch.pk}/"

    page = manager_client.get(f"/imports/{batch.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="previewed"' in html
    assert 'id="count-create">2<' in html
    assert 'id="count-update">0<' in html
    assert 'id="count-rejected">1<' in html
    assert "不是有效的电话号码" in html  # row 5's reason, in the user's language
    assert f'href="/api/v1/imports/{batch.pk}/rejected/"' in html
    assert f'action="/imports/{batch.pk}/confirm/"' in html
    assert 'hx-trigger="every 2s"' not in html  # nothing is running
    assert not Partner.objects.exists()  # the preview saves nothing

    confirmed = manager_client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    html = confirmed.content.decode()
    assert confirmed.redirect_chain == [(f"/imports/{batch.pk}/", 302)]
    assert 'data-status="done"' in html
    assert 'class="message success"' in html
    assert f'action="/imports/{batch.pk}/confirm/"' not in html
    assert set(Partner.objects.values_list("uscc", flat=True)) == {
        sample_code(90001),
        sample_code(90002),
    }

    listing = manager_client.get("/imports/").content.decode()
    assert f'href="/imports/{batch.pk}/"' in listing
    assert 'data-status="done"' in listing
    assert 'href="/api/v1/imports/templates/partners/"' in listing


def test_confirming_twice_shows_the_services_message_and_imports_once(manager_client, manager):
    batch = batch_by_service(manager, [row(1)])
    manager_client.post(f"/imports/{batch.pk}/confirm/")
    again = manager_client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert 'class="message error"' in again.content.decode()
    assert Partner.objects.count() == 1


def test_a_file_that_is_not_a_table_shows_the_error_and_creates_nothing(manager_client):
    response = upload_page(manager_client, b"%PDF-1.7 not a spreadsheet at all", name="x.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FILE_REJECTED
    page = manager_client.get(response["Location"])
    html = page.content.decode()
    assert 'id="file-error"' in html
    assert "不是 Excel 工作簿" in html
    assert "/confirm/" not in html
    assert not Partner.objects.exists()


def test_a_sheet_without_the_expected_header_is_refused(manager_client):
    content = workbook([["x", "y"]], headers=["甲", "乙"], title=None)
    response = upload_page(manager_client, content)
    html = manager_client.get(response["Location"]).content.decode()
    assert "企业名称" in html  # the message names the missing column
    assert not Partner.objects.exists()


def test_too_large_or_empty_files_are_refused_on_the_form_and_nothing_is_kept(
    manager_client, settings
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    response = upload_page(manager_client, workbook([row(1)]))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert "MB" in response.content.decode()
    empty = upload_page(manager_client, b"")
    assert empty.status_code == 400
    assert 'role="alert"' in empty.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Partner.objects.exists()


def test_an_unknown_kind_is_a_form_error(manager_client):
    response = upload_page(manager_client, workbook([row(1)]), kind="aliens")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_large_batch_shows_its_progress_and_polls_until_done(manager_client, manager, settings):
    settings.IMPORT_INLINE_ROWS = 0  # the confirmed import goes to the Celery worker
    batch = batch_by_service(manager, [row(1), row(2)])
    response = manager_client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    html = response.content.decode()
    assert 'data-status="importing"' in html
    assert f'hx-get="/imports/{batch.pk}/status/"' in html
    assert 'hx-trigger="every 2s"' in html
    assert f'href="/imports/{batch.pk}/"' in html  # refresh without JavaScript

    fragment = manager_client.get(f"/imports/{batch.pk}/status/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'hx-trigger="every 2s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    services.import_run(batch.pk)  # what the worker does
    finished = manager_client.get(f"/imports/{batch.pk}/status/", HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"  # htmx reloads the page with the result
    page = manager_client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'data-status="done"' in page
    assert 'hx-trigger="every 2s"' not in page
    assert Partner.objects.count() == 2


def test_a_large_file_is_checked_in_the_background_then_offered_for_confirmation(
    manager_client, settings
):
    settings.IMPORT_INLINE_BYTES = 0  # the check goes to the Celery worker
    response = upload_page(manager_client, workbook([row(1)]))
    batch = ImportBatch.objects.get()
    page = manager_client.get(response["Location"]).content.decode()
    assert 'data-status="uploaded"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "/confirm/" not in page

    services.import_preview(batch.pk)  # what the worker does
    finished = manager_client.get(f"/imports/{batch.pk}/status/", HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"
    page = manager_client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="count-create">1<' in page
    assert f'action="/imports/{batch.pk}/confirm/"' in page


def test_a_staff_member_imports_partners_and_sees_only_its_own_batches(staff_client, staff_user):
    other = UserFactory(username="staff-other", roles=[Role.STAFF])
    theirs = batch_by_service(other, [row(9)], name="theirs.xlsx")
    response = upload_page(staff_client, workbook([row(1)]))
    mine = ImportBatch.objects.get(uploaded_by=staff_user)
    assert response["Location"] == f"/imports/{mine.pk}/"
    listing = staff_client.get("/imports/").content.decode()
    assert "partners.xlsx" in listing
    assert "theirs.xlsx" not in listing
    # another's batch is not found, as in the API
    assert staff_client.get(f"/imports/{theirs.pk}/").status_code == 404
    assert staff_client.get(f"/imports/{theirs.pk}/status/").status_code == 404
    assert staff_client.post(f"/imports/{theirs.pk}/confirm/").status_code == 404
    assert ImportBatch.objects.get(pk=theirs.pk).status == ImportStatus.PREVIEWED


def test_a_staff_member_may_not_import_the_roster(staff_client):
    assert AppointmentImporter.kind not in staff_client.get("/imports/").content.decode()
    response = upload_page(staff_client, workbook([row(1)]), kind=AppointmentImporter.kind)
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_an_auditor_sees_every_batch_but_neither_uploads_nor_confirms(auditor_client, manager):
    batch = batch_by_service(manager, [row(1)])
    listing = auditor_client.get("/imports/")
    assert listing.status_code == 200
    assert f'href="/imports/{batch.pk}/"' in listing.content.decode()
    assert 'enctype="multipart/form-data"' not in listing.content.decode()
    page = auditor_client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="count-create">1<' in page
    assert "/confirm/" not in page
    assert upload_page(auditor_client, workbook([row(2)])).status_code == 403
    assert auditor_client.post(f"/imports/{batch.pk}/confirm/").status_code == 403
    assert ImportBatch.objects.count() == 1
    assert not Partner.objects.exists()


def test_a_chain_leader_may_not_open_the_imports(leader_client, manager):
    batch = batch_by_service(manager, [row(1)])
    for url in ("/imports/", f"/imports/{batch.pk}/", f"/imports/{batch.pk}/status/"):
        assert leader_client.get(url).status_code == 403
    assert upload_page(leader_client, workbook([row(2)])).status_code == 403
    assert leader_client.post(f"/imports/{batch.pk}/confirm/").status_code == 403
    assert ImportBatch.objects.get().status == ImportStatus.PREVIEWED


def test_anonymous_visitors_are_sent_to_the_login_page(client, manager):
    batch = batch_by_service(manager, [row(1)])
    for url in ("/imports/", f"/imports/{batch.pk}/", f"/imports/{batch.pk}/status/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post(f"/imports/{batch.pk}/confirm/")
    assert response["Location"].startswith("/accounts/login/")
    assert ImportBatch.objects.get().status == ImportStatus.PREVIEWED


def test_confirm_only_by_post(manager_client, manager):
    batch = batch_by_service(manager, [row(1)])
    assert manager_client.get(f"/imports/{batch.pk}/confirm/").status_code == 405


def _batches(user, count: int, start: int) -> list[ImportBatch]:
    """``count`` batches, each with a good row and a rejected one (a note-worthy spread)."""
    return [
        batch_by_service(user, [row(start + n), row(start + 500 + n, phone="1")])
        for n in range(count)
    ]


@pytest.mark.parametrize("role_client", ["manager_client", "staff_client"])
def test_the_list_takes_a_constant_number_of_queries(request, role_client):
    client = request.getfixturevalue(role_client)
    user = request.getfixturevalue("manager" if role_client == "manager_client" else "staff_user")
    _batches(user, 1, 0)
    _, small = page_queries(client, "/imports/")
    _batches(user, 6, 100)
    response, large = page_queries(client, "/imports/")
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="batch-') == 7
    assert small == large, (small, large)


def test_the_detail_and_status_take_a_constant_number_of_queries(manager_client, manager):
    small = batch_by_service(manager, [row(1), row(2, phone="1")])
    large = batch_by_service(
        manager,
        [row(n) for n in range(10, 40)] + [row(n, phone="1") for n in range(40, 120)],
    )
    for url in ("/imports/{}/", "/imports/{}/status/"):
        _, few = page_queries(manager_client, url.format(small.pk))
        response, many = page_queries(manager_client, url.format(large.pk))
        assert response.status_code == 200
        assert few == many, (url, few, many)
    page = manager_client.get(f"/imports/{large.pk}/").content.decode()
    assert 'id="count-create">30<' in page
    assert 'id="count-rejected">80<' in page
    assert page.count('<td class="number">') == 50  # the first 50 rejected rows


def test_another_manager_confirms_a_staff_members_batch(staff_user, manager):
    batch = batch_by_service(staff_user, [row(1)])
    response = signed_in(manager).post(f"/imports/{batch.pk}/confirm/")
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.DONE
    assert Partner.objects.count() == 1


def test_template_links_download_the_kinds_workbook(manager_client):
    response = manager_client.get("/api/v1/imports/templates/partners/")
    assert response.status_code == 200
    assert response.content[:4] == b"PK\x03\x04"
