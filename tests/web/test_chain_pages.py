"""The industry-chain pages: the list of chains with their counts and gaps, each chain's map
(segments in order, strengths in words and colour, the gap list, the roster, work camps and
targets), a chain-leader unit reading its own chains only and nobody's private data, and a
fixed number of queries whatever the data."""

import re

import pytest
from django.utils import translation

from accounts.roles import Role
from chains.chain_map import SegmentStrength
from chains.models import ChainLeaderAppointment, TargetCompany, WorkCamp, WorkCampMembership
from core.reports import Period
from tests.factories import (
    ChainFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)
from tests.web.conftest import page_queries, signed_in

pytestmark = pytest.mark.django_db

LIST_URL = "/chains/"
THIS_YEAR = Period.this_year().until.year


def detail_url(chain) -> str:
    return f"/chains/{chain.pk}/"


def labels() -> dict[str, str]:
    """The strength labels as the pages show them (the UI's default language)."""
    with translation.override("zh-hans"):
        return {strength.value: str(strength.label) for strength in SegmentStrength}


class Chains:
    """Chain 智能制造 (industry 高精尖): 研发设计 strong (3 partners, this year's chain leader
    among them, one tagged), 生产制造 weak (1 partner), 应用服务 empty (two open targets and an
    abandoned one). Chain 航空航天 (industry 航空): 总装 weak. The leader's partner leads
    智能制造 this year; another partner led it last year only."""

    def __init__(self, leader_partner):
        self.industry = IndustryFactory(name="高精尖")
        self.chain = ChainFactory(name="智能制造", industry=self.industry, position=1)
        # Created out of order: the page orders segments by their position in the chain.
        self.service = SegmentFactory(chain=self.chain, name="应用服务", position=3)
        self.design = SegmentFactory(chain=self.chain, name="研发设计", position=1)
        self.making = SegmentFactory(chain=self.chain, name="生产制造", position=2)
        self.aero_industry = IndustryFactory(name="航空")
        self.aero = ChainFactory(name="航空航天", industry=self.aero_industry, position=2)
        self.assembly = SegmentFactory(chain=self.aero, name="总装", position=1)
        tag = TagFactory(name="国家高新技术企业")
        self.first = PartnerFactory(name="A甲科技", tags=[tag])
        self.second = PartnerFactory(name="B乙科技")
        self.third = PartnerFactory(name="C丙科技")
        self.maker = PartnerFactory(name="D丁科技")
        self.past_leader = PartnerFactory(name="H辛科技")
        self.aero_partner = PartnerFactory(name="K航空部件")
        self.design.partners.set([self.first, self.second, self.third])
        self.making.partners.set([self.maker])
        self.assembly.partners.set([self.first, self.aero_partner])
        for partner, year in (
            (self.first, THIS_YEAR),
            (leader_partner, THIS_YEAR),
            (self.past_leader, THIS_YEAR - 1),
        ):
            ChainLeaderAppointment.objects.create(partner=partner, chain=self.chain, year=year)
        camp = WorkCamp.objects.create(
            name="智造工作营", industry=self.industry, lead_department="经信局"
        )
        WorkCampMembership.objects.create(camp=camp, partner=self.first)
        WorkCamp.objects.create(
            name="航空工作营", industry=self.aero_industry, lead_department="科委"
        )
        targets = (("甲目标", "identified"), ("乙目标", "contacting"), ("丙目标", "abandoned"))
        for name, status in targets:
            TargetCompany.objects.create(name=name, segment=self.service, status=status)
        TargetCompany.objects.create(name="航空目标", segment=self.assembly, status="negotiating")
        # Private data that no chain-leader unit may read.
        self.contact = ContactFactory(partner=self.first, name="王秘密", phone="13912345678")


@pytest.fixture
def chains(leader):
    return Chains(leader.partner)


def between(html: str, start: str, end: str) -> str:
    html = html[html.index(start) :]
    return html[: html.index(end)]


def cells(row: str) -> list[str]:
    """The text of a table row's cells."""
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]


def list_rows(html: str) -> dict[str, list[str]]:
    """Each chain row of the list: the chain's name, then its cells' text."""
    body = between(html, "<tbody>", "</tbody>")
    rows = [cells(row) for row in body.split("<tr>")[1:]]
    return {row[0]: row[1:] for row in rows}


# The list


def test_the_list_counts_each_chain(manager_client, chains):
    response = manager_client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/chains/{chains.chain.pk}/"' in html
    assert f'href="/chains/{chains.aero.pk}/"' in html
    # industry, segments, partners, chain-leader units, work camps, targets, weak, empty
    assert list_rows(html) == {
        "智能制造": ["高精尖", "3", "4", "2", "1", "2", "1", "1"],
        "航空航天": ["航空", "1", "2", "0", "1", "1", "1", "0"],
    }
    assert html.index("智能制造") < html.index("航空航天")


