"""The visit coverage report: exact shares, overdue days and interactions per month on a small
hand-built data set (on 30 June 2024 at noon, Beijing time), the same numbers in the workbook,
a fixed number of queries, the filters, and who may read it."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.roles import Role
from chains.models import ChainLeaderAppointment
from partners.models import Partner
from partners.models.organisations import in_plan
from partners.reports import coverage
from partners.selectors import visit_overdue_groups, with_visit_baseline
from partners.services import interaction_record
from tests.factories import (
    CarrierFactory,
    ChainFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    UserFactory,
)
from tests.plans import ONLY_INDEX_ALONE, ONLY_INDEX_ORDER, plan

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/coverage/"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2024, 6, 30, 12, 0, tzinfo=BEIJING)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


@pytest.fixture
def today():
    with time_machine.travel(NOW, tick=False):
        yield NOW


class District:
    """A甲 (chain leader, 30 days) seen on 20 June: in cadence. B乙 (doubling plan, 60 days)
    last seen on 1 April: due 31 May, 30 days overdue. C丙 (90 days) never contacted, joined
    on 2 January: due 1 April, 90 days overdue. D丁 (no steward, no industry) seen on 1 May:
    in cadence. A withdrawn and an archived partner do not count."""

    def __init__(self):
        self.wang = UserFactory(username="a-wang", full_name="王芳", roles=[Role.STAFF])
        self.li = UserFactory(username="b-li", full_name="李雷", roles=[Role.STAFF])
        self.industry = IndustryFactory(name="A 高精尖")
        other = IndustryFactory(name="B 航空")
        self.chain = ChainFactory(name="A 智能制造", industry=self.industry)
        segment = SegmentFactory(chain=self.chain, position=1)
        self.zone = CarrierFactory(name="丽泽", kind="zone")
        building = CarrierFactory(name="丽泽大厦", zone=self.zone)
        self.first = PartnerFactory(
            name="A甲科技", steward=self.wang, industries=[self.industry], carrier=building
        )
        self.second = PartnerFactory(
            name="B乙科技",
            steward=self.wang,
            industries=[self.industry],
            in_doubling_catalogue=True,
        )
        self.third = PartnerFactory(
            name="C丙科技", steward=self.li, industries=[other], joined_on=dt.date(2024, 1, 2)
        )
        self.fourth = PartnerFactory(name="D丁科技")
        PartnerFactory(name="E戊科技", steward=self.wang, status=Partner.Status.WITHDRAWN)
        PartnerFactory(name="F己科技", steward=self.wang, archived_at=at(2024, 1, 1))
        segment.partners.set([self.first, self.second])
        ChainLeaderAppointment.objects.create(partner=self.first, chain=self.chain, year=2024)
        for partner, by, when in (
            (self.first, self.wang, at(2024, 6, 20, 9, 0)),
            (self.first, self.wang, at(2024, 6, 1, 0, 30)),  # 31 May in UTC: June here
            (self.second, self.wang, at(2024, 4, 1, 10, 0)),
            (self.fourth, self.li, at(2023, 12, 31, 20, 0)),  # before the period
            (self.fourth, self.li, at(2024, 5, 1, 15, 0)),
        ):
            interaction_record(
                partner=partner, actor=by, kind="visit", occurred_at=when, summary="走访"
            )


@pytest.fixture
def district(today):
    return District()


def rows(body, table):
    return [tuple(row.values()) for row in body["tables"][table]["rows"]]


def test_the_coverage_counts_exactly(api, district):
    body = api.get(URL, {"year": 2024}).json()
    assert body["figures"] == {
        "partners": 4,
        "contacted_in_cadence": 2,
        "overdue": 2,
        "share": 0.5,
        "interactions": 4,
    }
    assert rows(body, "by_steward")[:2] == [("王芳", 2, 1, 1, 0.5), ("李雷", 1, 0, 1, 0.0)]
    assert rows(body, "by_steward")[2][1:] == (1, 1, 0, 1.0)
    assert rows(body, "by_industry")[:2] == [("A 高精尖", 2, 1, 1, 0.5), ("B 航空", 1, 0, 1, 0.0)]
    assert rows(body, "by_industry")[2][1:] == (1, 1, 0, 1.0)
    assert rows(body, "by_chain")[0] == ("A 智能制造", 2, 1, 1, 0.5)
    assert rows(body, "by_chain")[1][1:] == (2, 1, 1, 0.5)
    assert rows(body, "overdue") == [
        ("C丙科技", "李雷", 90, None, "2024-04-01", 90),
        ("B乙科技", "王芳", 60, "2024-04-01T10:00:00+08:00", "2024-05-31", 30),
    ]
    assert rows(body, "interactions") == [
        ("王芳", "2024-04", 1),
        ("王芳", "2024-06", 2),
        ("李雷", "2024-05", 1),
    ]


def test_a_partner_counts_once_per_chain_and_once_per_industry(api, district):
    """A partner in two segments of one chain is one partner of that chain; a partner of two
    industries counts in each, and once in the totals."""
    SegmentFactory(chain=district.chain, position=2).partners.add(district.first)
    district.third.industries.add(district.industry)
    body = api.get(URL, {"year": 2024}).json()
    assert body["figures"]["partners"] == 4
    assert rows(body, "by_chain")[0] == ("A 智能制造", 2, 1, 1, 0.5)
    assert rows(body, "by_industry")[:2] == [
        ("A 高精尖", 3, 1, 2, 0.3333),
        ("B 航空", 1, 0, 1, 0.0),
    ]


def test_groups_come_in_the_order_of_their_names_with_none_last(api, district):
    """Created after the others, an industry whose name sorts first is listed first; the
    partners without a steward, industry or chain come last, as “(none)”."""
    district.fourth.industries.add(IndustryFactory(name="0 先进制造"))
    body = api.get(URL, {"year": 2024}).json()
    assert [row[0] for row in rows(body, "by_industry")] == ["0 先进制造", "A 高精尖", "B 航空"]
    assert [row[0] for row in rows(body, "by_steward")] == ["王芳", "李雷", "（无）"]
    assert [row[0] for row in rows(body, "by_chain")] == ["A 智能制造", "（无）"]


def test_an_empty_period_counts_no_interactions(api, district):
    body = api.get(URL, {"since": "2020-01-01", "until": "2020-12-31"}).json()
    assert body["figures"]["interactions"] == 0
    assert body["tables"]["interactions"]["rows"] == []
    assert body["figures"]["overdue"] == 2  # coverage is as of today


def test_a_period_from_mid_month_to_mid_month_counts_its_months(api, district):
    """A period that starts and ends within a month and spans two years: the interaction of
    31 December counts in December 2023, that of 1 April in April; May's and June's are
    outside it."""
    body = api.get(URL, {"since": "2023-12-15", "until": "2024-04-10"}).json()
    assert rows(body, "interactions") == [("王芳", "2024-04", 1), ("李雷", "2023-12", 1)]
    assert body["figures"]["interactions"] == 2


def test_no_partners_give_no_share(api, today):
    body = api.get(URL, {"year": 2024}).json()
    assert body["figures"] == {
        "partners": 0,
        "contacted_in_cadence": 0,
        "overdue": 0,
        "share": None,
        "interactions": 0,
    }
    assert all(table["rows"] == [] for table in body["tables"].values())


def test_filters_select_partners_and_recorders(api, district):
    by_steward = api.get(URL, {"year": 2024, "steward": district.wang.pk}).json()
    assert (by_steward["figures"]["partners"], by_steward["figures"]["overdue"]) == (2, 1)
    assert rows(by_steward, "interactions") == [("王芳", "2024-04", 1), ("王芳", "2024-06", 2)]
    by_industry = api.get(URL, {"year": 2024, "industry": district.industry.pk}).json()
    assert by_industry["figures"]["partners"] == 2
    assert by_industry["figures"]["interactions"] == 3
    by_chain = api.get(URL, {"year": 2024, "chain": district.chain.pk}).json()
    assert [r[0] for r in rows(by_chain, "overdue")] == ["B乙科技"]
    by_zone = api.get(URL, {"year": 2024, "zone": district.zone.pk}).json()
    assert (by_zone["figures"]["partners"], by_zone["figures"]["interactions"]) == (1, 2)
    assert api.get(URL, {"steward": "x"}).status_code == 400


def test_the_cadence_rules_set_the_days_overdue(api, district):
    from partners.models import VisitCadenceRule

    VisitCadenceRule.objects.filter(group="other").update(days=100)
    body = api.get(URL, {"year": 2024}).json()
    assert rows(body, "overdue")[0][0::5] == ("C丙科技", 80)


def test_the_workbook_has_the_same_numbers(api, district):
    body = api.get(URL, {"year": 2024}).json()
    response = api.get(f"{URL}export/", {"year": 2024})
    book = load_workbook(io.BytesIO(response.content))
    summary = dict(list(book.worksheets[0].values)[1:])
    assert list(summary.values()) == list(body["figures"].values())
    for sheet, (key, table) in zip(book.worksheets[1:], body["tables"].items(), strict=True):
        found = list(sheet.values)[1:]
        expected = [tuple(row.values()) for row in table["rows"]]
        assert len(found) == len(expected), key
        for line, row in zip(found, expected, strict=True):
            assert [_plain(v) for v in line] == [_plain(v) for v in row], key


def test_the_page_shows_the_first_overdue_and_the_workbook_all(api, district, settings):
    """The first rows of the overdue list are read with the breakdowns (cached apart from the
    period); the workbook still reads the whole list."""
    settings.REPORT_ROWS_SHOWN = 1
    body = api.get(URL, {"year": 2024}).json()
    overdue = body["tables"]["overdue"]
    assert len(overdue["rows"]) == 1 < overdue["row_count"] == body["figures"]["overdue"]
    book = load_workbook(io.BytesIO(api.get(f"{URL}export/", {"year": 2024}).content))
    sheet = next(ws for ws in book.worksheets if ws.title == overdue["title"])
    assert len(list(sheet.values)) - 1 == overdue["row_count"]
    assert list(sheet.values)[1][0] == overdue["rows"][0]["partner"]


def overdue_across_groups() -> list[tuple[str, int, int]]:
    """Partners of the three cadence groups overdue by as much as each other's: a
    chain-leader unit (30 days), doubling-plan catalogue enterprises (60) and the rest (90),
    as of ``NOW``; the whole overdue list as ``(name, cadence, days overdue)``, most overdue
    first, ties by name, then in the order they were added."""
    leader = PartnerFactory(name="C链长", last_contacted_at=at(2024, 3, 1, 10, 0))
    ChainLeaderAppointment.objects.create(partner=leader, chain=ChainFactory(), year=2024)
    last_year = PartnerFactory(name="D链长", last_contacted_at=at(2024, 3, 1, 10, 0))
    ChainLeaderAppointment.objects.create(partner=last_year, chain=ChainFactory(), year=2023)
    for name, contacted in (
        ("A名录", at(2024, 1, 15, 9)),
        ("B其他", at(2024, 1, 31, 9)),  # a namesake of the rest's, in the catalogue
        ("F名录", at(2024, 4, 1, 9)),
    ):
        PartnerFactory(name=name, in_doubling_catalogue=True, last_contacted_at=contacted)
    for name, contacted in (
        ("B其他", at(2024, 1, 1, 9)),
        ("E其他", at(2023, 12, 1, 0, 30)),  # 30 November in UTC: 1 December here
        ("G其他", at(2023, 12, 1, 23, 0)),
        ("H其他", at(2024, 3, 20, 9)),
        ("I其他", at(2024, 6, 1, 9)),  # in cadence
    ):
        PartnerFactory(name=name, last_contacted_at=contacted)
    PartnerFactory(name="J其他", joined_on=dt.date(2024, 5, 1))  # never contacted, in cadence
    return [
        ("E其他", 90, 122),
        ("G其他", 90, 122),
        ("A名录", 60, 107),
        ("B其他", 60, 91),
        ("B其他", 90, 91),
        ("C链长", 30, 91),
        ("D链长", 90, 31),  # on last year's roster, not this year's: the rest's 90 days
        ("F名录", 60, 30),
        ("H其他", 90, 12),
    ]


def test_the_first_overdue_rows_are_those_of_the_whole_list(api, today, settings):
    """The page's first rows of the overdue list are found cadence group by cadence group,
    then ordered: whatever their number, they are the first of the workbook's whole list,
    most overdue first, ties by name across the groups (namesakes in the order they were
    added), days counted in Beijing's days. Read without the fallback to the whole list that
    the page takes when they fall short."""
    expected = overdue_across_groups()
    book = load_workbook(io.BytesIO(api.get(f"{URL}export/", {"year": 2024}).content))
    title = api.get(URL, {"year": 2024}).json()["tables"]["overdue"]["title"]
    sheet = next(ws for ws in book.worksheets if ws.title == title)
    assert [(line[0], line[2], line[5]) for line in list(sheet.values)[1:]] == expected
    partners = with_visit_baseline(Partner.objects.filter(in_plan()))
    groups = visit_overdue_groups(NOW)
    for shown in range(1, len(expected) + 2):
        settings.REPORT_ROWS_SHOWN = shown
        first = coverage._first_overdue_rows(partners, groups)
        overdue = api.get(URL, {"year": 2024}).json()["tables"]["overdue"]
        for rows_read in (first, overdue["rows"]):
            found = [(r["partner"], r["cadence_days"], r["days_overdue"]) for r in rows_read]
            assert found == expected[:shown]
        assert overdue["row_count"] == len(expected)


@pytest.mark.parametrize("group", [1, 2], ids=["doubling-plan catalogue", "the rest"])
def test_a_cadence_group_s_most_overdue_are_read_from_the_index_in_order(today, group):
    """Were the order and the index ``partner_visit_day_name`` built from different expressions
    (another baseline, day or zone), PostgreSQL would compute and sort the days of every
    overdue partner. (The chain-leader units, group 0, are a few dozen, in the catalogue or
    not: they are sorted.)"""
    overdue_across_groups()
    partners = with_visit_baseline(Partner.objects.filter(in_plan()))
    most_overdue = coverage._most_overdue(partners, visit_overdue_groups(NOW)[group])
    read = plan(most_overdue.values_list("pk", flat=True)[:3], off=ONLY_INDEX_ORDER)
    assert "partner_visit_day_name" in read, read
    assert "Sort" not in read, read


@pytest.mark.django_db(transaction=True)
def test_the_breakdowns_read_the_partners_from_an_index_alone(api, district):
    """Coverage by industry (as by steward and chain) reads the partners in the plan from
    ``partner_in_plan_visit_fields``: were the report's filter or the overdue test to read a
    column the index lacks, or its condition to drift from the report's, PostgreSQL would read
    the whole table again (13,000 pages at ten times district scale). Committed and vacuumed,
    as a table at rest is, so that reading an index alone costs what it costs at scale."""
    with CaptureQueriesContext(connection) as queries:
        assert api.get(URL, {"year": 2024}).status_code == 200
    industry = 'SELECT "partners_partner_industries"."industry_id"'
    (by_industry,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(industry)]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE partners_partner, partners_partner_industries")
    # Plain index scans off too: a transaction left open elsewhere in the suite can keep the
    # vacuum from marking the pages visible to all, and the planner then rightly prefers
    # another index.
    read = plan(by_industry, off=ONLY_INDEX_ALONE)
    assert "Index Only Scan using partner_in_plan_visit_fields on partners_partner" in read, read


def _plain(value):
    """The workbook's cell as the JSON shows it (dates as ISO text, local times)."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time.min:
            return value.date().isoformat()
        return value.replace(tzinfo=BEIJING).isoformat()
    if isinstance(value, str) and "T" in value and "+08:00" in value:
        return value
    return value


