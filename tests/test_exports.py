"""Excel exports of the lists: the workbook a person opens (Chinese headers, readable widths,
real dates), the same rows as the list for every role (filters, ordering, scope), phones masked
for those who may not see them, a fixed number of queries whatever the number of rows, and the
row limit."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from chains.models import ChainLeaderAppointment
from core.exports import CHUNK_SIZE, DATE_FORMAT, DATETIME_FORMAT, XLSX_MEDIA_TYPE
from partners.models import ContactPerson, EnterpriseRequest, FollowUp, Interaction, Partner
from tests.factories import (
    AppointmentFactory,
    CarrierFactory,
    ChainFactory,
    ContactFactory,
    EventFactory,
    IndustryFactory,
    PartnerFactory,
    ProjectFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
    sample_code,
)

pytestmark = pytest.mark.django_db

PARTNERS = "/api/v1/partners/export/"
PARTNER_HEADERS = [
    "统一社会信用代码",
    "名称",
    "简称",
    "单位性质",
    "状态",
    "产业",
    "产业链环节",
    "资质标签",
    "载体",
    "服务管家",
    "倍增计划目录企业",
    "加入发展伙伴计划日期",
    "主要联系人",
]
DIRECTORY_HEADERS = ["名称", "简称", "产业", "产业链环节", "载体", "资质标签"]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def sheet_of(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    data = b"".join(response.streaming_content)  # the test client closes it at the end
    return load_workbook(io.BytesIO(data)).active


def table(response) -> tuple[list, list[list]]:
    rows = [list(row) for row in sheet_of(response).iter_rows(values_only=True)]
    return rows[0], rows[1:]


def column(response, header: str) -> list:
    headers, rows = table(response)
    index = headers.index(header)
    return [row[index] for row in rows]


def phone_header() -> str:
    with translation.override("zh-hans"):
        return capfirst(gettext("primary contact's phone"))


@pytest.fixture
def leader_partner(db):
    return PartnerFactory(name="链长单位自己有限公司")


@pytest.fixture
def leader(leader_partner):
    return UserFactory(roles=[Role.CHAIN_LEADER], partner=leader_partner, is_staff=False)


# The workbook ---------------------------------------------------------------------------------


def test_partner_export_is_a_readable_workbook_with_chinese_headers(api):
    rail = IndustryFactory(name="轨道交通", position=1)
    ai = IndustryFactory(name="人工智能", position=2)
    segment = SegmentFactory(chain=ChainFactory(name="轨道交通产业链"), name="信号系统")
    steward = UserFactory(full_name="王管家")
    partner = PartnerFactory(
        uscc=sample_code(1),
        name="北京示例轨道交通科技有限公司",
        short_name="示例轨交",
        carrier=CarrierFactory(name="丽泽金融商务区"),
        steward=steward,
        in_doubling_catalogue=True,
        joined_on=dt.date(2024, 4, 23),
        industries=[rail, ai],
        tags=[TagFactory(name="专精特新")],
    )
    partner.segments.set([segment])
    ContactFactory(partner=partner, name="李联系", phone="13812345678", is_primary=True)
    ContactFactory(partner=partner, name="张次要", phone="13900000000")

    response = api.get(PARTNERS)

    assert response["Content-Type"] == XLSX_MEDIA_TYPE
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="partners-{today}.xlsx"'
    sheet = sheet_of(api.get(PARTNERS))
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*PARTNER_HEADERS, phone_header()]
    assert rows[1] == [
        sample_code(1),
        "北京示例轨道交通科技有限公司",
        "示例轨交",
        "民营企业",
        "正常",
        "轨道交通、人工智能",
        "轨道交通产业链 · 信号系统",
        "专精特新",
        "丽泽金融商务区",
        "王管家",
        "是",
        dt.datetime(2024, 4, 23),
        "李联系",
        "13812345678",
    ]
    assert sheet.title == "发展伙伴"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N2"
    assert sheet.column_dimensions["A"].width == 22
    assert sheet.column_dimensions["B"].width == 36
    header = sheet["A1"]
    assert header.font.b
    assert header.fill.fill_type == "solid"
    assert sheet["L2"].is_date
    assert sheet["L2"].number_format == DATE_FORMAT


def test_a_partner_without_references_has_empty_cells_and_lists_keep_their_order(api):
    PartnerFactory(name="A 无引用有限公司", carrier=None, steward=None, industries=[], tags=[])
    second = PartnerFactory(name="B 多环节有限公司", steward=UserFactory(full_name=""))
    late, early = ChainFactory(name="后链", position=2), ChainFactory(name="前链", position=1)
    second.segments.set(
        [
            SegmentFactory(chain=late, name="后链一环", position=1),
            SegmentFactory(chain=early, name="前链二环", position=2),
            SegmentFactory(chain=early, name="前链一环", position=1),
        ]
    )

    headers, rows = table(api.get(PARTNERS, {"ordering": "name"}))
    bare, several = (dict(zip(headers, row, strict=True)) for row in rows)

    for header in ("产业", "产业链环节", "资质标签", "载体", "服务管家", "主要联系人"):
        assert bare[header] is None, header
    assert several["产业链环节"] == "前链 · 前链一环、前链 · 前链二环、后链 · 后链一环"
    assert several["服务管家"] == second.steward.username  # no full name: the login name


def test_headers_and_values_follow_the_request_language(api):
    PartnerFactory(status=Partner.Status.SUSPENDED)
    headers, rows = table(api.get(PARTNERS, HTTP_ACCEPT_LANGUAGE="en"))
    assert headers[:5] == [
        "Unified social credit code",
        "Name",
        "Short name",
        "Organisation type",
        "Status",
    ]
    assert headers[-1] == "Primary contact's phone"
    assert rows[0][3:5] == ["Private enterprise", "Suspended"]
    assert rows[0][10] == "No"


def test_choice_labels_follow_each_requests_language(api):
    ProjectFactory(stage="negotiating")
    url = "/api/v1/projects/export/"
    stage = 3  # the column after code, name and kind

    english = table(api.get(url, HTTP_ACCEPT_LANGUAGE="en"))[1][0][stage]
    chinese = table(api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))[1][0][stage]

    assert english == "Negotiating"
    assert chinese == "洽谈中"


def test_times_are_local_excel_dates_and_long_lists_are_joined(api, staff_user):
    partner = PartnerFactory()
    contacts = [ContactFactory(partner=partner, name=name) for name in ("甲", "乙")]
    interaction = Interaction.objects.create(
        partner=partner,
        kind=Interaction.Kind.VISIT,
        occurred_at=dt.datetime(2024, 5, 6, 1, 30, tzinfo=dt.UTC),
        recorded_by=staff_user,
        summary="走访了解企业需求",
        next_follow_up_on=dt.date(2024, 6, 1),
    )
    interaction.contacts_met.set(contacts)
    interaction.staff_present.set([staff_user, UserFactory(full_name="赵同事")])

    sheet = sheet_of(api.get("/api/v1/interactions/export/"))

    assert sheet.title == "走访／联系记录"  # "/" cannot be in a sheet name
    assert sheet["A2"].value == dt.datetime(2024, 5, 6, 9, 30)  # Asia/Shanghai
    assert sheet["A2"].number_format == DATETIME_FORMAT
    assert sheet["C2"].value == "实地走访"
    assert set(sheet["E2"].value.split("、")) == {str(staff_user), "赵同事"}
    assert set(sheet["F2"].value.split("、")) == {"甲", "乙"}
    assert sheet["I2"].value == dt.datetime(2024, 6, 1)


def test_text_that_looks_like_a_formula_stays_text_and_control_characters_are_dropped(api):
    PartnerFactory(name='=HYPERLINK("http://evil.invalid","点击")', short_name="简\x0b称")
    sheet = sheet_of(api.get(PARTNERS))
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == '=HYPERLINK("http://evil.invalid","点击")'
    assert sheet["C2"].value == "简称"


def test_a_client_that_accepts_only_the_workbook_gets_it_and_errors_come_as_json(api):
    PartnerFactory()
    assert api.get(PARTNERS, HTTP_ACCEPT=XLSX_MEDIA_TYPE).status_code == 200
    refused = api.get(PARTNERS, {"ordering": "steward__password"}, HTTP_ACCEPT=XLSX_MEDIA_TYPE)
    assert refused.status_code == 400
    assert refused.json()["fields"]["ordering"][0]["code"] == "invalid_ordering"


def test_signed_out_gets_401():
    assert APIClient().get(PARTNERS).status_code == 401


# The same rows as the list ---------------------------------------------------------------------


def list_names(client, url, **params) -> list[str]:
    response = client.get(url, {"page_size": 100, **params})
    assert response.status_code == 200, response.content[:300]
    return [row["name"] for row in response.json()["results"]]


def test_partner_export_has_the_lists_filters_ordering_and_archive_switch(api):
    PartnerFactory(name="北京京东世纪贸易有限公司", status=Partner.Status.ACTIVE)
    PartnerFactory(name="交控科技股份有限公司", status=Partner.Status.WITHDRAWN)
    PartnerFactory(name="中国通号有限公司", status=Partner.Status.ACTIVE)
    PartnerFactory(name="已归档有限公司", archived_at=timezone.now())

    def exported(**params) -> list[str]:
        return column(api.get(PARTNERS, params), "名称")

    assert exported() == list_names(api, "/api/v1/partners/")
    assert set(exported()) == {
        "中国通号有限公司",
        "交控科技股份有限公司",
        "北京京东世纪贸易有限公司",
    }
    assert exported(status="withdrawn") == ["交控科技股份有限公司"]
    assert exported(q="京东") == ["北京京东世纪贸易有限公司"]
    assert exported(status="active", ordering="-name") == list_names(
        api, "/api/v1/partners/", status="active", ordering="-name"
    )
    assert exported(archived="true") == ["已归档有限公司"]


def test_bad_filters_are_refused_as_in_the_list(api):
    bad_archived = api.get(PARTNERS, {"archived": "maybe"})
    assert bad_archived.status_code == 400
    assert bad_archived.json()["fields"]["archived"][0]["code"] == "invalid_choice"
    assert api.get(PARTNERS, {"status": "bogus"}).status_code == 400


def test_project_export_filters_and_formats_amounts(api):
    event = EventFactory(name="2024年倍增追赶合作发展丰台大会")
    ProjectFactory(code="P-001", name="丽泽数据中心", planned_investment="12.50", signed_at=event)
    ProjectFactory(code="P-002", name="园博园文旅", kind="urban_renewal")

    headers, rows = table(api.get("/api/v1/projects/export/", {"kind": "industrial"}))

    assert headers[:4] == ["项目编号", "名称", "类型", "阶段"]
    assert [row[0] for row in rows] == ["P-001"]
    sheet = sheet_of(api.get("/api/v1/projects/export/", {"q": "丽泽"}))
    assert sheet["F2"].value == 12.5
    assert sheet["F2"].number_format == "#,##0.00"
    assert sheet["K2"].value == "2024年倍增追赶合作发展丰台大会"


def test_engagement_exports_filter_like_their_lists(api, staff_user):
    partner, other = PartnerFactory(name="A 公司"), PartnerFactory(name="B 公司")
    FollowUp.objects.create(partner=partner, owner=staff_user, due_on="2030-01-02", action="回访")
    FollowUp.objects.create(partner=other, owner=staff_user, due_on="2030-01-01", action="送材料")
    for target, status in ((partner, "received"), (other, "in_progress")):
        EnterpriseRequest.objects.create(
            partner=target,
            raised_by=staff_user,
            category="space",
            description=f"{target.name}需要场地",
            received_on="2030-01-01",
            deadline="2030-01-10",
            status=status,
        )

    follow_ups = api.get("/api/v1/follow-ups/export/")
    assert column(follow_ups, "待办事项") == ["送材料", "回访"]  # the list's order: due date
    filtered = api.get("/api/v1/follow-ups/export/", {"partner": partner.pk})
    assert column(filtered, "待办事项") == ["回访"]
    requests = api.get("/api/v1/requests/export/", {"status": "in_progress"})
    assert column(requests, "发展伙伴") == ["B 公司"]


# Roles ------------------------------------------------------------------------------------------


def test_chain_leader_exports_the_directory_columns_only(leader, leader_partner):
    secret = PartnerFactory(name="别家有限公司", uscc=sample_code(7), notes="内部备注")
    ContactFactory(partner=secret, phone="13811112222", is_primary=True)
    ContactFactory(partner=leader_partner, phone="13833334444", is_primary=True)
    client = client_for(leader)

    response = client.get(PARTNERS, {"status": "withdrawn"})  # not a directory filter: ignored
    headers, rows = table(response)

    assert headers == DIRECTORY_HEADERS
    assert [row[0] for row in rows] == list_names(client, "/api/v1/partners/")
    cells = {str(value) for row in rows for value in row}
    assert not cells & {sample_code(7), "13811112222", "138****2222", "13833334444"}


def test_chain_leader_exports_only_its_own_chains_and_requests(leader, leader_partner):
    own_chain, other_chain = ChainFactory(name="自己的链"), ChainFactory(name="别人的链")
    ChainLeaderAppointment.objects.create(partner=leader_partner, chain=own_chain, year=2024)
    AppointmentFactory(chain=own_chain, partner=PartnerFactory(name="同链伙伴"), year=2024)
    AppointmentFactory(chain=other_chain, partner=PartnerFactory(name="别链伙伴"), year=2024)
    raiser = UserFactory()
    for partner in (leader_partner, PartnerFactory(name="别家有限公司")):
        EnterpriseRequest.objects.create(
            partner=partner,
            raised_by=raiser,
            category="policy",
            description="政策咨询",
            received_on="2030-01-01",
            deadline="2030-01-10",
        )
    client = client_for(leader)

    roster = client.get("/api/v1/appointments/export/")
    assert sorted(column(roster, "发展伙伴")) == ["同链伙伴", "链长单位自己有限公司"]
    assert column(client.get("/api/v1/requests/export/"), "发展伙伴") == ["链长单位自己有限公司"]
    for url in ("/api/v1/projects/export/", "/api/v1/interactions/export/"):
        assert client.get(url).status_code == 403
    assert client.get("/api/v1/follow-ups/export/").status_code == 403


@pytest.mark.parametrize(
    ("role", "stewarded", "other"),
    [
        (Role.ADMINISTRATOR, "13812345678", "13987654321"),
        (Role.MANAGER, "13812345678", "13987654321"),
        (Role.STAFF, "13812345678", "139****4321"),
        (Role.AUDITOR, "138****5678", "139****4321"),
    ],
)
def test_phones_are_masked_for_those_who_may_not_see_them(role, stewarded, other):
    steward = UserFactory(roles=[Role.STAFF])
    user = steward if role == Role.STAFF else UserFactory(roles=[role])
    mine = PartnerFactory(name="A 管家服务的公司", steward=steward)
    theirs = PartnerFactory(name="B 别人服务的公司")
    ContactFactory(partner=mine, phone="13812345678", is_primary=True)
    ContactFactory(partner=theirs, phone="13987654321", is_primary=True)

    phones = column(client_for(user).get(PARTNERS), phone_header())

    assert phones == [stewarded, other]


def test_an_auditor_bound_to_a_partner_sees_that_partners_phone_only(leader_partner):
    """Those who read every partner but may not see every phone are asked partner by partner:
    an auditor bound to a partner sees that partner's phone in full."""
    auditor = UserFactory(roles=[Role.AUDITOR], partner=leader_partner)
    ContactFactory(partner=leader_partner, phone="13812345678", is_primary=True)
    other = PartnerFactory(name="A 别家有限公司")
    ContactFactory(partner=other, phone="13987654321", is_primary=True)

    phones = column(client_for(auditor).get(PARTNERS, {"ordering": "name"}), phone_header())

    assert phones == ["139****4321", "13812345678"]


