"""The demo data set reproduces the articles' figures and loading it twice changes nothing."""

import io
import itertools

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from chains.models import ChainLeaderAppointment, WorkCamp
from partners.demo import reference as ref
from partners.models import Carrier, Partner, Recognition
from partners.uscc import check_digit_error
from projects.models import Event, Project, Stage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def test_600_partners_456_of_them_joined_at_the_first_conference():
    assert Partner.objects.count() == 600
    first = Event.objects.get(name=ref.FIRST_CONFERENCE[0])
    assert Partner.objects.filter(joined_at_event=first).count() == 456
    later = Partner.objects.exclude(joined_at_event=first)
    assert later.filter(joined_on__gt=first.date, joined_on__lt="2024-04-23").count() == 144


def test_2024_roster_has_65_units_among_them_the_named_chain_leaders():
    roster = ChainLeaderAppointment.objects.filter(year=2024)
    assert roster.count() == 65
    assert roster.values("partner").distinct().count() == 65
    names = set(roster.values_list("partner__short_name", flat=True))
    assert {"银河证券", "飞航技术研究院", "中国中铁", "中国通号", "交控科技"} <= names
    assert not roster.filter(partner__status=Partner.Status.WITHDRAWN).exists()


def test_15_work_camps_each_with_members():
    assert WorkCamp.objects.count() == 15
    assert not WorkCamp.objects.filter(members__isnull=True).exists()


def test_2024_conference_promoted_20_projects_and_signed_9_of_them():
    conference = Event.objects.get(name=ref.CONFERENCE_2024[0], date="2024-04-23")
    promoted = Project.objects.filter(promoted_at=conference)
    assert promoted.count() == 20
    signed = promoted.filter(signed_at=conference)
    assert signed.count() == 9
    assert set(signed.values_list("stage", flat=True)) == {Stage.SIGNED}
    assert {"京东MALL", "新蛋白食品科技创新基地"} <= set(signed.values_list("name", flat=True))
    named = {name for name, *_ in ref.NAMED_PROMOTED_PROJECTS}
    assert named <= set(promoted.values_list("name", flat=True))


def test_every_project_has_a_consistent_stage_history():
    for project in Project.objects.prefetch_related("stage_changes"):
        changes = list(project.stage_changes.all())
        assert changes[0].from_stage == ""
        assert changes[-1].to_stage == project.stage
        for before, after in itertools.pairwise(changes):
            assert before.to_stage == after.from_stage


def test_2024_recognition_lists_10_chain_leader_units_and_40_partners():
    recognised = Recognition.objects.filter(year=2024, title="贡献突出市场主体")
    leaders = recognised.filter(category="chain_leader")
    assert leaders.count() == 10
    assert recognised.filter(category="partner").count() == 40
    roster = ChainLeaderAppointment.objects.filter(year=2024).values("partner")
    assert leaders.filter(partner__in=roster).count() == 10
    short_names = set(recognised.values_list("partner__short_name", flat=True))
    assert {"银河证券", "飞航技术研究院", "农信银资金清算中心", "北汽财务"} <= short_names


def test_ten_featured_buildings_and_five_featured_parks():
    featured = Carrier.objects.filter(is_featured=True)
    assert featured.filter(kind="building").count() == 10
    assert featured.filter(kind="park").count() == 5
    assert Carrier.objects.get(name="丽泽SOHO").zone.name == "丽泽金融商务区"


def test_named_organisations_are_present_and_the_rest_is_obviously_synthetic():
    names = set(Partner.objects.values_list("name", flat=True))
    assert {named[0] for named in ref.NAMED_PARTNERS} <= names
    others = names - {named[0] for named in ref.NAMED_PARTNERS}
    assert all(name.startswith("示例") for name in others)


def test_every_code_is_valid_and_marked_synthetic():
    for code in Partner.objects.values_list("uscc", flat=True):
        assert check_digit_error(code) is None
        assert code.startswith("911101060000")


def test_loading_twice_changes_nothing():
    def snapshot():
        result = {}
        for model in apps.get_models():
            if model._meta.app_label in {"accounts", "chains", "partners", "projects"}:
                result[model._meta.label] = list(model.objects.order_by("pk").values())
        return result

    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_demo_users_one_per_role_with_the_chain_leader_bound_to_its_partner(capsys):
    call_command("create_demo_users")
    printed = capsys.readouterr().out
    for username in ("admin", "manager", "staff", "chainleader", "auditor"):
        assert f"用户名 {username}" in printed
    chain_leader = User.objects.get(username="chainleader")
    assert chain_leader.partner.name == ref.DEMO_CHAIN_LEADER_PARTNER
    assert chain_leader.groups.filter(name="chain_leader").exists()
    assert not chain_leader.is_staff
    call_command("create_demo_users")
    assert "已存在" in capsys.readouterr().out


def test_engagement_history_for_work_lists_and_reports():
    from partners.models import EnterpriseRequest, FollowUp, Interaction

    assert Interaction.objects.count() > 300
    assert FollowUp.objects.filter(status="open").exists()
    statuses = set(EnterpriseRequest.objects.values_list("status", flat=True))
    assert statuses == {"received", "in_progress", "resolved", "closed"}


def test_the_district_overview_report_shows_the_articles_figures(client, manager):
    client.force_login(manager)
    body = client.get("/api/v1/reports/overview/", {"year": 2024}).json()
    figures = body["figures"]
    assert (figures["partners"], figures["chain_leader_units"], figures["work_camps"]) == (
        600,
        65,
        15,
    )
    conference = next(r for r in body["tables"]["events"]["rows"] if r["projects_promoted"])
    assert (conference["projects_promoted"], conference["projects_signed"]) == (20, 9)
    first = client.get("/api/v1/reports/overview/", {"year": 2023}).json()["tables"]["events"]
    assert max(row["partners_joined"] for row in first["rows"]) == 456


def test_catalogue_enterprises_report_three_years_and_the_pipeline_has_targets():
    from partners.models import DoublingIndicator
    from projects.models import PipelineTarget

    catalogue = Partner.objects.filter(in_doubling_catalogue=True, name__startswith="示例")
    assert DoublingIndicator.objects.count() == catalogue.count() * 3
    assert set(DoublingIndicator.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    assert sorted(PipelineTarget.objects.values_list("year", flat=True)) == [2024, 2025, 2026]