def count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL, {"year": 2024, **params}).status_code == 200
    return len(context.captured_queries)


def test_a_fixed_number_of_queries(client, manager, district):
    """The request's own queries (session, user, roles …), then seventeen: the industry tree
    for the partners and for the interactions, the cadence rules twice for the cached part
    (the roster's year is a subquery), its three breakdowns (the totals are the stewards'
    sums) and the overdue list's first rows (the most overdue of each of the three cadence
    groups, then those ordered), the cadence rules twice again for the whole overdue list,
    the names of the users, industries and chains and the interactions per month."""
    client.force_login(manager)
    small = count_queries(client, industry=district.industry.pk)
    for n in range(5):
        partner = PartnerFactory(steward=UserFactory(), industries=[district.industry])
        interaction_record(
            partner=partner,
            actor=UserFactory(),
            kind="call",
            occurred_at=at(2024, 2, n + 1),
            summary="电话",
        )
    assert count_queries(client, industry=district.industry.pk) == small == 20


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR])
def test_those_who_read_everything_read_it(client, role, today):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(URL).status_code == 200


def test_a_chain_leader_unit_cannot_read_it(client, today):
    client.force_login(UserFactory(roles=[Role.CHAIN_LEADER], partner=PartnerFactory()))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}export/").status_code == 403
