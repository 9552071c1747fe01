"""The manager dashboard: every report the user may read, its figures, charts and tables with
the period and filters from the URL, the same report's Excel export, bad parameters, who may
open it, and a fixed number of queries."""

import json
import re

import pytest

from accounts.roles import Role
from core.reports import REPORTS
from projects.models import Stage
from projects.services import project_change_stage, project_create
from tests.factories import IndustryFactory, UserFactory
from tests.web.conftest import page_queries, signed_in

pytestmark = pytest.mark.django_db


def _projects(n: int, industry=None) -> None:
    for i in range(n):
        project = project_create(
            actor=None,
            code=f"D{n}-{i}",
            name=f"项目{i}",
            kind="industrial",
            planned_investment=10,
            industries=[industry] if industry else [],
        )
        project_change_stage(project=project, to_stage=Stage.NEGOTIATING, actor=None)


def _chart(body: str, data_id: str) -> dict:
    match = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', body)
    return json.loads(match.group(1))


def test_every_report_opens(manager_client):
    for key in REPORTS:
        response = manager_client.get("/dashboard/", {"report": key})
        assert response.status_code == 200, key
        assert f"/api/v1/reports/{key}/export/" in response.content.decode()


def test_the_pipeline_figures_and_chart_follow_the_filters(manager_client):
    aviation = IndustryFactory(name="航空航天")
    _projects(3, aviation)
    _projects(2)
    body = manager_client.get("/dashboard/", {"report": "pipeline"}).content.decode()
    chart = _chart(body, "chart-by_stage")
    assert chart["datasets"][0]["data"][:2] == [0, 5]  # lead, negotiating
    filtered = manager_client.get(
        "/dashboard/", {"report": "pipeline", "industry": aviation.pk}
    ).content.decode()
    assert _chart(filtered, "chart-by_stage")["datasets"][0]["data"][:2] == [0, 3]
    assert f"industry={aviation.pk}" in filtered  # the export link keeps the filter


def test_the_export_link_gives_the_same_report(manager_client, manager):
    _projects(2)
    body = manager_client.get("/dashboard/", {"report": "pipeline", "year": 2026}).content.decode()
    link = re.search(r'href="(/api/v1/reports/pipeline/export/\?[^"]*)"', body).group(1)
    response = manager_client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bad_parameters_are_shown(manager_client):
    response = manager_client.get(
        "/dashboard/", {"report": "requests", "since": "2024-12-01", "until": "2024-01-01"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert manager_client.get("/dashboard/", {"report": "nope"}).status_code == 404


def test_a_fixed_number_of_queries(manager_client):
    # An industry to name, as below: with none, the names' query is skipped (one fewer).
    _projects(1, IndustryFactory())
    _response, small = page_queries(manager_client, "/dashboard/", report="pipeline")
    _projects(12, IndustryFactory())
    response, large = page_queries(manager_client, "/dashboard/", report="pipeline")
    assert response.status_code == 200
    assert small == large


def test_who_may_open_it(client, leader_client, auditor_client):
    assert client.get("/dashboard/").url.startswith("/accounts/login/")
    assert auditor_client.get("/dashboard/").status_code == 200
    assert leader_client.get("/dashboard/", {"report": "requests"}).status_code == 404
    staff = signed_in(UserFactory(roles=[Role.STAFF]))
    assert staff.get("/dashboard/").status_code == 200
    assert signed_in(UserFactory(roles=[])).get("/dashboard/").status_code == 403


def test_a_chain_leader_sees_no_stewards_and_only_its_chains(leader, leader_client):
    from tests.factories import AppointmentFactory, ChainFactory

    own = AppointmentFactory(partner=leader.partner).chain
    other = ChainFactory(name="别家产业链")
    UserFactory(full_name="王管家", roles=[Role.STAFF])
    from tests.factories import PartnerFactory

    PartnerFactory(steward=UserFactory(full_name="李管家", roles=[Role.STAFF]))
    body = leader_client.get("/dashboard/", {"report": "roster"}).content.decode()
    assert own.name in body
    assert other.name not in body
    assert "李管家" not in body
    assert 'name="steward"' in body  # the filter is there, with no one to choose
