"""The pipeline pages: the board, the list behind a long column, the project page and the move
of a project to another stage."""

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from projects.models import Project, Stage, StageChange
from projects.services import project_change_stage, project_create
from tests.factories import (
    CarrierFactory,
    EventFactory,
    IndustryFactory,
    PartnerFactory,
    ProjectFactory,
    UserFactory,
)
from tests.web.conftest import page_queries, signed_in

pytestmark = pytest.mark.django_db

BOARD = reverse("projects:board")
PIPELINE = [
    "lead",
    "negotiating",
    "signed",
    "landed",
    "under_construction",
    "operating",
    "dropped",
]
NUMBERS = itertools.count(1)
PATH_TO = {
    "lead": [],
    "negotiating": ["negotiating"],
    "signed": ["negotiating", "signed"],
    "landed": ["negotiating", "signed", "landed"],
    "under_construction": ["negotiating", "signed", "landed", "under_construction"],
    "operating": ["negotiating", "signed", "landed", "under_construction", "operating"],
}


def make_project(actor, *, stage="lead", days_ago=0, dropped=False, **fields):
    """A project created by the services ``days_ago`` days ago and walked to ``stage`` then."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    number = next(NUMBERS)
    fields.setdefault("kind", Project.Kind.INDUSTRIAL)
    fields.setdefault("code", f"T-{number:04d}")
    fields.setdefault("name", f"测试项目 {number}")
    project = project_create(actor=actor, created_at=when, **fields)
    for step in PATH_TO[stage]:
        project_change_stage(project=project, to_stage=step, actor=actor, changed_at=when)
    if dropped:
        project_change_stage(
            project=project, to_stage="dropped", actor=actor, reason="投资方撤回", changed_at=when
        )
    project.refresh_from_db()
    return project


def columns(response) -> dict:
    return {column.stage.value: column for column in response.context["columns"]}


def codes(column) -> list[str]:
    return [card.code for card in column.cards]


def move(client, project, stage, *, reason="", version=None, next_url=BOARD, **headers):
    data = {
        "stage": stage,
        "drop_reason": reason,
        "version": project.version if version is None else version,
        "next": next_url,
    }
    return client.post(reverse("projects:move", args=[project.pk]), data, **headers)


@pytest.fixture
def owner(staff_user):
    return staff_user


# The board


def test_board_has_a_column_per_stage_in_pipeline_order(staff_client, owner):
    make_project(owner, name="氢能整车", code="P-LEAD", planned_investment=Decimal("12.5"))
    make_project(owner, name="智算中心", code="P-SIGN", stage="signed", days_ago=40)
    make_project(owner, name="旧厂改造", code="P-DROP", stage="negotiating", dropped=True)

    response = staff_client.get(BOARD)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-stage="([a-z_]+)"', html) == PIPELINE
    found = columns(response)
    assert codes(found["lead"]) == ["P-LEAD"]
    assert codes(found["signed"]) == ["P-SIGN"]
    assert codes(found["dropped"]) == ["P-DROP"]
    assert found["signed"].cards[0].days_in_stage == 40
    assert found["lead"].count == 1
    assert found["lead"].investment == Decimal("12.50")
    assert "P-LEAD 氢能整车" in html
    assert "12.50" in html
    assert reverse("projects:detail", args=[found["lead"].cards[0].pk]) in html
    assert owner.full_name in html
    assert "<details>" in html  # the dropped column is collapsed


def test_column_counts_and_totals_and_archived_projects_left_out(staff_client, owner):
    make_project(owner, code="A", planned_investment=Decimal("1.25"))
    make_project(owner, code="B", planned_investment=Decimal("2"))
    make_project(owner, code="C")
    archived = make_project(owner, code="ARCH", planned_investment=Decimal("100"))
    Project.objects.filter(pk=archived.pk).update(archived_at=timezone.now())

    lead = columns(staff_client.get(BOARD))["lead"]

    assert sorted(codes(lead)) == ["A", "B", "C"]
    assert lead.count == 3
    assert lead.investment == Decimal("3.25")


def test_cards_are_ordered_by_days_in_stage_longest_first(staff_client, owner):
    make_project(owner, code="NEW", days_ago=1)
    make_project(owner, code="OLD", days_ago=300)
    make_project(owner, code="MID", days_ago=30)

    lead = columns(staff_client.get(BOARD))["lead"]

    assert codes(lead) == ["OLD", "MID", "NEW"]
    assert [card.days_in_stage for card in lead.cards] == [300, 30, 1]


def test_a_long_column_shows_fifty_cards_and_links_to_the_rest(staff_client, owner):
    now = timezone.now()
    for n in range(53):
        ProjectFactory(code=f"L-{n:03d}", stage_changed_at=now - dt.timedelta(days=n), owner=owner)

    response = staff_client.get(BOARD, {"owner": owner.pk})

    lead = columns(response)["lead"]
    assert lead.count == 53
    assert len(lead.cards) == 50
    assert lead.more == 3
    assert codes(lead)[0] == "L-052"  # the longest in the stage first
    assert "L-002" not in codes(lead)
    assert f"?owner={owner.pk}&amp;stage=lead" in response.content.decode()

    listed = staff_client.get(reverse("projects:list"), {"owner": owner.pk, "stage": "lead"})
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == 53
    assert listed.context["page"][0].code == "L-052"


def test_filters_by_owner_kind_search_and_industry(staff_client, owner):
    other = UserFactory(roles=[Role.STAFF])
    parent = IndustryFactory(name="新能源")
    child = IndustryFactory(name="氢能", parent=parent)
    make_project(owner, code="H2-001", name="氢能整车", industries=[child])
    make_project(other, code="RN-001", name="老旧小区", kind=Project.Kind.URBAN_RENEWAL)
    make_project(other, code="AI-001", name="智算中心", stage="signed")

    def shown(**params) -> set[str]:
        response = staff_client.get(BOARD, params)
        assert response.status_code == 200
        return {card.code for column in response.context["columns"] for card in column.cards}

    assert shown() == {"H2-001", "RN-001", "AI-001"}
    assert shown(owner=other.pk) == {"RN-001", "AI-001"}
    assert shown(kind="urban_renewal") == {"RN-001"}
    assert shown(q="智算") == {"AI-001"}
    assert shown(q="h2-0") == {"H2-001"}  # the code, case-insensitive
    assert shown(industry=parent.pk) == {"H2-001"}  # and the industries below
    assert shown(owner=other.pk, kind="industrial") == {"AI-001"}
    # The filters stay in the page's form.
    html = staff_client.get(BOARD, {"q": "智算"}).content.decode()
    assert 'value="智算"' in html


def test_an_unknown_filter_value_is_shown_as_an_error_not_a_crash(staff_client, owner):
    make_project(owner, code="X-1")

    response = staff_client.get(BOARD, {"owner": 999999, "kind": "nonsense"})

    assert response.status_code == 200
    assert set(response.context["filter"].form.errors) == {"owner", "kind"}


def build_board(owner, count: int):
    for n in range(count):
        stage = PIPELINE[n % 6]
        make_project(
            owner,
            stage=stage,
            dropped=n % 7 == 6,
            days_ago=n,
            planned_investment=Decimal(n),
            industries=[IndustryFactory()],
            investors=[PartnerFactory()],
            carrier=CarrierFactory(),
        )


@pytest.mark.parametrize("client_fixture", ["manager_client", "staff_client"])
def test_the_board_takes_the_same_queries_for_3_and_20_projects(request, client_fixture, owner):
    client = request.getfixturevalue(client_fixture)
    build_board(owner, 3)
    _, few = page_queries(client, BOARD)
    build_board(UserFactory(roles=[Role.STAFF]), 17)
    response, many = page_queries(client, BOARD)

    assert sum(column.count for column in response.context["columns"]) == 20
    assert few == many
    _, filtered = page_queries(client, BOARD, owner=owner.pk, kind="industrial", q="测试")
    assert filtered == few + 1  # the owner filter checks its id


def test_the_list_and_the_project_page_take_the_same_queries_whatever_the_data(
    manager_client, owner
):
    build_board(owner, 3)
    project = Project.objects.order_by("pk").first()
    _, list_few = page_queries(manager_client, reverse("projects:list"))
    _, detail_few = page_queries(manager_client, reverse("projects:detail", args=[project.pk]))
    build_board(owner, 17)
    project.investors.add(*PartnerFactory.create_batch(5))
    project.industries.add(*IndustryFactory.create_batch(5))
    for target in ("negotiating", "lead", "negotiating"):
        project_change_stage(project=project, to_stage=target, actor=owner)

    _, list_many = page_queries(manager_client, reverse("projects:list"))
    response, detail_many = page_queries(
        manager_client, reverse("projects:detail", args=[project.pk])
    )

    assert list_few == list_many
    assert detail_few == detail_many
    assert len(response.context["history"]) == 4


# Who sees the pages


def test_anonymous_visitors_are_sent_to_the_login_page(client, owner):
    project = make_project(owner)
    for url in (BOARD, reverse("projects:list"), reverse("projects:detail", args=[project.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    response = move(client, project, "negotiating")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert Project.objects.get(pk=project.pk).stage == Stage.LEAD


def test_a_chain_leader_unit_may_not_see_the_pipeline(leader_client, owner):
    project = make_project(owner)
    for url in (BOARD, reverse("projects:list"), reverse("projects:detail", args=[project.pk])):
        assert leader_client.get(url).status_code == 403
    assert move(leader_client, project, "negotiating").status_code == 403


def test_auditors_read_the_board_and_pages_without_move_forms(auditor_client, owner):
    project = make_project(owner, code="AUD-1")

    board = auditor_client.get(BOARD)
    detail = auditor_client.get(reverse("projects:detail", args=[project.pk]))

    assert board.status_code == 200
    assert "AUD-1" in board.content.decode()
    assert detail.status_code == 200
    assert detail.context["form"] is None
    assert columns(board)["lead"].cards[0].move_form is None
    assert 'name="drop_reason"' not in board.content.decode()
    assert move(auditor_client, project, "negotiating").status_code == 403
    assert Project.objects.get(pk=project.pk).stage == Stage.LEAD


def test_staff_move_their_own_projects_only(staff_client, owner):
    mine = make_project(owner, code="MINE")
    theirs = make_project(UserFactory(roles=[Role.STAFF]), code="THEIRS")

    cards = {card.code: card for card in columns(staff_client.get(BOARD))["lead"].cards}

    assert cards["MINE"].move_form is not None
    assert cards["THEIRS"].move_form is None
    assert staff_client.get(reverse("projects:detail", args=[theirs.pk])).context["form"] is None
    assert move(staff_client, theirs, "negotiating").status_code == 403
    assert Project.objects.get(pk=theirs.pk).stage == Stage.LEAD
    assert mine.pk  # (moved in the next tests)


def test_the_move_form_offers_only_the_allowed_stages(manager_client, owner):
    make_project(owner, code="NEG", stage="negotiating")

    form = columns(manager_client.get(BOARD))["negotiating"].cards[0].move_form

    assert [value for value, _ in form.fields["stage"].choices] == ["lead", "signed", "dropped"]
    assert form.initial["next"] == BOARD
    assert form["stage"].value() == "signed"  # the next stage forward first


# Moving


def test_a_move_forward_is_saved_recorded_and_redirects_back_to_the_board(staff_client, owner):
    project = make_project(owner, code="FWD")
    board_url = f"{BOARD}?q=FWD"

    response = move(staff_client, project, "negotiating", reason="对接第二轮", next_url=board_url)

    assert response.status_code == 302
    assert response.url == board_url
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    change = project.stage_changes.order_by("-pk").first()
    assert (change.from_stage, change.to_stage, change.changed_by) == ("lead", "negotiating", owner)
    assert change.note == "对接第二轮"
    page = staff_client.get(response.url)
    assert codes(columns(page)["negotiating"]) == ["FWD"]
    assert [str(message) for message in page.context["messages"]]  # the success message

    detail = staff_client.get(reverse("projects:detail", args=[project.pk]))
    assert "对接第二轮" in detail.content.decode()
    assert [(c.from_stage, c.to_stage) for c in detail.context["history"]] == [
        ("", "lead"),
        ("lead", "negotiating"),
    ]


def test_with_htmx_the_board_comes_back_in_place(staff_client, owner):
    project = make_project(owner, code="HX")

    response = move(staff_client, project, "negotiating", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="board">')
    assert "<html" not in html
    assert codes(columns(response)["negotiating"]) == ["HX"]
    assert 'class="messages"' in html
    assert Project.objects.get(pk=project.pk).stage == Stage.NEGOTIATING


def test_a_drop_without_reason_shows_the_error_and_changes_nothing(staff_client, owner):
    project = make_project(owner, code="DROP", stage="negotiating")
    changes = StageChange.objects.count()

    response = move(staff_client, project, "dropped", reason="  ")

    assert response.status_code == 400
    form = columns(response)["negotiating"].cards[0].move_form
    assert form.errors["drop_reason"]
    assert [e.code for e in form.errors.as_data()["drop_reason"]] == ["drop_reason_required"]
    assert f'id="move-{project.pk}-drop_reason_error1"' in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    assert StageChange.objects.count() == changes

    # The same with htmx: the fragment with the error, nothing saved.
    response = move(staff_client, project, "dropped", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="move-{project.pk}-drop_reason_error1"' in response.content.decode()
    assert Project.objects.get(pk=project.pk).stage == Stage.NEGOTIATING


def test_a_drop_with_reason_moves_to_the_dropped_column(staff_client, owner):
    project = make_project(owner, code="GONE", stage="signed")

    move(staff_client, project, "dropped", reason="用地未落实")

    project.refresh_from_db()
    assert project.stage == Stage.DROPPED
    assert project.drop_reason == "用地未落实"
    assert codes(columns(staff_client.get(BOARD))["dropped"]) == ["GONE"]


def test_a_stale_version_is_refused_with_the_current_stage(staff_client, manager, owner):
    project = make_project(owner, code="STALE")
    seen = project.version
    project_change_stage(project=project, to_stage="negotiating", actor=manager)

    response = move(staff_client, project, "dropped", reason="暂缓", version=seen)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    assert not project.stage_changes.filter(to_stage="dropped").exists()
    page = staff_client.get(response.url)
    text = " ".join(str(message) for message in page.context["messages"])
    assert project.name in text
    assert project.get_stage_display() in text

    response = move(staff_client, project, "signed", version=seen, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert project.get_stage_display() in response.content.decode()
    assert Project.objects.get(pk=project.pk).stage == Stage.NEGOTIATING


def test_a_move_that_is_not_allowed_is_refused(staff_client, owner):
    project = make_project(owner, code="JUMP")

    response = move(staff_client, project, "operating")

    assert response.status_code == 400
    assert Project.objects.get(pk=project.pk).stage == Stage.LEAD


def test_a_foreign_next_address_is_ignored(staff_client, owner):
    project = make_project(owner)

    response = move(staff_client, project, "negotiating", next_url="https://evil.example/")

    assert response.status_code == 302
    assert response.url == BOARD


def test_moving_takes_a_post(staff_client, owner):
    project = make_project(owner)
    assert staff_client.get(reverse("projects:move", args=[project.pk])).status_code == 405


# The project page


def test_the_project_page_shows_facts_investors_and_history(staff_client, owner, manager):
    industry = IndustryFactory(name="集成电路")
    investor = PartnerFactory(name="北京投资有限公司")
    carrier = CarrierFactory(name="丽泽金融商务区")
    promoted = EventFactory(name="2024年倍增追赶合作发展丰台大会")
    project = make_project(
        owner,
        code="FT-2024-001",
        name="芯片设计中心",
        planned_investment=Decimal("8.75"),
        industries=[industry],
        investors=[investor],
        carrier=carrier,
        promoted_at=promoted,
        stage="negotiating",
    )
    project_change_stage(project=project, to_stage="dropped", actor=manager, reason="资金未到位")

    response = staff_client.get(reverse("projects:detail", args=[project.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "FT-2024-001",
        "芯片设计中心",
        "8.75",
        owner.full_name,
        manager.full_name,
        "集成电路",
        "丽泽金融商务区",
        "2024年倍增追赶合作发展丰台大会",
        "资金未到位",
    ):
        assert text in html
    assert f'href="/partners/{investor.pk}/"' in html
    history = [(c.from_stage, c.to_stage, c.changed_by) for c in response.context["history"]]
    assert history == [
        ("", "lead", owner),
        ("lead", "negotiating", owner),
        ("negotiating", "dropped", manager),
    ]
    # A dropped project is reopened from its page, at the stage it was dropped from.
    form = response.context["form"]
    assert [value for value, _ in form.fields["stage"].choices] == ["negotiating"]


def test_reopening_from_the_project_page_returns_to_it(staff_client, owner):
    project = make_project(owner, stage="signed", dropped=True)
    here = reverse("projects:detail", args=[project.pk])

    response = move(staff_client, project, "signed", reason="重新启动", next_url=here)

    assert response.status_code == 302
    assert response.url == here
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED


def test_an_error_on_the_project_page_shows_it_there(staff_client, owner):
    project = make_project(owner, stage="landed")
    here = reverse("projects:detail", args=[project.pk])

    response = move(staff_client, project, "dropped", next_url=here)

    assert response.status_code == 400
    assert response.templates[0].name == "projects/detail.html"
    assert response.context["form"].errors["drop_reason"]
    assert Project.objects.get(pk=project.pk).stage == Stage.LANDED


def test_an_unknown_project_is_a_404(staff_client):
    assert staff_client.get(reverse("projects:detail", args=[999999])).status_code == 404
    assert staff_client.post(reverse("projects:move", args=[999999])).status_code == 404


def test_every_reader_role_sees_the_project_page(owner):
    project = make_project(owner, code="ROLES")
    for role in (Role.MANAGER, Role.STAFF, Role.AUDITOR, Role.ADMINISTRATOR):
        client = signed_in(UserFactory(roles=[role]))
        assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
        assert client.get(BOARD).status_code == 200
