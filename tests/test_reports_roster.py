"""The recognition and roster report: exact rosters, lists and year-over-year counts from a
hand-built data set, the filters, an empty year, the same numbers in the workbook, a fixed number
of queries, and what a chain-leader unit sees (its own chains' roster, no recognitions)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.roles import Role
from chains.models import ChainLeaderAppointment
from partners.models import Carrier, Recognition
from tests.factories import (
    CarrierFactory,
    ChainFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/roster/"


@pytest.fixture
def roster(db):
    aviation = IndustryFactory(name="航空航天", position=1)
    digital = IndustryFactory(name="数字经济", position=2)
    first = ChainFactory(name="航空航天链", industry=aviation, position=1)
    second = ChainFactory(name="数字经济链", industry=digital, position=2)
    steward = UserFactory(roles=[Role.STAFF])
    zone = CarrierFactory(name="丽泽金融商务区", kind=Carrier.Kind.ZONE)
    alpha = PartnerFactory(name="Alpha科技有限公司", steward=steward, industries=[aviation])
    beta = PartnerFactory(name="Beta科技有限公司", carrier=CarrierFactory(zone=zone))
    gamma = PartnerFactory(name="Gamma科技有限公司")
    gamma.segments.add(SegmentFactory(chain=second))
    for year, partner, chain in [
        (2023, alpha, first),
        (2023, gamma, second),
        (2024, alpha, first),
        (2024, beta, first),
        (2024, alpha, second),
        (2024, gamma, second),
    ]:
        ChainLeaderAppointment.objects.create(year=year, partner=partner, chain=chain)
    for year, partner, title, category in [
        (2022, gamma, "B 优秀发展伙伴", "partner"),
        (2023, alpha, "A 贡献突出市场主体", "chain_leader"),
        (2023, beta, "B 优秀发展伙伴", "partner"),
        (2024, alpha, "A 优秀链长单位", "chain_leader"),
        (2024, beta, "B 优秀发展伙伴", "partner"),
        (2024, gamma, "B 优秀发展伙伴", "partner"),
    ]:
        Recognition.objects.create(year=year, partner=partner, title=title, category=category)
    return {
        "industry": aviation,
        "chain": second,
        "steward": steward,
        "zone": zone,
        "beta": beta,
    }


def get(client, **params):
    response = client.get(URL, {"year": 2024, **params})
    assert response.status_code == 200, response.content
    return response.json()


def rows(body, table):
    return body["tables"][table]["rows"]


def roster_lines(body):
    return [(r["chain"], r["partner"]) for r in rows(body, "roster")]


def recognition_lines(body):
    return [(r["title"], r["partner"]) for r in rows(body, "recognitions")]


def test_the_years_roster_and_recognitions(api, roster):
    body = get(api)
    assert body["figures"] == {"year": 2024, "roster": 4, "units": 3, "recognitions": 3}
    assert roster_lines(body) == [
        ("航空航天链", "Alpha科技有限公司"),
        ("航空航天链", "Beta科技有限公司"),
        ("数字经济链", "Alpha科技有限公司"),
        ("数字经济链", "Gamma科技有限公司"),
    ]
    assert rows(body, "roster")[0]["industry"] == "航空航天"
    assert recognition_lines(body) == [
        ("A 优秀链长单位", "Alpha科技有限公司"),
        ("B 优秀发展伙伴", "Beta科技有限公司"),
        ("B 优秀发展伙伴", "Gamma科技有限公司"),
    ]


def test_year_over_year_with_the_change_from_the_previous_year(api, roster):
    years = rows(get(api), "years")
    keys = ["year", "roster", "roster_change", "units", "units_change"]
    keys += ["chain_leader", "chain_leader_change", "partner", "partner_change"]
    keys += ["recognitions", "recognitions_change"]
    assert [[row[key] for key in keys] for row in years] == [
        [2022, 0, None, 0, None, 0, None, 1, None, 1, None],
        [2023, 2, 2, 2, 2, 1, 1, 1, 0, 2, 1],
        [2024, 4, 2, 3, 1, 1, 0, 2, 1, 3, 1],
    ]


@pytest.mark.parametrize(
    ("key", "roster_expected", "recognitions_expected"),
    [
        ("industry", [("航空航天链", "Alpha"), ("航空航天链", "Beta")], ["Alpha"]),
        ("chain", [("数字经济链", "Alpha"), ("数字经济链", "Gamma")], ["Gamma"]),
        ("steward", [("航空航天链", "Alpha"), ("数字经济链", "Alpha")], ["Alpha"]),
        ("zone", [("航空航天链", "Beta")], ["Beta"]),
    ],
)
def test_the_filters(api, roster, key, roster_expected, recognitions_expected):
    body = get(api, **{key: roster[key].pk})
    assert [(c, p.removesuffix("科技有限公司")) for c, p in roster_lines(body)] == roster_expected
    recognised = [p.removesuffix("科技有限公司") for _t, p in recognition_lines(body)]
    assert recognised == recognitions_expected


def test_an_empty_year(api, roster):
    body = get(api, year=2020)
    assert body["figures"] == {"year": 2020, "roster": 0, "units": 0, "recognitions": 0}
    assert rows(body, "roster") == rows(body, "recognitions") == []
    assert [row["year"] for row in rows(body, "years")] == [2022, 2023, 2024]


def test_nothing_at_all(api, db):
    body = get(api)
    assert body["figures"] == {"year": 2024, "roster": 0, "units": 0, "recognitions": 0}
    assert rows(body, "years") == []


def test_a_chain_leader_unit_sees_its_own_chains_roster_and_no_recognitions(client, roster):
    client.force_login(UserFactory(roles=[Role.CHAIN_LEADER], partner=roster["beta"]))
    body = get(client)
    assert roster_lines(body) == [
        ("航空航天链", "Alpha科技有限公司"),
        ("航空航天链", "Beta科技有限公司"),
    ]
    assert body["figures"] == {"year": 2024, "roster": 2, "units": 2}
    assert set(body["tables"]) == {"roster", "years"}
    assert [tuple(row.values()) for row in rows(body, "years")] == [
        (2023, 1, None, 1, None),
        (2024, 2, 1, 2, 1),
    ]
    assert client.get(f"{URL}export/").status_code == 200


def test_the_workbook_has_the_same_numbers(api, roster):
    body = get(api)
    book = load_workbook(io.BytesIO(api.get(f"{URL}export/", {"year": 2024}).content))
    summary = list(book.worksheets[0].values)[1:]
    assert [value for _label, value in summary] == list(body["figures"].values())
    for sheet, (key, table) in zip(book.worksheets[1:], body["tables"].items(), strict=True):
        values = list(sheet.values)[1:]
        expected = [tuple(_cell(v) for v in row.values()) for row in table["rows"]]
        assert [tuple(line) for line in values] == expected, key


def _cell(value):
    return None if value == "" else value


def _queries(client) -> int:
    get(client)  # the user's roles are read once, then cached
    with CaptureQueriesContext(connection) as context:
        get(client)
    return len(context.captured_queries)


def test_a_fixed_number_of_queries(api, roster):
    small = _queries(api)
    for n in range(5):
        partner = PartnerFactory()
        ChainLeaderAppointment.objects.create(year=2020 + n, partner=partner, chain=ChainFactory())
        Recognition.objects.create(year=2020 + n, partner=partner, title="榜", category="partner")
    assert _queries(api) == small == 4
    leader = APIClient()
    leader.force_authenticate(UserFactory(roles=[Role.CHAIN_LEADER], partner=roster["beta"]))
    assert _queries(leader) == 2


def test_others_without_a_role_cannot_read_it(client, db):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}export/").status_code == 403


def test_auditors_and_staff_read_everything(client, roster):
    for role in (Role.AUDITOR, Role.STAFF):
        client.force_login(UserFactory(roles=[role]))
        assert get(client)["figures"]["recognitions"] == 3