@pytest.mark.parametrize("role", list(Role))
def test_who_sees_every_phone_sees_each_partners(role):
    """The export asks ``view_all_contact_phones`` once instead of ``view_contact_phone`` per
    partner: the first must imply the second, for every role."""
    user = UserFactory(roles=[role], partner=PartnerFactory())
    sees_all = user.has_perm("partners.view_all_contact_phones")
    assert sees_all == (role in (Role.ADMINISTRATOR, Role.MANAGER))
    for partner in (PartnerFactory(), PartnerFactory(steward=UserFactory()), user.partner):
        assert user.has_perm("partners.view_contact_phone", partner) >= sees_all


# Size -------------------------------------------------------------------------------------------


def _partners(n: int) -> None:
    industry, tag, segment = IndustryFactory(), TagFactory(), SegmentFactory()
    steward = UserFactory()
    for _ in range(n):
        partner = PartnerFactory(
            industries=[industry], tags=[tag], steward=steward, carrier=CarrierFactory()
        )
        partner.segments.set([segment])
        ContactFactory(partner=partner, is_primary=True)


def _projects(n: int) -> None:
    industry, owner, event = IndustryFactory(), UserFactory(), EventFactory()
    for _ in range(n):
        ProjectFactory(owner=owner, promoted_at=event).industries.set([industry])


