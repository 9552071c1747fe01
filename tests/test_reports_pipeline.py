"""The project pipeline report: exact figures from a hand-built pipeline (a project that fell
back from negotiating to lead, one dropped and reopened, one dropped for good, one archived), the
filters, an empty period, the same numbers in the workbook, a fixed number of queries, who may
read it, and the yearly targets managers set."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from accounts.roles import Role
from partners.models import Carrier
from projects.models import PipelineTarget, Project, Stage
from projects.reports import pipeline_projects, stalled
from projects.services import project_change_stage, project_create
from tests.factories import (
    CarrierFactory,
    ChainFactory,
    EventFactory,
    IndustryFactory,
    PartnerFactory,
    ProjectFactory,
    UserFactory,
)
from tests.plans import ONLY_INDEX_ALONE, ONLY_INDEX_ORDER, plan

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/pipeline/"
NOW = dt.datetime(2025, 1, 15)


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day))


def project(code, moves, **fields):
    """A project created at the first moment of ``moves``, then moved through the rest."""
    (created, _lead), *rest = moves
    created_project = project_create(
        actor=None, code=code, name=f"项目{code}", created_at=created, **fields
    )
    for when, stage in rest:
        project_change_stage(
            project=created_project,
            to_stage=stage,
            actor=None,
            changed_at=when,
            reason="暂缓" if stage == Stage.DROPPED else "",
        )
    return created_project


@pytest.fixture
def pipeline(db):
    aviation = IndustryFactory(name="航空航天", position=1)
    digital = IndustryFactory(name="数字经济", position=2)
    satellites = IndustryFactory(name="卫星", position=3, parent=aviation)
    alice = UserFactory(full_name="Alice", roles=[Role.STAFF])
    bob = UserFactory(full_name="Bob", roles=[Role.STAFF])
    zone = CarrierFactory(name="丽泽金融商务区", kind=Carrier.Kind.ZONE)
    building = CarrierFactory(name="丽泽楼", zone=zone)
    conference = EventFactory(name="2024年大会", date=dt.date(2024, 4, 23))
    EventFactory(name="2023年大会", date=dt.date(2023, 3, 30))
    lead, neg, signed, landed, dropped = (
        Stage.LEAD,
        Stage.NEGOTIATING,
        Stage.SIGNED,
        Stage.LANDED,
        Stage.DROPPED,
    )
    project(
        "P1",
        [
            (at(2024, 1, 1), lead),
            (at(2024, 2, 1), neg),
            (at(2024, 4, 23), signed),
            (at(2024, 7, 1), landed),
        ],
        kind="industrial",
        industries=[aviation],
        owner=alice,
        planned_investment=Decimal("10.00"),
        carrier=building,
        promoted_at=conference,
        signed_at=conference,
    )
    project(  # falls back from negotiating to lead, then signs
        "P2",
        [
            (at(2024, 1, 1), lead),
            (at(2024, 3, 1), neg),
            (at(2024, 4, 1), lead),
            (at(2024, 5, 1), neg),
            (at(2024, 6, 1), signed),
        ],
        kind="industrial",
        industries=[aviation, digital],
        owner=bob,
        planned_investment=Decimal("5.50"),
        promoted_at=conference,
    )
    project(  # dropped in negotiation and reopened there
        "P3",
        [
            (at(2024, 1, 11), lead),
            (at(2024, 1, 21), neg),
            (at(2024, 3, 1), dropped),
            (at(2024, 6, 1), neg),
        ],
        kind="urban_renewal",
        industries=[digital],
        owner=alice,
        planned_investment=Decimal("2.00"),
        carrier=zone,
        promoted_at=conference,
    )
    project("P4", [(at(2023, 6, 1), lead)], kind="other")  # a lead since 2023, no owner
    project(
        "P6",
        [(at(2024, 2, 1), lead), (at(2024, 3, 1), dropped)],
        kind="carrier",
        industries=[satellites],
        owner=bob,
        planned_investment=Decimal("1.00"),
    )
    archived = project(
        "P5",
        [(at(2024, 1, 1), lead), (at(2024, 2, 1), neg)],
        kind="industrial",
        industries=[aviation],
        owner=bob,
        planned_investment=Decimal("3.00"),
        promoted_at=conference,
    )
    archived.refresh_from_db()
    archived.archived_at = at(2024, 12, 1)
    archived.save()
    PipelineTarget.objects.create(
        year=2024, signed_projects=4, landed_projects=2, planned_investment=Decimal("20.00")
    )
    return {
        "aviation": aviation,
        "digital": digital,
        "alice": alice,
        "zone": zone,
        "chain": ChainFactory(industry=aviation),
    }


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        yield


def get(api, **params):
    response = api.get(URL, {"year": 2024, **params})
    assert response.status_code == 200, response.content
    return response.json()


def rows(body, table):
    return body["tables"][table]["rows"]


def label(stage):
    return str(Stage(stage).label)


def test_the_pipeline_by_stage_industry_owner_kind_and_event(api, pipeline, frozen):
    body = get(api)
    assert body["figures"] == {
        "projects": 5,
        "planned_investment": "18.50",
        "without_industry": 1,
        "stalled_days": 90,
        "stalled": 4,
        "target_year": 2024,
    }
    by_stage = {
        r["stage"]: (r["projects"], r["planned_investment"]) for r in rows(body, "by_stage")
    }
    assert by_stage == {
        "lead": (1, "0.00"),
        "negotiating": (1, "2.00"),
        "signed": (1, "5.50"),
        "landed": (1, "10.00"),
        "under_construction": (0, "0.00"),
        "operating": (0, "0.00"),
        "dropped": (1, "1.00"),
    }
    assert rows(body, "by_industry") == [
        {"industry": "航空航天", "projects": 2, "planned_investment": "15.50"},
        {"industry": "数字经济", "projects": 2, "planned_investment": "7.50"},
        {"industry": "卫星", "projects": 1, "planned_investment": "1.00"},
    ]
    assert [tuple(r.values()) for r in rows(body, "by_owner")] == [
        ("Alice", 2, "12.00"),
        ("Bob", 2, "6.50"),
        (gettext("no owner"), 1, "0.00"),
    ]
    assert [(r["projects"], r["planned_investment"]) for r in rows(body, "by_kind")] == [
        (2, "15.50"),
        (1, "2.00"),
        (1, "1.00"),
        (1, "0.00"),
    ]
    assert rows(body, "by_event") == [
        {
            "event": "2024年大会",
            "date": "2024-04-23",
            "promoted": 3,
            "promoted_investment": "17.50",
            "signed": 1,
            "signed_investment": "10.00",
        }
    ]


def test_conversion_counts_each_project_once_per_stage_even_after_going_back(api, pipeline, frozen):
    conversion = [(r["entered"], r["moved_on"], r["rate"]) for r in rows(get(api), "conversion")]
    assert conversion == [
        (4, 3, 75.0),  # P1 P2 P3 P6 became leads (P2 twice); P6 was dropped
        (3, 2, 66.7),  # P1 P2 P3 negotiated (P2 twice, P3 reopened); P3 has not signed
        (2, 1, 50.0),  # P1 P2 signed; P1 landed
        (1, 0, 0.0),
        (0, 0, None),
    ]
    assert [r["from_stage"] for r in rows(get(api), "conversion")] == [
        label(s) for s in ("lead", "negotiating", "signed", "landed", "under_construction")
    ]


def test_a_move_on_before_an_arrival_at_the_same_moment_is_not_a_conversion(api, db, frozen):
    """Already a lead when the year began, then to negotiating and straight back, both moves
    at one moment: it arrived as a lead after its move on, and negotiated without signing."""
    moment = at(2024, 6, 1)
    moves = [(at(2023, 5, 1), Stage.LEAD), (moment, Stage.NEGOTIATING), (moment, Stage.LEAD)]
    project("T1", moves, kind="industrial")
    conversion = [(r["entered"], r["moved_on"]) for r in rows(get(api), "conversion")]
    assert conversion[:2] == [(1, 0), (1, 0)]


def test_days_in_each_stage_add_up_the_stays_of_a_project_that_came_back(api, pipeline, frozen):
    body = get(api)
    medians = {
        r["stage"]: (r["projects"], r["median_days"], r["max_days"])
        for r in rows(body, "stage_days")
    }
    assert medians == {
        "lead": (5, 31.0, 580.0),  # P3 10, P6 29, P1 31, P2 60+30, P4 214+366 (to 2025-01-01)
        "negotiating": (3, 82.0, 254.0),  # P2 31+31, P1 82, P3 40+214
        "signed": (2, 141.5, 214.0),  # P1 69, P2 214
        "landed": (1, 184.0, 184.0),
        "under_construction": (0, None, None),
    }
    slowest_leads = [
        (r["rank"], r["code"], r["days"]) for r in rows(body, "slowest") if r["stage"] == "lead"
    ]
    assert slowest_leads == [
        (1, "P4", 580.0),
        (2, "P2", 90.0),
        (3, "P1", 31.0),
        (4, "P6", 29.0),
        (5, "P3", 10.0),
    ]
    assert len(rows(body, "slowest")) == 5 + 3 + 2 + 1


def test_only_the_ten_slowest_of_a_stage_are_listed(api, db, frozen):
    for n in range(12):
        project(f"L{n:02d}", [(at(2024, 1, 1 + n), Stage.LEAD)], kind="other")
    slowest = rows(get(api), "slowest")
    assert [r["code"] for r in slowest] == [f"L{n:02d}" for n in range(10)]
    assert slowest[0]["days"] == 366.0


def test_the_slowest_tied_on_days_are_ranked_by_code_and_cut_at_ten(api, db, frozen):
    for n in range(12):  # the last created (the largest ids) are not the first by code
        project(f"T{n:02d}", [(at(2024, 1, 1), Stage.LEAD)], kind="other")
    slowest = rows(get(api), "slowest")
    assert [(r["rank"], r["code"]) for r in slowest] == [(n + 1, f"T{n:02d}") for n in range(10)]
    assert {r["days"] for r in slowest} == {366.0}


def test_a_stay_as_long_as_two_added_up_ties_and_ranks_by_code(api, db, frozen):
    """Lengths are added up in whole microseconds: one stay of 175 days 18:33:35.527284 and
    two that add up to it are equally slow, ranked by code. (In days, a float each, the two
    added up came out 3e-13 longer, and B2 was ranked first.)"""
    utc = dt.UTC
    length = dt.timedelta(days=175, seconds=66815, microseconds=527284)
    first_part = dt.timedelta(days=34, seconds=38105, microseconds=809189)
    start = dt.datetime(2024, 2, 7, 6, 51, 8, 358303, tzinfo=utc)
    project("A1", [(start, Stage.LEAD), (start + length, Stage.NEGOTIATING)], kind="other")
    start = dt.datetime(2024, 5, 26, 23, 56, 22, 816733, tzinfo=utc)
    back = start + first_part + dt.timedelta(days=24)
    moves = [(start, Stage.LEAD), (start + first_part, Stage.NEGOTIATING), (back, Stage.LEAD)]
    moves.append((back + length - first_part, Stage.NEGOTIATING))
    project("B2", moves, kind="other")
    slowest = rows(get(api), "slowest")
    leads = [(r["rank"], r["code"], r["days"]) for r in slowest if r["stage"] == "lead"]
    assert leads == [(1, "A1", 175.8), (2, "B2", 175.8)]


def test_stalled_projects_and_the_threshold(api, pipeline, frozen):
    stalled = rows(get(api), "stalled")
    assert [(r["code"], r["stage"], r["last_move"], r["days"]) for r in stalled] == [
        ("P4", "lead", "2023-06-01", 594),
        ("P2", "signed", "2024-06-01", 228),
        ("P3", "negotiating", "2024-06-01", 228),
        ("P1", "landed", "2024-07-01", 198),
    ]
    assert [r["code"] for r in rows(get(api, stalled_days=200), "stalled")] == ["P4", "P2", "P3"]
    assert get(api, stalled_days=200)["figures"]["stalled"] == 3


def test_the_first_stalled_projects_are_read_from_the_index_in_order(pipeline, frozen):
    """Were the order and the index ``project_stalled_order`` built from different
    expressions, PostgreSQL would sort every project waiting (at ten times district scale,
    33,587: 21 ms against 0.6)."""
    waiting = stalled(pipeline_projects({}), 90, timezone.now())
    read = plan(waiting.queryset[:3], off=ONLY_INDEX_ORDER)
    assert "project_stalled_order" in read, read
    assert "Sort" not in read, read


@pytest.mark.django_db(transaction=True)
def test_the_stalled_projects_are_counted_from_the_index_alone(pipeline):
    """The count reads ``project_stalled_order`` alone: counted from the rows' query, joined
    to the owners' names, PostgreSQL read the table (14 ms at ten times district scale,
    against 7). Committed and vacuumed, as a table at rest is, among projects that moved
    lately, as most do: on a few rows, reading the table costs less than any index."""
    moved_lately = ProjectFactory.build_batch(1000, stage_changed_at=timezone.now())
    Project.objects.bulk_create(moved_lately)
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        waiting = stalled(pipeline_projects({}), 90, timezone.now())
        with CaptureQueriesContext(connection) as queries:
            assert len(waiting) == 4
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE projects_project")
    (count,) = [query["sql"] for query in queries.captured_queries]
    read = plan(count, off=ONLY_INDEX_ALONE)
    assert "Index Only Scan using project_stalled_order" in read, read


def test_signed_and_landed_against_the_target(api, pipeline, frozen):
    target = [(r["target"], r["actual"], r["share"]) for r in rows(get(api), "target")]
    assert target == [(4, 2, 50.0), (2, 1, 50.0), ("20.00", "15.50", 77.5)]


def test_a_year_without_a_target_shows_the_actuals_only(api, pipeline, frozen):
    body = get(api, year=2023)
    assert [(r["target"], r["actual"], r["share"]) for r in rows(body, "target")] == [
        (None, 0, None),
        (None, 0, None),
        (None, "0.00", None),
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("aviation", {"P1", "P2", "P6"}),  # P6's industry is below aviation
        ("digital", {"P2", "P3"}),
        ("chain", {"P1", "P2", "P6"}),  # the chain's industry is aviation
        ("alice", {"P1", "P3"}),
        ("zone", {"P1", "P3"}),  # P1 in a building of the zone, P3 in the zone itself
    ],
)
def test_the_filters(api, pipeline, frozen, key, expected):
    param = {"aviation": "industry", "digital": "industry", "alice": "steward"}.get(key, key)
    body = get(api, **{param: pipeline[key].pk})
    stages = {r["stage"] for r in rows(body, "by_stage") if r["projects"]}
    codes = {r["code"] for r in rows(body, "slowest")}
    assert codes == expected
    assert body["figures"]["projects"] == len(expected)
    assert stages


def test_an_empty_period(api, pipeline, frozen):
    body = get(api, year=2020)
    assert rows(body, "by_event") == []
    assert [(r["entered"], r["moved_on"], r["rate"]) for r in rows(body, "conversion")] == [
        (0, 0, None)
    ] * 5
    assert [(r["projects"], r["median_days"]) for r in rows(body, "stage_days")] == [(0, None)] * 5
    assert rows(body, "slowest") == []
    assert body["figures"]["projects"] == 5  # the pipeline as it stands


def test_no_projects_at_all(api, frozen):
    body = get(api)
    assert body["figures"]["projects"] == 0
    assert body["figures"]["planned_investment"] == "0.00"
    assert rows(body, "stalled") == []


def test_the_workbook_has_the_same_numbers(api, pipeline, frozen):
    body = get(api)
    response = api.get(f"{URL}export/", {"year": 2024})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].values)[1:]
    assert [_plain(value) for _label, value in summary] == [
        _plain(value) for value in body["figures"].values()
    ]
    for sheet, (key, table) in zip(book.worksheets[1:], body["tables"].items(), strict=True):
        values = list(sheet.values)
        assert len(values) == len(table["rows"]) + 1, key
        for line, row in zip(values[1:], table["rows"], strict=True):
            assert [_plain(v) for v in line] == [_plain(v) for v in row.values()], key


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if isinstance(value, str):
        try:
            return Decimal(value).normalize()
        except ArithmeticError:
            return value
    return value


def _queries(api, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        get(api, **params)
    return len(context.captured_queries)


def test_a_fixed_number_of_queries(api, pipeline, frozen):
    get(api)  # the user's roles are read once, then cached on the user
    small = _queries(api)
    for n in range(8):
        project(
            f"Q{n}",
            [(at(2024, 1, 1), Stage.LEAD), (at(2024, 2, 1), Stage.NEGOTIATING)],
            kind="other",
            industries=[pipeline["digital"]],
            owner=UserFactory(),
        )
    assert _queries(api) == small == 12
    assert _queries(api, industry=pipeline["aviation"].pk) == 13
    assert _queries(api, chain=pipeline["chain"].pk) == 14


def test_bad_parameters_are_refused(api):
    assert api.get(URL, {"stalled_days": 0}).status_code == 400
    assert api.get(URL, {"stalled_days": "x"}).status_code == 400
    assert api.get(URL, {"since": "2024-12-01", "until": "2024-01-01"}).status_code == 400


def test_who_may_read_the_pipeline(client, pipeline, frozen):
    client.force_login(UserFactory(roles=[Role.CHAIN_LEADER], partner=PartnerFactory()))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}export/").status_code == 403
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    assert client.get(URL).status_code == 200


# The yearly targets ------------------------------------------------------------------------


def test_a_manager_sets_the_target_and_a_year_has_one(api):
    body = {"year": 2025, "signed_projects": 10, "landed_projects": 5, "planned_investment": "80"}
    created = api.post("/api/v1/pipeline-targets/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["planned_investment"] == "80.00"
    again = api.post("/api/v1/pipeline-targets/", body, format="json")
    assert again.status_code == 409
    assert again.json()["fields"]["year"][0]["code"] == "unique"
    target = created.json()["id"]
    changed = api.patch(f"/api/v1/pipeline-targets/{target}/", {"landed_projects": 6})
    assert changed.json()["landed_projects"] == 6


def test_a_target_cannot_be_negative(api):
    body = {"year": 2025, "signed_projects": -1, "planned_investment": "-1"}
    response = api.post("/api/v1/pipeline-targets/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"signed_projects", "planned_investment"}


def test_staff_read_the_targets_but_do_not_set_them(client, db):
    PipelineTarget.objects.create(year=2024, signed_projects=4)
    client.force_login(UserFactory(roles=[Role.STAFF]))
    assert client.get("/api/v1/pipeline-targets/").status_code == 200
    response = client.post(
        "/api/v1/pipeline-targets/", {"year": 2025}, content_type="application/json"
    )
    assert response.status_code == 403
