"""The doubling-plan report: each catalogue enterprise against its base year, exactly on the path
to ×2 and off it, a zero base, an enterprise in its base year, one without figures, the district
totals, an empty period, the filters, JSON against the workbook, a fixed number of queries and
who may read it."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.roles import Role
from core.reports import Period
from partners.models import DoublingIndicator
from partners.reports.doubling import HORIZON_YEARS, doubling_progress, expected_ratio
from tests.factories import CarrierFactory, PartnerFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/doubling/"


def figures(partner, year, revenue, tax, rd_spending, employees):
    DoublingIndicator.objects.create(
        partner=partner,
        year=year,
        revenue=revenue,
        tax=tax,
        rd_spending=rd_spending,
        employees=employees,
    )


@pytest.fixture
def world(db):
    zone = CarrierFactory(name="丰台科技园", kind="zone")
    segment = SegmentFactory()
    steward = UserFactory(roles=[Role.STAFF])
    first = PartnerFactory(
        name="A甲科技有限公司",
        in_doubling_catalogue=True,
        steward=steward,
        carrier=CarrierFactory(zone=zone),
    )
    first.segments.add(segment)
    figures(first, 2022, 1000, 100, 50, 100)
    figures(first, 2023, 1300, 110, 80, 120)
    figures(first, 2024, 1500, 120, 70, 150)  # ×1.5, ×1.2, ×1.4 (on the path), ×1.5
    second = PartnerFactory(name="B乙科技有限公司", in_doubling_catalogue=True)
    figures(second, 2023, 2000, 300, 0, 50)
    figures(second, 2024, 2100, 360, 10, 55)  # ×1.05, ×1.2, zero base, ×1.1
    third = PartnerFactory(name="C丙科技有限公司", in_doubling_catalogue=True)
    figures(third, 2024, 500, 40, 20, 30)  # its base year: nothing judged yet
    PartnerFactory(name="D丁科技有限公司", in_doubling_catalogue=True)  # no figures
    later = PartnerFactory(name="E戊科技有限公司", in_doubling_catalogue=True)
    figures(later, 2025, 800, 80, 8, 80)  # base after the period
    PartnerFactory(name="F己科技有限公司")  # not in the catalogue
    return {"zone": zone, "chain": segment.chain, "steward": steward}


def test_each_enterprise_against_its_base_year(api, world):
    rows = api.get(URL, {"year": 2024}).json()["tables"]["enterprises"]["rows"]
    assert [row["partner"][0] for row in rows] == ["A", "B", "C", "D", "E"]
    first, second, third, none, later = rows
    assert first == {
        "partner": "A甲科技有限公司",
        "base_year": 2022,
        "latest_year": 2024,
        "expected_ratio": 1.4,
        "base_revenue": "1000.00",
        "latest_revenue": "1500.00",
        "revenue_ratio": 1.5,
        "base_tax": "100.00",
        "latest_tax": "120.00",
        "tax_ratio": 1.2,
        "base_rd_spending": "50.00",
        "latest_rd_spending": "70.00",
        "rd_spending_ratio": 1.4,
        "base_employees": 100,
        "latest_employees": 150,
        "employees_ratio": 1.5,
        "indicators_on_track": 3,
        "on_track": True,
    }
    assert (second["expected_ratio"], second["revenue_ratio"], second["tax_ratio"]) == (
        1.2,
        1.05,
        1.2,
    )
    assert (second["rd_spending_ratio"], second["employees_ratio"]) == (None, 1.1)
    assert (second["indicators_on_track"], second["on_track"]) == (1, False)
    assert (third["base_year"], third["latest_year"], third["revenue_ratio"]) == (2024, 2024, 1.0)
    assert (third["indicators_on_track"], third["on_track"]) == (None, None)
    assert (none["base_year"], none["latest_year"], none["on_track"]) == (None, None, None)
    assert (later["base_year"], later["latest_year"], later["latest_revenue"]) == (
        2025,
        None,
        None,
    )


def test_the_district_totals(api, world):
    assert api.get(URL, {"year": 2024}).json()["figures"] == {
        "catalogue_enterprises": 5,
        "reporting": 3,
        "on_track": 1,
        "base_revenue_total": "3500.00",
        "latest_revenue_total": "4100.00",
        "revenue_ratio": 1.17,
        "base_tax_total": "440.00",
        "latest_tax_total": "520.00",
        "tax_ratio": 1.18,
        "base_rd_spending_total": "70.00",
        "latest_rd_spending_total": "100.00",
        "rd_spending_ratio": 1.43,
        "base_employees_total": 180,
        "latest_employees_total": 235,
        "employees_ratio": 1.31,
    }


def test_the_latest_year_is_the_last_one_in_the_period(api, world):
    body = api.get(URL, {"since": "2020-01-01", "until": "2023-12-31"}).json()
    first = body["tables"]["enterprises"]["rows"][0]
    assert (first["latest_year"], first["revenue_ratio"], first["expected_ratio"]) == (
        2023,
        1.3,
        1.2,
    )
    assert first["on_track"] is True
    assert (body["figures"]["reporting"], body["figures"]["latest_revenue_total"]) == (
        2,
        "3300.00",
    )


def test_an_empty_period(api, world):
    body = api.get(URL, {"year": 2010}).json()
    assert body["figures"]["reporting"] == 0
    assert body["figures"]["on_track"] == 0
    assert body["figures"]["base_revenue_total"] == "0.00"
    assert body["figures"]["base_employees_total"] == 0
    assert body["figures"]["revenue_ratio"] is None
    assert {row["latest_year"] for row in body["tables"]["enterprises"]["rows"]} == {None}


@pytest.mark.parametrize("name", ["zone", "chain", "steward"])
def test_each_filter_keeps_only_that_enterprise(api, world, name):
    body = api.get(URL, {"year": 2024, name: world[name].pk}).json()
    assert [row["partner"] for row in body["tables"]["enterprises"]["rows"]] == ["A甲科技有限公司"]
    assert body["figures"]["revenue_ratio"] == 1.5


def test_the_path_to_twice_the_base():
    assert HORIZON_YEARS == 5
    assert [expected_ratio(years) for years in (0, 1, 2, 5, 8)] == [
        Decimal("1.00"),
        Decimal("1.20"),
        Decimal("1.40"),
        Decimal("2.00"),
        Decimal("2.00"),
    ]


def _number(value):
    return None if value is None else Decimal(str(value))


def test_the_workbook_has_the_same_numbers(api, world):
    body = api.get(URL, {"year": 2024}).json()
    book = load_workbook(io.BytesIO(api.get(f"{URL}export/", {"year": 2024}).content))
    summary = [value for _label, value in list(book.worksheets[0].values)[1:]]
    assert [_number(v) for v in summary] == [_number(v) for v in body["figures"].values()]
    sheet = list(book.worksheets[1].values)[1:]
    keys = [column["key"] for column in body["tables"]["enterprises"]["columns"]]
    first = dict(zip(keys, sheet[0], strict=True))
    expected = body["tables"]["enterprises"]["rows"][0]
    assert first["partner"] == expected["partner"]
    numbers = [k for k in keys if k not in ("partner", "on_track")]
    assert [_number(first[k]) for k in numbers] == [_number(expected[k]) for k in numbers]
    assert first["on_track"] == "是"


def _shown(params):
    """The report as its page shows it: the figures, then the table's first rows."""
    report = doubling_progress(None, params)
    return report, report.tables[0].rows.head(500)