def test_the_list_reads_the_roster_of_the_year_asked(manager_client, chains):
    html = manager_client.get(LIST_URL, {"year": THIS_YEAR - 1}).content.decode()
    # Last year's roster: one chain-leader unit, so 研发设计 is weak too.
    assert list_rows(html)["智能制造"] == ["高精尖", "3", "4", "1", "1", "2", "2", "1"]
    assert f'href="/chains/{chains.chain.pk}/?year={THIS_YEAR - 1}"' in html


def test_a_bad_year_shows_the_error_and_the_current_roster(manager_client, chains):
    response = manager_client.get(LIST_URL, {"year": "1999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "2000" in html
    assert "2100" in html
    assert list_rows(html)["智能制造"][3] == "2"
    assert manager_client.get(LIST_URL, {"year": "abc"}).status_code == 200


@pytest.mark.parametrize("role", ["manager_client", "staff_client", "auditor_client"])
def test_those_who_read_everything_see_every_chain(request, role, chains):
    client = request.getfixturevalue(role)
    html = client.get(LIST_URL).content.decode()
    assert set(list_rows(html)) == {"智能制造", "航空航天"}
    html = client.get(detail_url(chains.aero)).content.decode()
    assert "总装" in html


def test_a_chain_leader_unit_lists_its_own_chains_only(leader_client, chains):
    response = leader_client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert set(list_rows(html)) == {"智能制造"}
    assert "航空航天" not in html


def test_an_empty_list_says_so(manager_client):
    response = manager_client.get(LIST_URL)
    assert response.status_code == 200
    assert "<tbody>" not in response.content.decode()


# The chain map


def test_the_map_shows_the_segments_in_order_with_their_strength(manager_client, chains):
    response = manager_client.get(detail_url(chains.chain))
    assert response.status_code == 200
    html = response.content.decode()
    board = between(html, '<ol class="board"', "</ol>")
    items = board.split("<li ")[1:]
    names = ("研发设计", "生产制造", "应用服务")
    strengths = ("strong", "weak", "empty")
    assert len(items) == 3
    for item, name, strength in zip(items, names, strengths, strict=True):
        assert name in item
        assert f"segment-{strength}" in item
        # The strength in words beside its colour.
        assert f'<span class="tag strength-{strength}">{labels()[strength]}</span>' in item
    assert all(name in items[0] for name in ("A甲科技", "B乙科技", "C丙科技"))
    assert "D丁科技" in items[1]
    assert "总装" not in html  # another chain's segment


def test_a_segment_with_more_members_than_named_says_so_and_links_them_all(
    manager_client, leader_client, chains, monkeypatch
):
    monkeypatch.setattr("chains.chain_map.NAMES_PER_SEGMENT", 2)
    html = manager_client.get(detail_url(chains.chain)).content.decode()
    design = between(html, '<ol class="board"', "</ol>").split("<li ")[1]
    assert "C丙科技" not in design
    assert "仅列出前 2 家，共 3 家" in design
    assert f'href="/partners/?segment={chains.design.pk}"' in design
    # A chain-leader unit is told too, without a link to pages it may not read.
    leader_design = between(
        leader_client.get(detail_url(chains.chain)).content.decode(), '<ol class="board"', "</ol>"
    )
    assert "仅列出前 2 家，共 3 家" in leader_design
    assert "?segment=" not in leader_design


def test_the_map_lists_the_gaps(manager_client, chains):
    html = manager_client.get(detail_url(chains.chain)).content.decode()
    gaps = between(html, 'id="gaps"', "</section>")
    assert "研发设计" not in gaps
    assert gaps.index("生产制造") < gaps.index("应用服务")
    assert labels()["weak"] in gaps
    assert labels()["empty"] in gaps
    rows = gaps.split('<tr class="gap">')[1:]
    assert cells(rows[1]) == [
        "3",
        "应用服务",
        labels()["empty"],
        "0",
        "2",
    ]


def test_the_map_shows_the_roster_camps_targets_and_the_export(manager_client, chains):
    html = manager_client.get(detail_url(chains.chain)).content.decode()
    leaders = between(html, 'id="leaders"', "</section>")
    assert "A甲科技" in leaders
    assert chains.past_leader.name not in leaders
    # Those who read every partner follow a chain-leader unit to its page.
    assert f'href="/partners/{chains.first.pk}/"' in leaders
    camps = between(html, 'id="camps"', "</section>")
    assert "智造工作营" in camps
    assert "经信局" in camps
    assert "航空工作营" not in camps
    targets = between(html, 'id="targets"', "</section>")
    with translation.override("zh-hans"):
        contacting = str(TargetCompany.Status.CONTACTING.label)
    assert "甲目标" in targets
    assert "丙目标" in targets
    assert contacting in targets
    assert "航空目标" not in targets
    assert f'href="/api/v1/reports/chain-map/export/?chain={chains.chain.pk}"' in html


def test_the_map_of_another_year(manager_client, chains):
    url = detail_url(chains.chain)
    html = manager_client.get(url, {"year": THIS_YEAR - 1}).content.decode()
    leaders = between(html, 'id="leaders"', "</section>")
    assert chains.past_leader.name in leaders
    assert "A甲科技" not in leaders
    board = between(html, '<ol class="board"', "</ol>")
    assert "segment-strong" not in board
    export = f"/api/v1/reports/chain-map/export/?chain={chains.chain.pk}&amp;year={THIS_YEAR - 1}"
    assert export in html


def test_the_export_link_answers_the_session(manager_client, chains):
    response = manager_client.get(f"/api/v1/reports/chain-map/export/?chain={chains.chain.pk}")
    assert response.status_code == 200


def test_a_chain_leader_unit_reads_its_own_map_without_private_data(leader_client, chains):
    response = leader_client.get(detail_url(chains.chain))
    assert response.status_code == 200
    html = response.content.decode()
    assert "研发设计" in html
    assert "A甲科技" in html
    for private in ("王秘密", "13912345678", "甲目标", "乙目标", 'id="targets"'):
        assert private not in html
    assert f"/partners/{chains.first.pk}/" not in html


def test_a_chain_leader_unit_cannot_open_another_chain(leader_client, chains):
    response = leader_client.get(detail_url(chains.aero))
    assert response.status_code in (403, 404)
    assert "总装" not in response.content.decode()


def test_an_unknown_chain_is_a_404(manager_client, chains):
    assert manager_client.get("/chains/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, chains):
    for url in (LIST_URL, detail_url(chains.chain)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_is_refused(chains):
    client = signed_in(UserFactory(username="nobody-test"))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(chains.chain)).status_code == 403
    # A chain-leader role without a partner is no chain-leader unit.
    client = signed_in(UserFactory(username="unbound-test", roles=[Role.CHAIN_LEADER]))
    assert client.get(LIST_URL).status_code == 403


# A fixed number of queries


def grow(chains, n: int = 3):
    """More chains, segments, partners, roster lines, camps and targets, also on 智能制造."""
    for i in range(n):
        chain = ChainFactory(industry=chains.industry, position=3 + i)
        for position in (1, 2, 3):
            segment = SegmentFactory(chain=chain, position=position)
            segment.partners.set([PartnerFactory(tags=[TagFactory()]) for _ in range(3)])
            TargetCompany.objects.create(name=f"目标{i}-{position}", segment=segment)
        ChainLeaderAppointment.objects.create(partner=PartnerFactory(), chain=chain, year=THIS_YEAR)
        ChainLeaderAppointment.objects.create(
            partner=PartnerFactory(), chain=chains.chain, year=THIS_YEAR
        )
        WorkCamp.objects.create(name=f"工作营{i}", industry=IndustryFactory(), lead_department="局")
        extra = SegmentFactory(chain=chains.chain, position=10 + i)
        extra.partners.set([PartnerFactory() for _ in range(2)])
        TargetCompany.objects.create(name=f"新目标{i}", segment=extra)


# The request's own (session, user and roles: 3), then the chains and
# their segments (list only), the chain (map only), the strength rule and its tags, the
# segments with their targets, their members' counts, their members' names, their chain-leader
# units of the year, the roster, the camps and the targets (not for a chain-leader unit).
LIST_QUERIES = 14
DETAIL_QUERIES = 13
LEADER_LIST_QUERIES = 13
LEADER_DETAIL_QUERIES = 12


def test_the_list_takes_a_fixed_number_of_queries(manager_client, leader_client, chains):
    small, small_n = page_queries(manager_client, LIST_URL)
    _leader_small, leader_small_n = page_queries(leader_client, LIST_URL)
    grow(chains)
    large, large_n = page_queries(manager_client, LIST_URL)
    _leader_large, leader_large_n = page_queries(leader_client, LIST_URL)
    assert small.status_code == large.status_code == 200
    assert len(list_rows(large.content.decode())) == 5
    assert small_n == large_n == LIST_QUERIES
    assert leader_small_n == leader_large_n == LEADER_LIST_QUERIES


def test_the_map_takes_a_fixed_number_of_queries(manager_client, leader_client, chains):
    url = detail_url(chains.chain)
    small, small_n = page_queries(manager_client, url)
    _leader_small, leader_small_n = page_queries(leader_client, url)
    grow(chains)
    large, large_n = page_queries(manager_client, url)
    _leader_large, leader_large_n = page_queries(leader_client, url)
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("segment-") > small.content.decode().count("segment-")
    assert small_n == large_n == DETAIL_QUERIES
    assert leader_small_n == leader_large_n == LEADER_DETAIL_QUERIES
