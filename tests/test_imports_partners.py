"""Importing the partner list: preview, confirm, row errors in Chinese, no partial saves, the
same file twice, rejected rows to fix, templates, and the audit trail."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from accounts.roles import Role
from core.imports.models import ImportBatch
from partners.models import ContactPerson, Partner
from tests.factories import IndustryFactory, PartnerFactory, UserFactory, sample_code

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "企业类型",
    "加入日期",
    "所属行业",
    "联系人",
    "联系电话",
]


def workbook(rows, headers=HEADERS, title="2024年丰台区发展伙伴名单") -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(
    n, name=None, code=None, kind="民营企业", joined="2024-03-29", industry="", contact="", phone=""
):
    return [
        n,
        name or f"导入测试企业{n}有限公司",
        code or sample_code(90000 + n),
        kind,
        joined,
        industry,
        contact,
        phone,
    ]


def upload(client, content, name="partners.xlsx", kind="partners"):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/api/v1/imports/", {"kind": kind, "file": file}, format="multipart")


@pytest.fixture
def industry(db):
    return IndustryFactory(name="新一代信息技术")


def test_preview_counts_then_confirm_creates_partners_with_contacts(api, manager, industry):
    content = workbook(
        [row(1, industry="新一代信息技术", contact="张三", phone="13800138000"), row(2)]
    )
    preview = upload(api, content)
    assert preview.status_code == 201, preview.json()
    body = preview.json()
    assert (body["status"], body["created_count"], body["rejected_count"]) == ("previewed", 2, 0)
    assert not Partner.objects.exists()  # the preview writes nothing
    done = api.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert done.status_code == 200
    assert done.json()["status"] == "done", done.json()["file_error"]
    first = Partner.objects.get(uscc=sample_code(90001))
    assert list(first.industries.values_list("name", flat=True)) == ["新一代信息技术"]
    assert "daoruceshiqiye" in first.search_key  # found by pinyin search
    contact = ContactPerson.objects.get(partner=first)
    assert (contact.name, contact.phone, contact.is_primary) == ("张三", "13800138000", True)
    assert first.contacts_search_key == contact.search_key  # the list's search finds 张三 there
    assert Partner.objects.count() == 2


def test_row_errors_name_row_column_and_reason_in_chinese(api, industry):
    bad_code = sample_code(90003)[:17] + ("0" if sample_code(90003)[17] != "0" else "1")
    content = workbook(
        [
            row(1, code=bad_code),
            row(2, industry="新一代信息技朮"),
            row(3, phone="1380013"),
            row(4, joined="2024-13-45"),
            row(5),
            row(6, code=sample_code(90005)),  # repeats row 5's code
        ]
    )
    body = upload(api, content).json()
    assert (body["created_count"], body["rejected_count"]) == (1, 5)
    errors = {(e["row"], e["column"]): e["message"] for e in body["row_errors"]}
    assert f"应为“{sample_code(90003)[17]}”" in errors[(3, "统一社会信用代码")]
    assert "您是不是要找“新一代信息技术”" in errors[(4, "所属行业")]
    assert "不是有效的电话号码" in errors[(5, "联系人电话")]
    assert "不是日期" in errors[(6, "加入日期")]
    assert "与本文件第 7 行重复" in errors[(8, "")]


def test_confirming_imports_the_accepted_rows_and_rejected_rows_download_with_reasons(api):
    body = upload(api, workbook([row(1), row(2, kind="外星企业")])).json()
    api.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert Partner.objects.count() == 1
    response = api.get(f"/api/v1/imports/{body['id']}/rejected/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][: len(HEADERS)] == tuple(HEADERS)
    assert rows[0][-2:] == ("行号", "原因")
    assert rows[1][1] == "导入测试企业2有限公司"
    assert "未知的单位性质“外星企业”" in rows[1][-1]


def test_the_same_file_twice_changes_nothing_the_second_time(api):
    content = workbook([row(1, contact="李四", phone="13900139000"), row(2)])
    first = upload(api, content).json()
    api.post(f"/api/v1/imports/{first['id']}/confirm/")
    history = Partner.history.count()
    again = upload(api, content).json()
    assert (again["created_count"], again["updated_count"], again["unchanged_count"]) == (0, 0, 2)
    api.post(f"/api/v1/imports/{again['id']}/confirm/")
    assert Partner.history.count() == history
    assert Partner.objects.count() == 2
    assert ContactPerson.objects.count() == 1


def test_a_row_without_code_updates_the_partner_of_the_same_name_and_says_so(api):
    partner = PartnerFactory(name="北京示例科技有限公司", address="")
    content = workbook([["1", "北京示例科技有限公司", "", "", "", "", "王五", "010-63812345"]])
    body = upload(api, content).json()
    assert body["updated_count"] == 1
    assert body["row_notes"] == [{"row": 3, "message": "未填写信用代码，已按名称匹配到同名伙伴。"}]
    api.post(f"/api/v1/imports/{body['id']}/confirm/")
    partner.refresh_from_db()
    assert partner.version == 1  # only a contact person was added
    assert partner.contacts.get().phone == "010-63812345"
    assert " wangwu " in partner.contacts_search_key  # the list's search finds 王五 there


def test_a_contact_imported_for_a_partner_with_contacts_adds_its_key_to_theirs(api):
    partner = PartnerFactory(name="北京示例科技有限公司")
    kept = ContactPerson.objects.create(partner=partner, name="李四")
    content = workbook([["1", "北京示例科技有限公司", "", "", "", "", "王五", "010-63812345"]])
    body = upload(api, content).json()
    api.post(f"/api/v1/imports/{body['id']}/confirm/")
    added = partner.contacts.get(name="王五")
    assert Partner.objects.get(pk=partner.pk).contacts_search_key == (
        kept.search_key + added.search_key
    )


def test_a_new_partner_without_a_code_is_rejected(api):
    body = upload(
        api, workbook([["1", "无代码新企业", "", "民营企业", "2024-03-29", "", "", ""]])
    ).json()
    assert body["row_errors"][0]["message"] == "新增伙伴需要统一社会信用代码。"


def test_imports_are_all_or_nothing(api, monkeypatch):
    from django.db import IntegrityError

    from partners.importers import partners as importers

    body = upload(api, workbook([row(1), row(2)])).json()

    def explode(self):
        raise IntegrityError("boom")

    monkeypatch.setattr(importers.PartnerWriter, "_save_contacts", explode)
    result = api.post(f"/api/v1/imports/{body['id']}/confirm/").json()
    assert result["status"] == "failed"
    assert not Partner.objects.exists()


def test_data_changed_since_the_preview_imports_nothing(api):
    body = upload(api, workbook([row(1), row(2)])).json()
    PartnerFactory(name="导入测试企业2有限公司", uscc=sample_code(12345))  # now a namesake clash
    result = api.post(f"/api/v1/imports/{body['id']}/confirm/").json()
    assert (result["status"], result["file_error_code"]) == ("failed", "changed_since_preview")
    assert Partner.objects.count() == 1


def test_a_batch_is_confirmed_once(api):
    body = upload(api, workbook([row(1)])).json()
    assert api.post(f"/api/v1/imports/{body['id']}/confirm/").status_code == 200
    second = api.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert second.status_code == 409
    assert second.json()["code"] == "import_not_waiting"


def test_the_import_is_in_the_audit_trail_with_who_and_source(api, manager):
    body = upload(api, workbook([row(1)])).json()
    api.post(f"/api/v1/imports/{body['id']}/confirm/")
    record = Partner.history.get()
    assert (record.history_user, record.history_source) == (manager, "import")
    assert record.history_change_reason == f"导入 #{body['id']}"
    batch = ImportBatch.objects.get()
    assert (batch.uploaded_by, batch.confirmed_by) == (manager, manager)
    assert batch.history.filter(history_type="~").exists()
    trail = api.get("/api/v1/audit/", {"model": "core.importbatch"}).json()["results"]
    assert {entry["user"]["username"] for entry in trail} == {manager.username}
    assert any(c["field"] == "confirmed_by" for entry in trail for c in entry["changes"])


def test_csv_in_gb18030_and_utf8(api):
    lines = [
        "企业名称,统一社会信用代码,企业类型,加入日期",
        f"CSV企业,{sample_code(90100)},民营企业,2024/3/29",
    ]
    text = "\r\n".join(lines)
    for encoding, name in (("gb18030", "list.csv"), ("utf-8-sig", "list2.csv")):
        body = upload(api, text.encode(encoding), name=name).json()
        assert body["created_count"] == 1, (encoding, body)


def test_a_staff_member_sees_only_its_own_batches_and_a_chain_leader_cannot_import(client):
    staff = UserFactory(roles=[Role.STAFF])
    other = UserFactory(roles=[Role.STAFF])
    client.force_login(other)
    mine = upload(client, workbook([row(1)])).json()
    client.force_login(staff)
    assert client.get(f"/api/v1/imports/{mine['id']}/").status_code == 404
    assert client.get("/api/v1/imports/").json()["count"] == 0
    leader = UserFactory(roles=[Role.CHAIN_LEADER], partner=PartnerFactory())
    client.force_login(leader)
    assert upload(client, workbook([row(2)])).status_code == 403


def test_the_template_has_chinese_headers_and_instructions(api):
    response = api.get("/api/v1/imports/templates/partners/")
    book = load_workbook(io.BytesIO(response.content))
    headers = next(book.worksheets[0].values)
    assert headers[:2] == ("企业名称 *", "统一社会信用代码")
    assert book.sheetnames[1] == "填写说明"
    body = upload(api, response.content, name="template.xlsx").json()
    assert body["file_error_code"] == "no_rows"
    assert api.get("/api/v1/imports/templates/unknown/").status_code == 404


def test_an_update_changes_only_filled_cells_and_records_the_industries(api, industry):
    partner = PartnerFactory(uscc=sample_code(90001), address="丰台区原地址", short_name="原简称")
    headers = ["企业名称", "统一社会信用代码", "企业简称", "地址", "所属行业"]
    content = workbook(
        [[partner.name, partner.uscc, "", "丰台区新地址", "新一代信息技术"]], headers
    )
    body = upload(api, content).json()
    assert body["updated_count"] == 1
    api.post(f"/api/v1/imports/{body['id']}/confirm/")
    partner.refresh_from_db()
    assert (partner.address, partner.short_name, partner.version) == ("丰台区新地址", "原简称", 2)
    record = partner.history.latest()
    assert list(record.industries.values_list("industry_id", flat=True)) == [industry.pk]
    audit = api.get("/api/v1/audit/", {"object": f"partners.partner:{partner.pk}"}).json()
    changed = {c["field"] for c in audit["results"][0]["changes"]}
    assert changed == {"address", "industries"}


def test_the_batch_list_runs_the_same_queries_for_5_and_50_batches(api, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for _ in range(n):
            ImportBatch.objects.create(
                kind="partners",
                file_name="x.xlsx",
                content=b"x",
                size=1,
                sha256="0",
                language="zh-hans",
                uploaded_by=manager,
                total_rows=1,
            )

    api.get("/api/v1/imports/")  # the user's groups are read once and cached
    counts = []
    for total in (5, 50):
        ImportBatch.objects.all().delete()
        make(total)
        with CaptureQueriesContext(connection) as context:
            assert api.get("/api/v1/imports/", {"page_size": 50}).json()["count"] == total
        counts.append(len(context))
    assert counts[0] == counts[1]


def test_an_industry_whose_name_has_a_slash_imports_whole_and_slashes_still_separate(api, industry):
    logistics = IndustryFactory(name="供应链/商贸物流")
    content = workbook(
        [row(1, industry="供应链/商贸物流"), row(2, industry="新一代信息技术/供应链/商贸物流")]
    )
    body = upload(api, content).json()
    assert (body["created_count"], body["rejected_count"]) == (1, 1), body["row_errors"]
    api.post(f"/api/v1/imports/{body['id']}/confirm/")
    first = Partner.objects.get(uscc=sample_code(90001))
    assert list(first.industries.all()) == [logistics]
    both = workbook([row(3, industry="新一代信息技术、供应链/商贸物流")])
    assert upload(api, both).json()["rejected_count"] == 0
