"""Each user group's main journey in a real browser (Chromium, headless), in Chinese:
a staff member logs a visit with a follow-up and finds it on the workbench, on a phone-sized
screen; a chain-leader unit edits its profile, raises a request and cannot open another
partner's page; a manager filters the dashboard and downloads the Excel export; a stale edit
is caught with nothing lost."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from partners.models import EnterpriseRequest, FollowUp, Interaction
from partners.services import partner_update
from projects.models import Stage
from projects.services import project_change_stage, project_create
from tests.browser.conftest import log_in
from tests.factories import IndustryFactory, PartnerFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_staff_logs_a_visit_with_a_follow_up_on_a_phone(open_page):
    staff = UserFactory(username="wang", full_name="王管家", roles=[Role.STAFF])
    partner = PartnerFactory(name="中关村轨道科技有限公司", steward=staff)
    PartnerFactory(name="北京航天有限公司")
    page = open_page(width=360, height=780)
    log_in(page, "wang")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert _no_horizontal_scroll(page)

    page.get_by_role("searchbox", name="发展伙伴").fill("zgc")  # pinyin initials
    page.get_by_role("radio", name="中关村轨道科技有限公司").check()
    page.get_by_label("内容摘要").fill("走访了解扩产用地需求")
    page.get_by_label("下次跟进日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="保存联系记录").click()

    page.get_by_text("已记录与中关村轨道科技有限公司的联系").wait_for()
    follow_ups = page.locator("section", has=page.get_by_role("heading", name="我的待办跟进"))
    assert "中关村轨道科技有限公司" in follow_ups.inner_text()
    assert _no_horizontal_scroll(page)
    interaction = Interaction.objects.get()
    assert (interaction.partner_id, interaction.kind) == (partner.pk, "visit")
    assert FollowUp.objects.get().due_on == timezone.localdate()


def test_chain_leader_keeps_its_profile_raises_a_request_and_sees_no_one_else(open_page):
    own = PartnerFactory(name="丰台链主科技有限公司")
    other = PartnerFactory(name="别家企业有限公司")
    UserFactory(username="lianzhu", roles=[Role.CHAIN_LEADER], partner=own)
    page = open_page()
    log_in(page, "lianzhu")
    assert page.url.endswith("/portal/")

    page.get_by_label("简介").fill("专注轨道交通装备研发")
    page.get_by_role("button", name="保存企业信息").click()
    page.get_by_text("企业信息已保存").wait_for()
    own.refresh_from_db()
    assert own.introduction == "专注轨道交通装备研发"

    page.get_by_label("类别").select_option(label="空间")
    page.get_by_label("说明").fill("需要2000平方米研发用房")
    page.get_by_role("button", name="提交诉求").click()
    page.get_by_text("诉求已受理").wait_for()
    assert "需要2000平方米研发用房" in page.locator("table").inner_text()
    assert EnterpriseRequest.objects.get().partner == own

    response = page.goto(f"{page.base}/partners/{other.pk}/")
    assert response.status == 403
    assert page.get_by_role("heading", name="无权访问").is_visible()
    assert "别家企业有限公司" not in page.content()


def test_manager_filters_the_dashboard_and_downloads_the_export(open_page):
    UserFactory(username="jingli", roles=[Role.MANAGER])
    aviation = IndustryFactory(name="航空航天")
    for n in range(3):
        project = project_create(
            actor=None,
            code=f"B{n}",
            name=f"项目{n}",
            kind="industrial",
            planned_investment=12,
            industries=[aviation] if n else [],
        )
        project_change_stage(project=project, to_stage=Stage.NEGOTIATING, actor=None)
    page = open_page()
    log_in(page, "jingli")
    page.get_by_role("link", name="数据看板").click()
    page.get_by_role("link", name="项目推进情况").click()
    page.get_by_label("产业", exact=True).select_option(label="航空航天")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"**industry={aviation.pk}**")
    assert page.locator("canvas").first.is_visible()
    figures = page.locator(".figures").inner_text()
    assert "2" in figures
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.startswith("pipeline-")
    assert download.suggested_filename.endswith(".xlsx")


def test_a_stale_edit_is_caught_and_nothing_is_lost(open_page):
    staff = UserFactory(username="zhang", roles=[Role.STAFF])
    manager = UserFactory(username="jingli2", roles=[Role.MANAGER])
    partner = PartnerFactory(name="丽泽金融科技有限公司", steward=staff, address="旧地址")
    page = open_page()
    log_in(page, "zhang")
    page.goto(f"{page.base}/partners/{partner.pk}/")
    partner_update(partner=partner, actor=manager, address="经理改的地址")
    page.get_by_label("地址").fill("我的新地址")
    page.get_by_role("button", name="保存", exact=True).click()
    conflict = page.get_by_role("alert").filter(has_text="有人在您编辑期间保存了该企业")
    conflict.wait_for()
    assert "经理改的地址" in conflict.inner_text()
    assert page.get_by_label("地址").input_value() == "我的新地址"
    partner.refresh_from_db()
    assert partner.address == "经理改的地址"
    page.get_by_role("button", name="保存", exact=True).click()  # saving again applies it
    page.get_by_text("已保存").first.wait_for()
    partner.refresh_from_db()
    assert partner.address == "我的新地址"


def test_every_main_page_fits_a_phone_and_a_wide_screen(open_page):
    UserFactory(username="jingli3", roles=[Role.MANAGER])
    partner = PartnerFactory(name="丰台宽屏测试有限公司")
    for width in (360, 1920):
        page = open_page(width=width)
        log_in(page, "jingli3")
        for path in (
            "/",
            "/partners/",
            f"/partners/{partner.pk}/",
            "/projects/",
            "/chains/",
            "/dashboard/?report=pipeline",
            "/imports/",
        ):
            response = page.goto(f"{page.base}{path}")
            assert response.status == 200, path
            assert _no_horizontal_scroll(page), (width, path)


def test_a_contact_can_be_logged_with_the_keyboard_alone(open_page):
    staff = UserFactory(username="jianpan", roles=[Role.STAFF])
    partner = PartnerFactory(name="中关村键盘科技有限公司", steward=staff)
    page = open_page()
    log_in(page, "jianpan")
    page.get_by_role("searchbox", name="发展伙伴").focus()
    page.keyboard.type("zgcjp")
    page.get_by_role("radio", name="中关村键盘科技有限公司").wait_for()
    page.keyboard.press("Enter")  # stays on the page
    page.keyboard.press("Tab")  # the first (only) matching partner
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # kind: keep the default visit
    page.keyboard.press("Tab")
    page.keyboard.type("电话回访")
    page.keyboard.press("Tab")  # next follow-up: none
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("已记录与中关村键盘科技有限公司的联系").wait_for()
    assert Interaction.objects.get().partner_id == partner.pk
