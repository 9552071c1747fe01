"""The chain map (产业图谱): exact segments, strengths and gaps on a small hand-built data set,
the strength rules as editable data, the same numbers in the workbook, a fixed number of
queries, and a chain-leader unit reading its own chains only."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.roles import Role
from chains.models import (
    ChainLeaderAppointment,
    IndustryChain,
    SegmentStrengthRule,
    TargetCompany,
    WorkCamp,
    WorkCampMembership,
)
from partners.models import Partner
from tests.factories import (
    ChainFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/chain-map/"


class Map:
    """Chain 智能制造 (industry 高精尖): 研发设计 strong (3 partners, its chain leader, one
    tagged), 生产制造 weak (1 partner; a withdrawn and an archived one do not count), 应用服务
    empty (two targets listed, an abandoned one not counted). Chain 航空航天 (another industry):
    总装 weak (3 partners with a tag but no chain leader of this chain)."""

    def __init__(self):
        self.industry = IndustryFactory(name="高精尖")
        self.chain = ChainFactory(name="智能制造", industry=self.industry, position=1)
        self.design = SegmentFactory(chain=self.chain, name="研发设计", position=1)
        self.making = SegmentFactory(chain=self.chain, name="生产制造", position=2)
        self.service = SegmentFactory(chain=self.chain, name="应用服务", position=3)
        self.other_industry = IndustryFactory(name="航空")
        self.aero = ChainFactory(name="航空航天", industry=self.other_industry, position=2)
        self.assembly = SegmentFactory(chain=self.aero, name="总装", position=1)
        tag = TagFactory(name="国家高新技术企业")
        self.leader = PartnerFactory(name="A甲科技", tags=[tag])
        self.second = PartnerFactory(name="B乙科技")
        self.third = PartnerFactory(name="C丙科技", tags=[tag])
        self.maker = PartnerFactory(name="D丁科技", tags=[tag])
        withdrawn = PartnerFactory(name="E戊科技", status=Partner.Status.WITHDRAWN)
        archived = PartnerFactory(name="F己科技", archived_at="2024-01-01T00:00:00+08:00")
        self.unplaced_leader = PartnerFactory(name="G庚科技")
        self.design.partners.set([self.leader, self.second, self.third])
        self.making.partners.set([self.maker, withdrawn, archived])
        self.assembly.partners.set([self.leader, self.second, self.third])
        for partner, year in (
            (self.leader, 2024),
            (self.leader, 2023),
            (self.unplaced_leader, 2024),
        ):
            ChainLeaderAppointment.objects.create(partner=partner, chain=self.chain, year=year)
        camp = WorkCamp.objects.create(
            name="智造工作营", industry=self.industry, lead_department="经信局"
        )
        WorkCamp.objects.create(
            name="航空工作营", industry=self.other_industry, lead_department="科委"
        )
        WorkCampMembership.objects.create(camp=camp, partner=self.leader)
        WorkCampMembership.objects.create(camp=camp, partner=self.second)
        for name, status in (
            ("A目标", "identified"),
            ("B目标", "contacting"),
            ("C目标", "abandoned"),
        ):
            TargetCompany.objects.create(name=name, segment=self.service, status=status)
        TargetCompany.objects.create(name="D目标", segment=self.making, status="negotiating")


@pytest.fixture
def chain_map(db):
    return Map()


SEGMENT_KEYS = ("chain", "position", "segment", "strength", "partners", "chain_leaders")
SEGMENT_KEYS += ("qualified_partners", "targets", "partner_names")
DESIGN_NAMES = ["A甲科技", "B乙科技", "C丙科技"]


def rows(body, table, keys):
    return [tuple(row[k] for k in keys) for row in body["tables"][table]["rows"]]


def test_segments_are_judged_exactly(api, chain_map):
    body = api.get(URL, {"year": 2024}).json()
    assert body["figures"] == {
        "roster_year": 2024,
        "chains": 2,
        "segments": 4,
        "strong": 1,
        "weak": 2,
        "empty": 1,
        "chain_leader_units": 2,
        "work_camps": 2,
        "targets": 3,
    }
    assert rows(body, "segments", SEGMENT_KEYS) == [
        ("智能制造", 1, "研发设计", "strong", 3, 1, 2, 0, DESIGN_NAMES),
        ("智能制造", 2, "生产制造", "weak", 1, 0, 1, 1, ["D丁科技"]),
        ("智能制造", 3, "应用服务", "empty", 0, 0, 0, 2, []),
        ("航空航天", 1, "总装", "weak", 3, 0, 2, 0, DESIGN_NAMES),
    ]
    assert rows(body, "gaps", ("chain", "segment", "strength", "partners", "targets")) == [
        ("智能制造", "生产制造", "weak", 1, 1),
        ("智能制造", "应用服务", "empty", 0, 2),
        ("航空航天", "总装", "weak", 3, 0),
    ]
    assert rows(body, "chain_leaders", ("chain", "partner")) == [
        ("智能制造", "A甲科技"),
        ("智能制造", "G庚科技"),
    ]
    assert rows(body, "work_camps", ("chain", "work_camp", "lead_department", "members")) == [
        ("智能制造", "智造工作营", "经信局", 2),
        ("航空航天", "航空工作营", "科委", 0),
    ]
    assert rows(body, "targets", ("segment", "company", "status")) == [
        ("生产制造", "D目标", "negotiating"),
        ("应用服务", "A目标", "identified"),
        ("应用服务", "B目标", "contacting"),
        ("应用服务", "C目标", "abandoned"),
    ]


def test_a_segment_names_its_first_members_and_counts_them_all(api, chain_map, monkeypatch):
    monkeypatch.setattr("chains.chain_map.NAMES_PER_SEGMENT", 2)
    body = api.get(URL, {"year": 2024}).json()
    first = body["tables"]["segments"]["rows"][0]
    assert (first["partners"], first["partner_names"]) == (3, DESIGN_NAMES[:2])


def test_the_roster_of_another_year_changes_the_leaders(api, chain_map):
    body = api.get(URL, {"year": 2023}).json()
    assert body["figures"]["chain_leader_units"] == 1
    assert rows(body, "segments", ("segment", "strength", "chain_leaders"))[0] == (
        "研发设计",
        "strong",
        1,
    )
    body = api.get(URL, {"year": 2022}).json()
    assert body["figures"]["chain_leader_units"] == 0
    assert rows(body, "segments", ("segment", "strength"))[0] == ("研发设计", "weak")


def test_an_empty_period_has_no_leaders_but_the_same_segments(api, chain_map):
    body = api.get(URL, {"since": "2010-01-01", "until": "2010-12-31"}).json()
    assert body["figures"]["roster_year"] == 2010
    assert (body["figures"]["chain_leader_units"], body["figures"]["strong"]) == (0, 0)
    assert body["tables"]["chain_leaders"]["rows"] == []
    assert body["figures"]["segments"] == 4


def test_filters_select_chains(api, chain_map):
    by_chain = api.get(URL, {"year": 2024, "chain": chain_map.aero.pk}).json()
    assert rows(by_chain, "segments", ("segment",)) == [("总装",)]
    assert by_chain["tables"]["chain_leaders"]["rows"] == []
    by_industry = api.get(URL, {"year": 2024, "industry": chain_map.industry.pk}).json()
    assert by_industry["figures"]["segments"] == 3
    assert by_industry["figures"]["work_camps"] == 1
    assert api.get(URL, {"chain": "x"}).status_code == 400


def test_the_rules_are_data_managers_edit(api, chain_map):
    rule = SegmentStrengthRule.objects.get(is_active=True)
    assert (rule.min_partners, rule.requires_chain_leader, rule.min_qualified_partners) == (
        3,
        True,
        1,
    )
    url = f"/api/v1/segment-strength-rules/{rule.pk}/"
    assert api.patch(url, {"requires_chain_leader": False}, format="json").status_code == 200
    body = api.get(URL, {"year": 2024}).json()
    assert rows(body, "segments", ("segment", "strength"))[3] == ("总装", "strong")
    other_tag = TagFactory(name="专精特新")
    api.patch(url, {"qualifying_tag_ids": [other_tag.pk]}, format="json")
    body = api.get(URL, {"year": 2024}).json()
    assert rows(body, "segments", ("segment", "strength", "qualified_partners"))[0] == (
        "研发设计",
        "weak",
        0,
    )


def test_a_new_active_rule_retires_the_old_one(api, chain_map):
    old = SegmentStrengthRule.objects.get(is_active=True)
    response = api.post(
        "/api/v1/segment-strength-rules/",
        {
            "name": "宽松",
            "min_partners": 1,
            "requires_chain_leader": False,
            "min_qualified_partners": 0,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    old.refresh_from_db()
    assert not old.is_active
    assert SegmentStrengthRule.objects.get(is_active=True).name == "宽松"
    body = api.get(URL, {"year": 2024}).json()
    assert (body["figures"]["strong"], body["figures"]["weak"], body["figures"]["empty"]) == (
        3,
        0,
        1,
    )


def test_a_rule_cannot_ask_more_qualified_than_partners(api, chain_map):
    response = api.post(
        "/api/v1/segment-strength-rules/",
        {"name": "错", "min_partners": 2, "min_qualified_partners": 3},
        format="json",
    )
    assert response.status_code == 400
    assert "strength_rule_qualified_within_partners" in response.content.decode()


def test_without_an_active_rule_the_defaults_apply(api, chain_map):
    SegmentStrengthRule.objects.update(is_active=False)
    body = api.get(URL, {"year": 2024}).json()
    assert (body["figures"]["strong"], body["figures"]["weak"], body["figures"]["empty"]) == (
        1,
        2,
        1,
    )


def test_the_workbook_has_the_same_numbers(api, chain_map):
    body = api.get(URL, {"year": 2024}).json()
    response = api.get(f"{URL}export/", {"year": 2024})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = dict(list(book.worksheets[0].values)[1:])
    assert list(summary.values()) == list(body["figures"].values())
    for sheet, (key, table) in zip(book.worksheets[1:], body["tables"].items(), strict=True):
        keys = [column["key"] for column in table["columns"]]
        expected = [
            tuple("、".join(v) if isinstance(v, list) else v for v in (row[k] for k in keys))
            for row in table["rows"]
        ]
        found = [tuple(None if v == "" else v for v in line) for line in list(sheet.values)[1:]]
        expected = [tuple(None if v in ("", []) else v for v in line) for line in expected]
        assert found == expected, key


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL, {"year": 2024, "industry": 1}).status_code == 200
    return len(context.captured_queries)


def test_a_fixed_number_of_queries(client, manager, chain_map):
    """The request's own queries (session, user, roles …), then the industry tree, the rule
    and its tags, the segments with their targets, their members' counts, names and
    chain-leader units of the year, the roster, the camps and the targets."""
    client.force_login(manager)
    small = count_queries(client)
    for n in range(4):
        chain = ChainFactory(industry=chain_map.industry)
        for position in (1, 2):
            SegmentFactory(chain=chain, position=position).partners.set(
                [PartnerFactory(tags=[TagFactory()]) for _ in range(3)]
            )
        ChainLeaderAppointment.objects.create(partner=PartnerFactory(), chain=chain, year=2024)
        TargetCompany.objects.create(name=f"目标{n}", segment=chain.segments.first())
    assert count_queries(client) == small == 13


def test_a_chain_leader_unit_reads_its_own_chains_only(chain_map):
    user = UserFactory(roles=[Role.CHAIN_LEADER], partner=chain_map.unplaced_leader)
    client = APIClient()
    client.force_authenticate(user)
    body = client.get(URL, {"year": 2024}).json()
    assert {row["chain"] for row in body["tables"]["segments"]["rows"]} == {"智能制造"}
    assert body["figures"]["segments"] == 3
    assert body["tables"]["targets"]["rows"] == []
    assert rows(body, "gaps", ("segment", "targets")) == [("生产制造", 1), ("应用服务", 2)]
    other = client.get(URL, {"year": 2024, "chain": chain_map.aero.pk}).json()
    assert other["tables"]["segments"]["rows"] == []
    assert client.get(f"{URL}export/", {"year": 2024}).status_code == 200


def test_a_chain_leader_unit_reads_but_cannot_edit_the_rules(chain_map):
    user = UserFactory(roles=[Role.CHAIN_LEADER], partner=chain_map.unplaced_leader)
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/segment-strength-rules/").status_code == 200
    rule = SegmentStrengthRule.objects.get(is_active=True)
    response = client.patch(f"/api/v1/segment-strength-rules/{rule.pk}/", {"min_partners": 1})
    assert response.status_code == 403


def _names_shown(api) -> dict[str, list[str]]:
    body = api.get(URL, {"year": 2024}).json()
    return {row["segment"]: row["partner_names"] for row in body["tables"]["segments"]["rows"]}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the boundary comes from PostgreSQL's estimate"
)
def test_segments_large_enough_name_their_first_members_before_a_boundary(api, monkeypatch):
    """Two segments of ten members among 36 partners find their first two names among the
    partners whose names come first; a segment whose members' names all come late, and one
    too small to find its first two there (it finds one), are numbered again whole. The names
    are those a numbering of all memberships gives; two partners of one name are both listed."""
    monkeypatch.setattr("chains.chain_map.NAMES_PER_SEGMENT", 2)
    chain = ChainFactory(name="链")
    early = [PartnerFactory(name=f"A{n:02}") for n in range(30)]
    late = [PartnerFactory(name=f"Z{n}") for n in range(5)]
    twin = PartnerFactory(name="Z0")
    members = {
        "奇": early[1::3],
        "偶": early[0::3],
        "晚": [*late, twin],
        "小": [early[13], late[4]],
    }
    for position, (name, partners) in enumerate(members.items(), start=1):
        SegmentFactory(chain=chain, name=name, position=position).partners.set(partners)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_partner")
    with CaptureQueriesContext(connection) as context:
        shown = _names_shown(api)
    assert shown == {
        "奇": ["A01", "A04"],
        "偶": ["A00", "A03"],
        "晚": ["Z0", "Z0"],
        "小": ["A13", "Z4"],
    }
    sqls = [q["sql"] for q in context.captured_queries]
    explained = [sql for sql in sqls if sql.startswith("EXPLAIN")]
    assert len(explained) == 1  # the partners' estimate; then the name at the position
    assert len([sql for sql in sqls if sql.endswith("LIMIT 1 OFFSET 14")]) == 1
    numbered = [sql for sql in sqls if "ROW_NUMBER()" in sql]
    assert len(numbered) == 2
    assert '"partners_partner"."name" < ' in numbered[0]
    assert '"partners_partner"."name" < ' not in numbered[1]
    assert '"chainsegment_id" IN ' in numbered[1]


def test_a_small_map_numbers_its_members_at_once(api, chain_map, monkeypatch):
    """Where a boundary would not spare reading (every segment small), no estimate is asked
    and one numbering reads every membership."""
    monkeypatch.setattr("chains.chain_map.NAMES_PER_SEGMENT", 2)
    with CaptureQueriesContext(connection) as context:
        shown = _names_shown(api)
    assert shown["研发设计"] == DESIGN_NAMES[:2]
    sqls = [q["sql"] for q in context.captured_queries]
    assert not [sql for sql in sqls if sql.startswith("EXPLAIN")]
    assert len([sql for sql in sqls if "ROW_NUMBER()" in sql]) == 1


@pytest.mark.parametrize(
    "boundary",
    ["A", "B乙科技", "C丙科技", "Z", None],
    ids=["before all", "a member's name", "the last member's", "after all", "none"],
)
def test_the_names_are_those_of_one_numbering_wherever_the_boundary_falls(
    chain_map, monkeypatch, boundary
):
    """On either database: a boundary before every name (all read again), at a member's name
    (that member is not before it), after every name, or none give the names that numbering
    every membership gives."""
    from chains import chain_map as report

    monkeypatch.setattr(report, "NAMES_PER_SEGMENT", 2)
    monkeypatch.setattr(report, "_names_boundary", lambda sizes: boundary)
    chains = IndustryChain.objects.values("pk")
    rule = report.active_strength_rule()
    sizes = {pk: n for pk, (n, _qualified) in report._member_counts(chains, rule).items()}
    expected = report._first_names(report._memberships(chains))
    assert report._member_names(chains, sizes) == expected
    assert expected[chain_map.design.pk] == DESIGN_NAMES[:2]