def test_a_fixed_number_of_queries(world):
    """The figures in one query, the rows shown in one more, however many enterprises."""
    params = {"period": Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))}
    with CaptureQueriesContext(connection) as small:
        _shown(params)
    for n in range(10):
        partner = PartnerFactory(in_doubling_catalogue=True)
        figures(partner, 2022, 100 + n, 10, 5, 10)
        figures(partner, 2024, 300, 10, 5, 10)
    with CaptureQueriesContext(connection) as large:
        report, rows = _shown(params)
    assert report.figures[0].value == len(rows) == 15
    assert sum(row["on_track"] is True for row in rows) == 11 == report.figures[2].value
    assert len(small) == len(large) == 2


def test_the_table_is_read_as_far_as_shown(api, world, settings):
    settings.REPORT_ROWS_SHOWN = 2
    table = api.get(URL, {"year": 2024}).json()["tables"]["enterprises"]
    assert [row["partner"][0] for row in table["rows"]] == ["A", "B"]
    assert table["row_count"] == 5


def test_who_may_read_it(client, world):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    assert client.get(URL).status_code == 200
    leader = PartnerFactory(in_doubling_catalogue=True)
    client.force_login(UserFactory(roles=[Role.CHAIN_LEADER], partner=leader))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}export/").status_code == 403


def test_on_track_agrees_with_the_ratios_shown(api, world):
    """The rule is decided in the database; the ratios a reader sees must tell the same."""
    rows = api.get(URL, {"year": 2024}).json()["tables"]["enterprises"]["rows"]
    judged = [row for row in rows if row["on_track"] is not None]
    assert len(judged) == 2
    for row in judged:
        assert row["on_track"] == (row["revenue_ratio"] >= row["expected_ratio"])
        on_track = [
            row[f"{key}_ratio"] >= row["expected_ratio"]
            for key in ("revenue", "tax", "rd_spending", "employees")
            if row[f"{key}_ratio"] is not None
        ]
        assert row["indicators_on_track"] == sum(on_track)
