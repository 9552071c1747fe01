"""The district overview report: exact figures from a small hand-built data set, the same
numbers in the API and the workbook, and who may read it."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from chains.models import ChainLeaderAppointment
from partners.models import Partner
from projects.models import Project
from tests.factories import ChainFactory, EventFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    conference = EventFactory(name="2024年大会", date=dt.date(2024, 4, 23), kind="conference")
    first = PartnerFactory(joined_on=dt.date(2024, 4, 23), joined_at_event=conference)
    PartnerFactory(joined_on=dt.date(2023, 3, 30))
    PartnerFactory(joined_on=dt.date(2024, 5, 1), status=Partner.Status.WITHDRAWN)
    chain = ChainFactory()
    ChainLeaderAppointment.objects.create(partner=first, chain=chain, year=2024)
    for n in range(3):
        Project.objects.create(
            code=f"P{n}",
            name=f"项目{n}",
            kind="other",
            promoted_at=conference,
            signed_at=conference if n == 0 else None,
        )
    return conference


def test_the_overview_counts_exactly(api, district):
    body = api.get("/api/v1/reports/overview/", {"year": 2024}).json()
    assert body["figures"] == {
        "partners": 3,
        "withdrawn": 1,
        "joined_in_period": 2,
        "doubling_catalogue": 0,
        "roster_year": 2024,
        "chain_leader_units": 1,
        "chains_led": 1,
        "work_camps": 0,
        "projects": 3,
        "projects_promoted": 3,
        "projects_signed": 1,
    }
    assert body["tables"]["events"]["rows"] == [
        {
            "event": "2024年大会",
            "date": "2024-04-23",
            "partners_joined": 1,
            "projects_promoted": 3,
            "projects_signed": 1,
        }
    ]


def test_an_empty_period_has_zeros_and_no_events(api, district):
    body = api.get("/api/v1/reports/overview/", {"since": "2020-01-01", "until": "2020-12-31"})
    figures = body.json()["figures"]
    assert (figures["joined_in_period"], figures["projects_promoted"]) == (0, 0)
    assert body.json()["tables"]["events"]["rows"] == []


def test_the_workbook_has_the_same_numbers(api, district):
    body = api.get("/api/v1/reports/overview/", {"year": 2024}).json()
    response = api.get("/api/v1/reports/overview/export/", {"year": 2024})
    book = load_workbook(io.BytesIO(response.content))
    summary = dict(list(book.worksheets[0].values)[1:])
    assert list(summary.values()) == list(body["figures"].values())
    events = list(book.worksheets[1].values)
    assert events[1][0] == "2024年大会"
    assert events[1][2:] == (1, 3, 1)


def test_bad_periods_are_refused(api):
    assert (
        api.get(
            "/api/v1/reports/overview/", {"since": "2024-12-01", "until": "2024-01-01"}
        ).status_code
        == 400
    )
    assert (
        api.get("/api/v1/reports/overview/", {"year": 2024, "since": "2024-01-01"}).status_code
        == 400
    )


def test_a_chain_leader_unit_cannot_read_the_overview(client):
    client.force_login(UserFactory(roles=[Role.CHAIN_LEADER], partner=PartnerFactory()))
    assert client.get("/api/v1/reports/overview/").status_code == 403
