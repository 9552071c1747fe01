"""Doubling-plan indicators: only for catalogue enterprises, one row per enterprise and year,
never negative; the API for staff, managers and a chain-leader unit's own figures; the import
that adds a year, updates a recorded one and leaves an identical row unchanged."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from accounts.roles import Role
from core.imports.base import IMPORTERS
from partners.models import DoublingIndicator
from partners.services import doubling_indicator_create
from tests.factories import PartnerFactory, UserFactory
from tests.test_imports_lists import errors_of, preview_and_confirm
from tests.test_imports_partners import upload, workbook

pytestmark = pytest.mark.django_db

URL = "/api/v1/doubling-indicators/"
FIGURES = {"revenue": "1200.50", "tax": "80", "rd_spending": "45.5", "employees": 130}


@pytest.fixture
def enterprise(db):
    return PartnerFactory(name="倍增科技有限公司", in_doubling_catalogue=True)


def add(partner, year=2024, **figures):
    return doubling_indicator_create(
        actor=None, partner=partner, year=year, **{**FIGURES, **figures}
    )


def codes(response) -> str:
    return response.content.decode()


def test_only_catalogue_enterprises_have_indicators(api):
    outsider = PartnerFactory()
    response = api.post(URL, {"partner_id": outsider.pk, "year": 2024, **FIGURES}, format="json")
    assert response.status_code == 400
    assert "not_in_doubling_catalogue" in codes(response)
    with pytest.raises(ValidationError):
        add(outsider)


def test_one_row_per_enterprise_and_year(api, enterprise):
    body = {"partner_id": enterprise.pk, "year": 2024, **FIGURES}
    created = api.post(URL, body, format="json")
    assert created.status_code == 201
    assert (created.json()["revenue"], created.json()["partner"]["name"]) == (
        "1200.50",
        "倍增科技有限公司",
    )
    again = api.post(URL, body, format="json")
    assert again.status_code == 400
    assert "doubling_indicator_one_per_year" in codes(again)
    with pytest.raises(IntegrityError), transaction.atomic():
        DoublingIndicator.objects.create(partner=enterprise, year=2024, **FIGURES)


def test_negative_figures_are_refused(api, enterprise):
    for field in ("revenue", "tax", "rd_spending", "employees"):
        body = {"partner_id": enterprise.pk, "year": 2024, **FIGURES, field: -1}
        assert api.post(URL, body, format="json").status_code == 400, field
    with pytest.raises(IntegrityError), transaction.atomic():
        DoublingIndicator.objects.create(partner=enterprise, year=2024, **{**FIGURES, "tax": -1})
    assert api.post(URL, {"partner_id": enterprise.pk, "year": 1999, **FIGURES}).status_code == 400


def test_a_year_is_corrected_but_not_moved_to_another_enterprise(api, enterprise):
    indicator = add(enterprise)
    other = PartnerFactory(in_doubling_catalogue=True)
    url = f"{URL}{indicator.pk}/"
    response = api.patch(url, {"revenue": "1300", "partner_id": other.pk}, format="json")
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert (str(indicator.revenue), indicator.partner, indicator.version) == (
        "1300.00",
        enterprise,
        2,
    )
    assert indicator.history.count() == 2
    assert api.patch(url, {"tax": "1"}, HTTP_IF_MATCH='"1"', format="json").status_code == 412


def test_the_list_filters_by_partner_and_year(api, enterprise):
    add(enterprise, 2023)
    add(enterprise, 2024)
    add(PartnerFactory(in_doubling_catalogue=True), 2024)
    by_partner = api.get(URL, {"partner": enterprise.pk}).json()["results"]
    assert [row["year"] for row in by_partner] == [2024, 2023]
    assert len(api.get(URL, {"year": 2024}).json()["results"]) == 2
    assert api.get(URL, {"year": "x"}).status_code == 400


def test_a_chain_leader_unit_reads_and_adds_its_own_figures_only(enterprise):
    add(enterprise, 2023)
    add(PartnerFactory(in_doubling_catalogue=True), 2023)
    client = APIClient()
    client.force_authenticate(UserFactory(roles=[Role.CHAIN_LEADER], partner=enterprise))
    listed = client.get(URL).json()["results"]
    assert [row["partner"]["id"] for row in listed] == [enterprise.pk]
    other = PartnerFactory(in_doubling_catalogue=True)
    created = client.post(URL, {"partner_id": other.pk, "year": 2024, **FIGURES}, format="json")
    assert created.status_code == 201
    assert created.json()["partner"]["id"] == enterprise.pk  # always its own partner
    own = created.json()["id"]
    assert client.patch(f"{URL}{own}/", {"tax": "1"}, format="json").status_code == 403
    assert client.delete(f"{URL}{own}/").status_code == 403


def test_a_chain_leader_unit_outside_the_catalogue_cannot_add_figures():
    client = APIClient()
    client.force_authenticate(UserFactory(roles=[Role.CHAIN_LEADER], partner=PartnerFactory()))
    response = client.post(URL, {"year": 2024, **FIGURES}, format="json")
    assert response.status_code == 400
    assert "not_in_doubling_catalogue" in codes(response)


def test_staff_write_and_auditors_only_read(enterprise):
    client = APIClient()
    client.force_authenticate(UserFactory(roles=[Role.STAFF]))
    body = {"partner_id": enterprise.pk, "year": 2024, **FIGURES}
    assert client.post(URL, body, format="json").status_code == 201
    client.force_authenticate(UserFactory(roles=[Role.AUDITOR]))
    assert client.get(URL).status_code == 200
    assert client.post(URL, {**body, "year": 2025}, format="json").status_code == 403


IMPORTER = IMPORTERS["doubling-indicators"]
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "年度",
    "营业收入（万元）",
    "税收（万元）",
    "研发投入（万元）",
    "从业人员",
]


def test_the_import_adds_updates_and_leaves_identical_rows(api, manager, enterprise):
    add(enterprise, 2023, revenue="1000", tax="70", rd_spending="40", employees=120)
    second = PartnerFactory(name="第二倍增企业有限公司", in_doubling_catalogue=True)
    rows = [
        ["倍增科技有限公司", "", 2023, 1000, 70, 40, 120],  # identical: unchanged
        ["倍增科技有限公司", enterprise.uscc, "2024年", "1,500", 90, 55.5, 140],
        ["第二倍增企业有限公司", "", 2024, 800, 60, 30, 80],
    ]
    body, _done = preview_and_confirm(api, HEADERS, rows, "doubling-indicators")
    assert (body["created_count"], body["unchanged_count"]) == (2, 1)
    latest = DoublingIndicator.objects.get(partner=enterprise, year=2024)
    assert (str(latest.revenue), str(latest.rd_spending), latest.employees) == (
        "1500.00",
        "55.50",
        140,
    )
    assert latest.history.get().history_source == "import"
    rows[2][3] = 900
    again, _done = preview_and_confirm(api, HEADERS, rows, "doubling-indicators")
    assert (again["created_count"], again["updated_count"], again["unchanged_count"]) == (
        0,
        1,
        2,
    )
    updated = DoublingIndicator.objects.get(partner=second, year=2024)
    assert (str(updated.revenue), updated.version) == ("900.00", 2)


def test_import_rows_with_mistakes_are_rejected(api, enterprise):
    PartnerFactory(name="目录外企业有限公司")
    rows = [
        ["目录外企业有限公司", "", 2024, 1, 1, 1, 1],
        ["倍增科技有限公司", "", 2024, -5, 1, 1, 1],
        ["倍增科技有限公司", "", 2024, 1, 1, 1, 10.5],
        ["倍增科技有限公司", "", 2024, 1, 1, 1, 10],
        ["倍增科技有限公司", "", 2024, 2, 1, 1, 10],
        ["倍增科技有限公司", "", "", 1, 1, 1, 10],
    ]
    body = upload(api, workbook(rows, HEADERS), kind="doubling-indicators").json()
    with translation.override("zh-hans"):
        keys = ("partner", "revenue", "year", "employees")
        label = {key: str(IMPORTER(None).column(key).label) for key in keys}
    assert set(errors_of(body)) == {
        (3, label["partner"]),
        (4, label["revenue"]),
        (5, label["employees"]),
        (7, ""),
        (8, label["year"]),
    }
    assert body["rejected_count"] == 5


def test_the_import_is_for_those_who_keep_the_figures(client, enterprise):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    rows = [["倍增科技有限公司", "", 2024, 1, 1, 1, 1]]
    assert upload(client, workbook(rows, HEADERS), kind="doubling-indicators").status_code == 403


def test_the_list_and_a_row_run_a_fixed_number_of_queries(client, manager, enterprise):
    """The demo data set has no indicators: the README's budget row can pin only the list."""
    client.force_login(manager)
    add(enterprise, 2023)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    small = queries(URL)
    for year in range(2010, 2020):
        add(PartnerFactory(in_doubling_catalogue=True), year)
    assert small == queries(URL) == 5
    assert queries(f"{URL}{DoublingIndicator.objects.first().pk}/") == 4
