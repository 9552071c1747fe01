"""Importing the chain-leader roster, work camp members, major projects and contact records:
each through its app's services, with row errors, unchanged rows on a second import and the
import's audit entries."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from chains.models import ChainLeaderAppointment, WorkCamp, WorkCampMembership
from partners.models import FollowUp, Interaction, Partner
from projects.models import Project
from tests.factories import ChainFactory, IndustryFactory, PartnerFactory, UserFactory
from tests.test_imports_partners import upload, workbook

pytestmark = pytest.mark.django_db


def preview_and_confirm(client, headers, rows, kind):
    body = upload(client, workbook(rows, headers), kind=kind).json()
    assert body["status"] == "previewed", body
    confirmed = client.post(f"/api/v1/imports/{body['id']}/confirm/").json()
    assert confirmed["status"] == "done", confirmed
    return body, confirmed


def errors_of(body) -> dict:
    return {(e["row"], e["column"]): e["message"] for e in body["row_errors"]}


ROSTER = ["年度", "产业链", "链长单位", "备注"]


def test_the_roster_is_imported_and_a_second_import_changes_nothing(api, manager):
    chain = ChainFactory(name="轨道交通产业链")
    leader = PartnerFactory(name="交控科技股份有限公司")
    rows = [[2025, "轨道交通产业链", "交控科技股份有限公司", "连任"]]
    body, _done = preview_and_confirm(api, ROSTER, rows, "appointments")
    assert body["created_count"] == 1
    appointment = ChainLeaderAppointment.objects.get(partner=leader, chain=chain, year=2025)
    record = appointment.history.get()
    assert (record.history_user, record.history_source) == (manager, "import")
    again, _done = preview_and_confirm(api, ROSTER, rows, "appointments")
    assert (again["created_count"], again["unchanged_count"]) == (0, 1)


def test_roster_rows_with_unknown_or_withdrawn_partners_and_chains_are_rejected(api):
    ChainFactory(name="轨道交通产业链")
    PartnerFactory(name="交控科技股份有限公司")
    PartnerFactory(name="已退出企业有限公司", status=Partner.Status.WITHDRAWN)
    rows = [
        [2025, "轨道交通产业连", "交控科技股份有限公司", ""],
        [2025, "轨道交通产业链", "交控科技有限公司", ""],
        [2025, "轨道交通产业链", "已退出企业有限公司", ""],
        ["二〇二五", "轨道交通产业链", "交控科技股份有限公司", ""],
    ]
    body = upload(api, workbook(rows, ROSTER), kind="appointments").json()
    errors = errors_of(body)
    assert "您是不是要找“轨道交通产业链”" in errors[(3, "产业链")]
    assert "您是不是要找“交控科技股份有限公司”" in errors[(4, "伙伴名称")]
    assert "已退出发展伙伴计划" in errors[(5, "伙伴名称")]
    assert "不是年份" in errors[(6, "名单年度")]


def test_work_camp_members_with_roles(api):
    camp = WorkCamp.objects.create(
        name="轨道交通工作营", industry=IndustryFactory(), lead_department="区发改委"
    )
    first = PartnerFactory(name="甲企业有限公司")
    PartnerFactory(name="乙企业有限公司")
    headers = ["工作营", "成员单位", "角色", "加入日期"]
    rows = [
        ["轨道交通工作营", "甲企业有限公司", "链长", "2024-04-23"],
        ["轨道交通工作营", "乙企业有限公司", "", ""],
    ]
    preview_and_confirm(api, headers, rows, "work-camp-members")
    assert camp.memberships.get(partner=first).role == "chain_leader"
    rows[0][2] = "成员"
    body, _done = preview_and_confirm(api, headers, rows, "work-camp-members")
    assert (body["updated_count"], body["unchanged_count"]) == (1, 1)
    membership = WorkCampMembership.objects.get(partner=first)
    assert (membership.role, membership.joined_on) == ("member", dt.date(2024, 4, 23))


PROJECTS = ["项目编号", "项目名称", "项目类型", "计划投资（亿元）", "投资方", "负责人"]


def test_projects_are_created_at_the_lead_stage_and_updated_by_code(api):
    PartnerFactory(name="投资方有限公司")
    owner = UserFactory(username="zhangsan", roles=[Role.STAFF])
    rows = [["FT-2025-001", "丽泽数字经济项目", "产业项目", "12.5", "投资方有限公司", "zhangsan"]]
    preview_and_confirm(api, PROJECTS, rows, "projects")
    project = Project.objects.get(code="FT-2025-001")
    assert (project.stage, project.owner, str(project.planned_investment)) == (
        "lead",
        owner,
        "12.50",
    )
    assert project.stage_changes.count() == 1
    assert list(project.investors.values_list("name", flat=True)) == ["投资方有限公司"]
    rows[0][3] = "20"
    body, _done = preview_and_confirm(api, PROJECTS, rows, "projects")
    assert body["updated_count"] == 1
    project.refresh_from_db()
    assert (str(project.planned_investment), project.version) == ("20.00", 2)


def test_an_investor_whose_name_has_a_slash_is_found_and_slashes_still_separate(api):
    joint = PartnerFactory(name="中关村/丰台联合投资有限公司")
    PartnerFactory(name="投资方有限公司")
    rows = [
        ["FT-2025-002", "联合投资项目", "产业项目", "3", "中关村/丰台联合投资有限公司", ""],
        [
            "FT-2025-003",
            "两方投资项目",
            "产业项目",
            "4",
            "投资方有限公司/中关村/丰台联合投资有限公司",
        ],
    ]
    body = upload(api, workbook(rows, PROJECTS), kind="projects").json()
    assert (body["created_count"], body["rejected_count"]) == (1, 1), body["row_errors"]
    assert set(errors_of(body)) == {(4, "投资方")}
    api.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert list(Project.objects.get(code="FT-2025-002").investors.all()) == [joint]


def test_a_staff_member_cannot_update_someone_elses_project_by_import(client):
    other = UserFactory(roles=[Role.STAFF])
    Project.objects.create(code="FT-1", name="别人的项目", kind="other", owner=other)
    staff = UserFactory(roles=[Role.STAFF])
    client.force_login(staff)
    rows = [["FT-1", "改名", "其他", "", "", ""]]
    body = upload(client, workbook(rows, PROJECTS), kind="projects").json()
    assert errors_of(body)[(3, "项目编号")] == "只能更新您负责的项目。"


CONTACTS = ["企业名称", "走访时间", "走访方式", "走访内容", "下次跟进日期"]


def test_contact_records_update_the_last_contact_and_create_follow_ups(api):
    partner = PartnerFactory(name="走访企业有限公司")
    rows = [
        ["走访企业有限公司", "2024-03-01 10:30", "实地走访", "了解用地需求", "2024-03-15"],
        ["走访企业有限公司", "2024-02-01", "电话", "电话问候", ""],
    ]
    body, _done = preview_and_confirm(api, CONTACTS, rows, "interactions")
    assert body["created_count"] == 2
    partner.refresh_from_db()
    assert timezone.localtime(partner.last_contacted_at).strftime("%Y-%m-%d %H:%M") == (
        "2024-03-01 10:30"
    )
    assert FollowUp.objects.get(partner=partner).due_on == dt.date(2024, 3, 15)
    again, _done = preview_and_confirm(api, CONTACTS, rows, "interactions")
    assert again["unchanged_count"] == 2
    assert Interaction.objects.count() == 2


def test_contact_records_in_the_future_or_of_unknown_kind_are_rejected(api):
    PartnerFactory(name="走访企业有限公司")
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    rows = [
        ["走访企业有限公司", later, "电话", "预约", ""],
        ["走访企业有限公司", "2024-02-01", "飞鸽传书", "联系", ""],
    ]
    errors = errors_of(upload(api, workbook(rows, CONTACTS), kind="interactions").json())
    assert errors[(3, "联系时间")] == "联系时间不能晚于现在。"
    assert "未知的联系方式“飞鸽传书”" in errors[(4, "联系方式")]


@pytest.mark.parametrize(
    "kind", ["partners", "appointments", "work-camp-members", "projects", "interactions"]
)
def test_every_template_is_recognised_by_its_own_importer(api, kind):
    template = api.get(f"/api/v1/imports/templates/{kind}/")
    assert template.status_code == 200
    body = upload(api, template.content, name=f"{kind}.xlsx", kind=kind).json()
    assert body["file_error_code"] == "no_rows"  # the header was found, no data yet
