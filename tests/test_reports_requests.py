"""The request-handling report: exact figures on a hand-built set of requests (one resolved late
on the deadline day's evening, one just after midnight), working days across the Qingming
holiday, an empty period, the filters, JSON against the workbook, a fixed number of queries and
who may read it."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from core.reports import Period
from partners.models import EnterpriseRequest
from partners.reports.requests import request_handling
from partners.services.engagement import request_handling_workdays
from partners.workdays import workdays_between
from tests.factories import (
    CarrierFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/requests/"
MARCH = {"since": "2024-03-01", "until": "2024-03-31"}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def make_request(partner, received_on, deadline, *, resolved_at=None, **fields):
    status = fields.pop("status", "resolved" if resolved_at else "received")
    return EnterpriseRequest.objects.create(
        partner=partner,
        raised_by=partner.steward or UserFactory(),
        description=fields.pop("description", "诉求"),
        received_on=received_on,
        deadline=deadline,
        resolved_at=resolved_at,
        handling_workdays=resolved_at and request_handling_workdays(received_on, resolved_at),
        status=status,
        **fields,
    )


@pytest.fixture
def world(db):
    parent = IndustryFactory(name="先进制造")
    zone = CarrierFactory(name="丽泽金融商务区", kind="zone")
    segment = SegmentFactory()
    steward = UserFactory(full_name="王管家", roles=[Role.STAFF])
    ours = PartnerFactory(
        name="甲科技有限公司",
        steward=steward,
        industries=[IndustryFactory(name="轨道交通", parent=parent)],
        carrier=CarrierFactory(name="丽泽SOHO", zone=zone),
    )
    ours.segments.add(segment)
    theirs = PartnerFactory(name="乙科技有限公司")
    d = dt.date
    # Received in March 2024: five requests.
    make_request(
        ours,
        d(2024, 3, 4),
        d(2024, 3, 11),
        resolved_at=at(2024, 3, 11, 23, 30),  # the deadline day, late evening: on time
        category="policy",
        owner_department="区发改委",
        satisfaction=5,
    )
    make_request(
        ours,
        d(2024, 3, 4),
        d(2024, 3, 11),
        resolved_at=at(2024, 3, 12, 0, 30),  # just after midnight: a day late
        category="policy",
        owner_department="区发改委",
        satisfaction=3,
    )
    make_request(
        theirs,
        d(2024, 3, 5),
        d(2024, 3, 12),
        resolved_at=at(2024, 3, 5, 9, 0),  # the day it came in: 0 working days
        closed_at=at(2024, 3, 6, 9, 0),
        status="closed",
        category="space",
        owner_department="区商务局",
        satisfaction=4,
    )
    make_request(
        theirs,
        d(2024, 3, 6),
        d(2024, 3, 13),
        status="in_progress",
        category="space",
        description="仍在办理",
    )
    make_request(
        theirs,
        d(2024, 3, 25),
        d(2024, 4, 1),
        resolved_at=at(2024, 4, 10, 15, 0),  # across Qingming (Sunday 7 April worked): 11
        category="finance",
        owner_department="区商务局",
    )
    # Received before the period: not counted, but still open and overdue.
    make_request(
        ours,
        d(2024, 2, 20),
        d(2024, 2, 27),
        category="talent",
        owner_department="区商务局",
        description="人才公寓",
    )
    return {"parent": parent, "zone": zone, "chain": segment.chain, "steward": steward}


def test_the_figures_are_exact(api, world):
    body = api.get(URL, MARCH).json()
    assert body["figures"] == {
        "received": 5,
        "resolved": 4,
        "resolved_on_time": 2,
        "average_handling_days": 5.5,
        "p90_handling_days": 9.5,
        "average_satisfaction": 4.0,
        "overdue": 2,
    }


def test_by_category_and_by_department(api, world):
    tables = api.get(URL, MARCH).json()["tables"]
    assert tables["by_category"]["rows"] == [
        {
            "category": "政策",
            "received": 2,
            "resolved": 2,
            "resolved_on_time": 1,
            "average_handling_days": 5.5,
            "p90_handling_days": 5.9,
            "average_satisfaction": 4.0,
        },
        {
            "category": "空间",
            "received": 2,
            "resolved": 1,
            "resolved_on_time": 1,
            "average_handling_days": 0.0,
            "p90_handling_days": 0.0,
            "average_satisfaction": 4.0,
        },
        {
            "category": "融资",
            "received": 1,
            "resolved": 1,
            "resolved_on_time": 0,
            "average_handling_days": 11.0,
            "p90_handling_days": 11.0,
            "average_satisfaction": None,
        },
    ]
    rows = tables["by_department"]["rows"]
    assert [(r["owner_department"], r["received"], r["resolved"]) for r in rows] == [
        ("区发改委", 2, 2),
        ("区商务局", 2, 2),
        (rows[2]["owner_department"], 1, 0),
    ]
    assert (rows[1]["average_handling_days"], rows[1]["p90_handling_days"]) == (5.5, 9.9)
    assert rows[2]["average_handling_days"] is None


def test_the_overdue_list_whatever_the_period(api, world):
    today = timezone.localdate()
    rows = api.get(URL, MARCH).json()["tables"]["overdue"]["rows"]
    assert [(r["partner"], r["description"], r["deadline"]) for r in rows] == [
        ("甲科技有限公司", "人才公寓", "2024-02-27"),
        ("乙科技有限公司", "仍在办理", "2024-03-13"),
    ]
    assert rows[0]["working_days_overdue"] == workdays_between(dt.date(2024, 2, 27), today)
    assert rows[0]["status"] == "已受理"


def test_the_overdue_list_names_each_owner_by_full_name_else_login(api, world):
    owners = {"仍在办理": UserFactory(full_name="李办理"), "人才公寓": UserFactory(full_name="")}
    for description, owner in owners.items():
        EnterpriseRequest.objects.filter(description=description).update(owner=owner)

    rows = api.get(URL, MARCH).json()["tables"]["overdue"]["rows"]

    assert {row["description"]: row["owner"] for row in rows} == {
        "仍在办理": "李办理",
        "人才公寓": owners["人才公寓"].username,
    }
    EnterpriseRequest.objects.update(owner=None)
    assert {row["owner"] for row in api.get(URL, MARCH).json()["tables"]["overdue"]["rows"]} == {""}


def test_a_request_resolved_on_the_deadline_day_is_on_time(api, world):
    EnterpriseRequest.objects.exclude(deadline=dt.date(2024, 3, 11)).delete()
    EnterpriseRequest.objects.filter(satisfaction=3).delete()
    figures = api.get(URL, MARCH).json()["figures"]
    assert (figures["resolved"], figures["resolved_on_time"]) == (1, 1)
    assert figures["average_handling_days"] == 5.0


def test_an_empty_period(api, world):
    body = api.get(URL, {"since": "2020-01-01", "until": "2020-12-31"}).json()
    assert body["figures"] == {
        "received": 0,
        "resolved": 0,
        "resolved_on_time": 0,
        "average_handling_days": None,
        "p90_handling_days": None,
        "average_satisfaction": None,
        "overdue": 2,
    }
    assert body["tables"]["by_category"]["rows"] == []
    assert body["tables"]["by_department"]["rows"] == []


@pytest.mark.parametrize("name", ["parent", "zone", "chain", "steward"])
def test_each_partner_filter_keeps_only_that_partners_requests(api, world, name):
    key = {"parent": "industry"}.get(name, name)
    body = api.get(URL, {**MARCH, key: world[name].pk}).json()
    figures = body["figures"]
    assert (figures["received"], figures["resolved"], figures["overdue"]) == (2, 2, 1)
    assert figures["p90_handling_days"] == 5.9


def test_the_workbook_has_the_same_numbers(api, world):
    body = api.get(URL, MARCH).json()
    response = api.get(f"{URL}export/", MARCH)
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].values)[1:]
    assert [value for _label, value in summary] == list(body["figures"].values())
    for sheet, key in ((1, "by_category"), (2, "by_department")):
        rows = list(book.worksheets[sheet].values)[1:]
        expected = [tuple(row.values()) for row in body["tables"][key]["rows"]]
        assert rows == expected
    overdue = list(book.worksheets[3].values)[1:]
    assert [row[0] for row in overdue] == ["甲科技有限公司", "乙科技有限公司"]


def test_a_fixed_number_of_queries(world):
    params = {"period": Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31))}
    with CaptureQueriesContext(connection) as small:
        request_handling(None, params)
    partner = PartnerFactory()
    for day in range(1, 20):
        make_request(
            partner,
            dt.date(2024, 3, day),
            dt.date(2024, 3, 29),
            resolved_at=at(2024, 3, 28, 10, 0) if day % 2 else None,
            category=["policy", "market", "other"][day % 3],
            owner_department=f"部门{day % 4}",
        )
    with CaptureQueriesContext(connection) as large:
        report = request_handling(None, params)
    assert report.figures[0].value == 24
    assert len(small) == len(large) == 4


def test_bad_parameters_are_refused(api):
    assert api.get(URL, {"since": "2024-12-01", "until": "2024-01-01"}).status_code == 400
    assert api.get(URL, {"steward": "x"}).status_code == 400


def test_who_may_read_it(client, world):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    assert client.get(URL).status_code == 200
    client.force_login(UserFactory(roles=[Role.CHAIN_LEADER], partner=PartnerFactory()))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}export/").status_code == 403


def test_a_long_list_shows_its_first_rows_and_the_workbook_has_them_all(api, world, settings):
    settings.REPORT_ROWS_SHOWN = 1
    table = api.get(URL, MARCH).json()["tables"]["overdue"]
    assert [row["partner"] for row in table["rows"]] == ["甲科技有限公司"]
    assert table["row_count"] == 2
    book = load_workbook(io.BytesIO(api.get(f"{URL}export/", MARCH).content))
    overdue = list(book.worksheets[3].values)[1:]
    assert [row[0] for row in overdue] == ["甲科技有限公司", "乙科技有限公司"]