def _appointments(n: int) -> None:
    chain = ChainFactory()
    for year in range(2000, 2000 + n):
        AppointmentFactory(chain=chain, year=year)


def _interactions(n: int) -> None:
    recorder = UserFactory()
    for _ in range(n):
        partner = PartnerFactory()
        interaction = Interaction.objects.create(
            partner=partner,
            kind="call",
            occurred_at=timezone.now(),
            recorded_by=recorder,
            summary="电话沟通",
        )
        interaction.staff_present.set([recorder, UserFactory()])
        interaction.contacts_met.set([ContactFactory(partner=partner)])


def _follow_ups(n: int) -> None:
    owner = UserFactory()
    for _ in range(n):
        FollowUp.objects.create(
            partner=PartnerFactory(), owner=owner, due_on="2030-01-01", action="回访"
        )


def _requests(n: int) -> None:
    for _ in range(n):
        EnterpriseRequest.objects.create(
            partner=PartnerFactory(),
            raised_by=UserFactory(),
            owner=UserFactory(),
            category="policy",
            description="政策咨询",
            received_on="2030-01-01",
            deadline="2030-01-10",
        )


BUILDERS = {
    "partners": _partners,
    "projects": _projects,
    "appointments": _appointments,
    "interactions": _interactions,
    "follow-ups": _follow_ups,
    "requests": _requests,
}


def _count_queries(user, url) -> tuple[int, int]:
    """Queries of one export by a freshly loaded user (its roles not yet cached)."""
    client = client_for(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as context:
        rows = len(table(client.get(url))[1])
    return len(context.captured_queries), rows


@pytest.mark.parametrize("prefix", BUILDERS)
@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF])
def test_an_export_runs_as_many_queries_for_50_rows_as_for_5(prefix, role):
    user = UserFactory(roles=[role])
    url = f"/api/v1/{prefix}/export/"
    BUILDERS[prefix](5)
    small, rows = _count_queries(user, url)
    assert rows >= 5
    BUILDERS[prefix](45)
    large, rows = _count_queries(user, url)
    assert rows >= 50
    assert small == large, (prefix, small, large)


def test_an_export_over_the_row_limit_is_refused(api, settings):
    settings.EXPORT_MAX_ROWS = 2
    PartnerFactory.create_batch(2)
    assert api.get(PARTNERS).status_code == 200
    PartnerFactory()

    refused = api.get(PARTNERS)

    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "export_too_large"
    assert (body["rows"], body["max_rows"]) == (3, 2)
    assert "3" in body["message"]
    assert api.get(PARTNERS, {"status": "withdrawn"}).status_code == 200  # narrowed: allowed


def test_twenty_thousand_partners_export_in_chunks(api):
    count = 20_000
    Partner.objects.bulk_create(
        Partner(
            uscc=sample_code(n),
            name=f"批量伙伴有限公司 {n:05d}",
            organisation_type=Partner.OrganisationType.PRIVATE,
            joined_on=dt.date(2024, 1, 1),
        )
        for n in range(count)
    )
    partners = Partner.objects.order_by("name")
    ContactPerson.objects.bulk_create(
        ContactPerson(partner=partner, name="联系人", phone="13800000000", is_primary=True)
        for partner in partners[:: count // 10]
    )

    with CaptureQueriesContext(connection) as context:
        response = api.get(PARTNERS)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    names = [row[1] for row in sheet.active.iter_rows(min_row=2, values_only=True)]

    assert len(names) == count
    assert names[0] == "批量伙伴有限公司 00000"
    assert names[-1] == f"批量伙伴有限公司 {count - 1:05d}"
    chunks = count // CHUNK_SIZE
    assert len(context.captured_queries) < 10 + 6 * chunks  # per chunk, never per row
