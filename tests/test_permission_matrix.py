"""The permission matrix: every route of the API router, for every role × method × (own object,
other object, no object), answers the status decided here. A route missing from the matrix
fails the test, so a new endpoint cannot ship without a decision.

“Own” is the user's own record where that means something: the partner a staff member
stewards, the project it owns, a chain-leader unit's own partner, contacts and chains. An object
outside a user's scope answers 404 (its existence is not revealed); a refused action on a
visible object answers 403.
"""

import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.roles import Role
from chains.models import (
    ChainLeaderAppointment,
    SegmentStrengthRule,
    TargetCompany,
    WorkCampMembership,
)
from core.imports.services import import_upload
from partners.models import (
    DoublingIndicator,
    Notification,
    Recognition,
    RequestDeadlineRule,
    VisitCadenceRule,
)
from partners.services import (
    change_request_create,
    follow_up_create,
    interaction_record,
    request_change_status,
    request_raise,
)
from projects.models import PipelineTarget
from projects.services import project_create
from tests.factories import (
    CarrierFactory,
    ChainFactory,
    ContactFactory,
    EventFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
    sample_code,
)

pytestmark = pytest.mark.django_db

ADMIN, MANAGER, STAFF, LEADER, AUDITOR = (
    Role.ADMINISTRATOR,
    Role.MANAGER,
    Role.STAFF,
    Role.CHAIN_LEADER,
    Role.AUDITOR,
)
ROLES = (ADMIN, MANAGER, STAFF, LEADER, AUDITOR)


def every(status):
    return dict.fromkeys(ROLES, status)


def roles(default, **overrides):
    """Expected statuses by role: ``default`` for all, ``overrides`` by role name."""
    result = every(default)
    result.update({Role(key): value for key, value in overrides.items()})
    return result


FULL = (200, 200)  # (own object, other object)
NONE = (403, 403)
SCOPED = (200, 404)

# route name -> method -> role -> status (no object) or (own, other)
MATRIX = {
    "partner-list": {
        "GET": every(200),
        "POST": roles(201, chain_leader=403, auditor=403),
    },
    "partner-detail": {
        "GET": every(FULL),
        "PATCH": roles(FULL, staff=(200, 403), chain_leader=(200, 403), auditor=NONE),
        "DELETE": roles((204, 204), staff=NONE, chain_leader=NONE, auditor=NONE),
    },
    "partner-restore": {"POST": roles(FULL, staff=NONE, chain_leader=NONE, auditor=NONE)},
    "partner-duplicates": {"GET": roles(200, chain_leader=403, auditor=403)},
    "search-list": {"GET": every(200), "POST": every(405)},
    "contact-list": {"GET": every(200), "POST": roles(201, auditor=403)},
    "contact-detail": {
        "GET": roles(FULL, chain_leader=SCOPED),
        "PATCH": roles(FULL, staff=(200, 403), chain_leader=SCOPED, auditor=NONE),
        "DELETE": roles((204, 204), staff=(204, 403), chain_leader=(204, 404), auditor=NONE),
    },
    "project-list": {
        "GET": roles(200, chain_leader=403),
        "POST": roles(201, chain_leader=403, auditor=403),
    },
    "project-detail": {
        "GET": roles(FULL, chain_leader=NONE),
        "PATCH": roles(FULL, staff=(200, 403), chain_leader=NONE, auditor=NONE),
        "DELETE": roles((204, 204), staff=NONE, chain_leader=NONE, auditor=NONE),
    },
    "project-advance": {"POST": roles(FULL, staff=(200, 403), chain_leader=NONE, auditor=NONE)},
    "project-restore": {"POST": roles(FULL, staff=NONE, chain_leader=NONE, auditor=NONE)},
    "stage-change-list": {"GET": roles(200, chain_leader=403), "POST": every(405)},
    "stage-change-detail": {
        "GET": roles(FULL, chain_leader=NONE),
        "PATCH": every((405, 405)),
        "DELETE": every((405, 405)),
    },
    "change-request-list": {"GET": every(200), "POST": every(405)},
    "change-request-detail": {
        "GET": roles(FULL, staff=SCOPED, chain_leader=SCOPED, auditor=(404, 404)),
        "PATCH": every((405, 405)),
    },
    "change-request-approve": {"POST": roles(FULL, staff=SCOPED, chain_leader=NONE, auditor=NONE)},
    "change-request-reject": {"POST": roles(FULL, staff=SCOPED, chain_leader=NONE, auditor=NONE)},
    "token-list": {"GET": every(200), "POST": every(201)},
    "token-detail": {"DELETE": every((204, 404))},
    "audit-list": {"GET": roles(200, staff=403, chain_leader=403), "POST": every(405)},
    "work-camp-add-member": {
        "POST": roles((201, 201), staff=NONE, chain_leader=NONE, auditor=NONE)
    },
    "work-camp-remove-member": {
        "DELETE": roles((204, 204), staff=NONE, chain_leader=NONE, auditor=NONE)
    },
}

STAFF_WORK = roles(FULL, staff=(200, 403), chain_leader=NONE, auditor=NONE)
MATRIX.update(
    {
        "interaction-list": {
            "GET": roles(200, chain_leader=403),
            "POST": roles(201, chain_leader=403, auditor=403),
        },
        "interaction-detail": {
            "GET": roles(FULL, chain_leader=NONE),
            "PATCH": STAFF_WORK,
            "DELETE": roles((204, 204), staff=NONE, chain_leader=NONE, auditor=NONE),
        },
        "follow-up-list": {
            "GET": roles(200, chain_leader=403),
            "POST": roles(201, chain_leader=403, auditor=403),
        },
        "follow-up-detail": {
            "GET": roles(FULL, chain_leader=NONE),
            "PATCH": STAFF_WORK,
            "DELETE": roles((204, 204), staff=NONE, chain_leader=NONE, auditor=NONE),
        },
        "follow-up-complete": {"POST": STAFF_WORK},
        "follow-up-cancel": {"POST": STAFF_WORK},
        "request-list": {"GET": every(200), "POST": roles(201, auditor=403)},
        "request-detail": {
            "GET": roles(FULL, chain_leader=SCOPED),
            "PATCH": STAFF_WORK,
            "DELETE": roles((204, 204), staff=NONE, chain_leader=NONE, auditor=NONE),
        },
        "request-transition": {"POST": STAFF_WORK},
        "request-reassign": {"POST": STAFF_WORK},
        "request-extend": {"POST": STAFF_WORK},
        "request-rate": {"POST": roles(FULL, staff=NONE, chain_leader=SCOPED, auditor=NONE)},
    }
)

MATRIX.update(
    {
        "notification-list": {"GET": every(200), "POST": every(405)},
        "notification-detail": {"GET": every((200, 404)), "DELETE": every((405, 405))},
        "notification-unread-count": {"GET": every(200)},
        "notification-read": {"POST": every((200, 404))},
        "notification-read-all": {"POST": every(200)},
    }
)

# Excel exports: whoever reads a list exports it, within the same scope.
MATRIX.update(
    {
        "partner-export": {"GET": every(200)},
        "project-export": {"GET": roles(200, chain_leader=403)},
        "appointment-export": {"GET": every(200)},
        "interaction-export": {"GET": roles(200, chain_leader=403)},
        "follow-up-export": {"GET": roles(200, chain_leader=403)},
        "request-export": {"GET": every(200)},
    }
)

# Imports: staff and managers import, a staff member sees its own batches, auditors read them.
MATRIX.update(
    {
        "import-list": {
            "GET": roles(200, chain_leader=403),
            "POST": roles(201, chain_leader=403, auditor=403),
        },
        "import-detail": {"GET": roles(FULL, staff=SCOPED, chain_leader=NONE)},
        "import-confirm": {"POST": roles(FULL, staff=SCOPED, chain_leader=NONE, auditor=NONE)},
        "import-rejected": {"GET": roles(FULL, staff=SCOPED, chain_leader=NONE)},
        "import-template": {"GET": roles(200, chain_leader=403)},
    }
)

# Manager reports: read-only, each with its Excel export. Add a report's two routes here.
REPORTS = {
    "report-overview": roles(200, chain_leader=403),
    "report-pipeline": roles(200, chain_leader=403),
    "report-roster": every(200),
    "report-requests": roles(200, chain_leader=403),
    "report-doubling": roles(200, chain_leader=403),
    "report-chain-map": every(200),
    "report-coverage": roles(200, chain_leader=403),
}
for _report, _statuses in REPORTS.items():
    MATRIX[f"{_report}-list"] = {"GET": _statuses}
    MATRIX[f"{_report}-export"] = {"GET": _statuses}

# Doubling-plan indicators: staff and managers keep them; a chain-leader unit reads and adds
# its own partner's figures (and nothing else); auditors read.
MATRIX.update(
    {
        "doubling-indicator-list": {"GET": every(200), "POST": roles(201, auditor=403)},
        "doubling-indicator-detail": {
            "GET": roles(FULL, chain_leader=SCOPED),
            "PATCH": roles(FULL, chain_leader=NONE, auditor=NONE),
            "DELETE": roles((204, 204), chain_leader=NONE, auditor=NONE),
        },
    }
)

# Reference data and the roster: managers change them, everybody else reads (a chain-leader
# unit its own chains only, or nothing for internal lists).
REFERENCE = {
    "industry": "everyone",
    "tag": "everyone",
    "carrier": "everyone",
    "chain": "own chains",
    "segment": "own chains",
    "appointment": "own chains",
    "work-camp": "own chains",
    "recognition": "internal",
    "target": "internal",
    "event": "internal",
    "pipeline-target": "internal",
    "deadline-rule": "everyone",
    "cadence-rule": "everyone",
    "strength-rule": "everyone",
}
for _name, _reach in REFERENCE.items():
    leader_list = 403 if _reach == "internal" else 200
    leader_get = {"everyone": FULL, "own chains": SCOPED, "internal": NONE}[_reach]
    MATRIX[f"{_name}-list"] = {
        "GET": roles(200, chain_leader=leader_list),
        "POST": roles(201, staff=403, chain_leader=403, auditor=403),
    }
    MATRIX[f"{_name}-detail"] = {
        "GET": roles(FULL, chain_leader=leader_get),
        "PATCH": roles(FULL, staff=NONE, chain_leader=NONE, auditor=NONE),
        "DELETE": roles((204, 204), staff=NONE, chain_leader=NONE, auditor=NONE),
    }


def api_route_names() -> set[str]:
    """Every named route under /api/v1/, from the URL configuration itself."""
    names = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (
                isinstance(pattern, URLPattern)
                and route.startswith("api/v1/")
                and pattern.name not in {None, "api-root"}
            ):
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_route_has_a_decision():
    routes = api_route_names()
    assert routes, "no API routes found"
    assert routes == set(MATRIX), (routes - set(MATRIX), set(MATRIX) - routes)


# The world every check runs in --------------------------------------------------------------


class World:
    def __init__(self):
        self.users = {role: UserFactory(username=f"{role}-user", roles=[role]) for role in ROLES}
        self.leader_partner = PartnerFactory(name="链长单位自己有限公司")
        leader = self.users[LEADER]
        leader.partner = self.leader_partner
        leader.is_staff = False
        leader.save()
        self.own_chain = ChainFactory()
        ChainLeaderAppointment.objects.create(
            partner=self.leader_partner, chain=self.own_chain, year=2024
        )
        self.serial = 500

    def user(self, role):
        return self.users[role]

    def other_importer(self):
        return UserFactory(roles=[STAFF])

    def next_code(self) -> str:
        self.serial += 1
        return sample_code(self.serial)

    def partner(self, role, own: bool):
        if own and role == LEADER:
            return self.leader_partner
        steward = self.user(STAFF) if own and role == STAFF else None
        return PartnerFactory(steward=steward)

    def chain(self, role, own: bool):
        if own and role == LEADER:
            chain = ChainFactory(industry=self.own_chain.industry)
            ChainLeaderAppointment.objects.create(
                partner=self.leader_partner, chain=chain, year=2025
            )
            return chain
        return ChainFactory()


def make(world: World, name: str, role, own: bool):
    """A fresh object of the resource for a check: own or other from the role's view."""
    if name == "partner":
        return world.partner(role, own)
    if name == "contact":
        return ContactFactory(partner=world.partner(role, own))
    if name == "project":
        owner = world.user(STAFF) if own and role == STAFF else None
        return project_create(
            actor=None, code=f"P{world.next_code()[-6:]}", name="项目", kind="other", owner=owner
        )
    if name == "stage-change":
        return make(world, "project", role, own).stage_changes.get()
    if name == "change-request":
        return change_request_create(
            partner=world.partner(role, own), actor=world.user(LEADER), changes={"name": "新名"}
        )
    if name == "token":
        owner = world.user(role) if own else UserFactory()
        return AuthToken.objects.create(user=owner)[0]
    if name == "import":
        can_import = role in (ADMIN, MANAGER, STAFF)  # others' "own" batch is someone else's
        uploader = world.user(role) if own and can_import else world.other_importer()
        upload = _import_upload(world)
        return import_upload(
            kind="partners", file_name="p.csv", content=upload["file"].read(), actor=uploader
        )
    if name == "industry":
        return IndustryFactory()
    if name == "tag":
        return TagFactory()
    if name == "carrier":
        return CarrierFactory()
    if name == "chain":
        return world.chain(role, own)
    if name == "segment":
        return SegmentFactory(chain=world.chain(role, own))
    if name == "appointment":
        return ChainLeaderAppointment.objects.create(
            partner=PartnerFactory(), chain=world.chain(role, own), year=2026
        )
    if name == "work-camp":
        from chains.models import WorkCamp

        industry = world.own_chain.industry if own and role == LEADER else IndustryFactory()
        return WorkCamp.objects.create(
            name=f"工作营 {world.next_code()}", industry=industry, lead_department="x"
        )
    if name == "recognition":
        return Recognition.objects.create(
            partner=PartnerFactory(), year=2024, title="榜", category="partner"
        )
    if name == "target":
        return TargetCompany.objects.create(
            name=f"目标 {world.next_code()}", segment=SegmentFactory()
        )
    if name == "event":
        return EventFactory()
    if name == "pipeline-target":
        return PipelineTarget.objects.create(year=_free_year(world))
    if name == "strength-rule":
        return SegmentStrengthRule.objects.create(name=f"规则 {world.next_code()}", is_active=False)
    if name in ENGAGEMENT_BUILDERS:
        return ENGAGEMENT_BUILDERS[name](world, role, own)
    raise AssertionError(f"no builder for {name}")


def _someone_else():
    return UserFactory()


def _interaction(world, role, own):
    recorder = world.user(STAFF) if own and role == STAFF else _someone_else()
    return interaction_record(
        partner=world.partner(role, own),
        actor=recorder,
        kind="visit",
        occurred_at=timezone.now(),
        summary="走访",
    )


def _follow_up(world, role, own):
    owner = world.user(STAFF) if own and role == STAFF else _someone_else()
    return follow_up_create(
        partner=world.partner(role, own), owner=owner, due_on=timezone.localdate(), action="回访"
    )


def _request(world, role, own, *, resolved=False):
    owner = world.user(STAFF) if own and role == STAFF else _someone_else()
    request = request_raise(
        partner=world.partner(role, own),
        actor=owner,
        category="policy",
        description="政策咨询",
        owner=owner,
    )
    if resolved:
        request = request_change_status(request=request, actor=owner, to_status="resolved")
    return request


def _notification(world, role, own):
    recipient = world.user(role) if own else _someone_else()
    return Notification.objects.create(recipient=recipient, title="提醒")


def _catalogue_partner(world, role, own):
    partner = world.partner(role, own)
    partner.in_doubling_catalogue = True
    partner.save(update_fields=["in_doubling_catalogue"])
    return partner


def _doubling_indicator(world, role, own):
    return DoublingIndicator.objects.create(
        partner=_catalogue_partner(world, role, own),
        year=2024,
        revenue=1000,
        tax=100,
        rd_spending=50,
        employees=100,
    )


ENGAGEMENT_BUILDERS = {
    "doubling-indicator": _doubling_indicator,
    "notification": _notification,
    "interaction": _interaction,
    "follow-up": _follow_up,
    "request": _request,
    "deadline-rule": lambda world, role, own: RequestDeadlineRule.objects.order_by("pk").first(),
    "cadence-rule": lambda world, role, own: VisitCadenceRule.objects.order_by("pk").first(),
}


def _import_upload(world: World) -> dict:
    header = "企业名称,统一社会信用代码,企业类型,加入日期"
    text = f"{header}\n导入企业,{world.next_code()},private,2024-03-29"
    file = io.BytesIO(text.encode())
    file.name = "partners.csv"
    return {"kind": "partners", "file": file}


def _free_year(world: World) -> int:
    """A pipeline-target year no other check of the run has used (2001 onwards)."""
    world.serial += 1
    return 1500 + world.serial


def _free_rule(model, field, value, payload):
    model.objects.filter(**{field: value}).delete()
    return payload


def create_payload(world: World, name: str, role) -> dict:
    """A valid body for POST on the list route, made for the role (its own partner …)."""
    own_partner = world.partner(role, own=True)
    bodies = {
        "partner": lambda: {
            "uscc": world.next_code(),
            "name": "新伙伴",
            "organisation_type": "private",
            "joined_on": "2024-01-01",
        },
        "contact": lambda: {"partner_id": own_partner.pk, "name": "张三"},
        "project": lambda: {
            "code": f"N{world.next_code()[-6:]}",
            "name": "新项目",
            "kind": "other",
        },
        "industry": lambda: {"name": f"产业 {world.next_code()}", "kind": "future"},
        "tag": lambda: {"name": f"标签 {world.next_code()}"},
        "carrier": lambda: {"name": f"楼 {world.next_code()}", "kind": "building"},
        "chain": lambda: {"name": f"链 {world.next_code()}", "industry_id": IndustryFactory().pk},
        "segment": lambda: {"chain_id": ChainFactory().pk, "name": "环节", "position": 1},
        "appointment": lambda: {
            "partner_id": PartnerFactory().pk,
            "chain_id": ChainFactory().pk,
            "year": 2024,
        },
        "work-camp": lambda: {
            "name": f"营 {world.next_code()}",
            "industry_id": IndustryFactory().pk,
            "lead_department": "x",
        },
        "recognition": lambda: {
            "partner_id": PartnerFactory().pk,
            "year": 2024,
            "title": "榜",
            "category": "partner",
        },
        "target": lambda: {"name": "目标", "segment_id": SegmentFactory().pk},
        "event": lambda: {
            "name": f"活动 {world.next_code()}",
            "date": "2024-04-23",
            "kind": "conference",
        },
        "interaction": lambda: {
            "partner_id": own_partner.pk,
            "kind": "call",
            "occurred_at": timezone.now().isoformat(),
            "summary": "电话沟通",
        },
        "follow-up": lambda: {
            "partner_id": own_partner.pk,
            "due_on": "2026-12-01",
            "action": "回访",
        },
        "request": lambda: {
            "partner_id": own_partner.pk,
            "category": "space",
            "description": "需要场地",
        },
        "deadline-rule": lambda: _free_rule(
            RequestDeadlineRule, "category", "other", {"category": "other", "working_days": 7}
        ),
        "doubling-indicator": lambda: {
            "partner_id": _catalogue_partner(world, role, own=True).pk,
            "year": 2023,
            "revenue": "800",
            "tax": "60",
            "rd_spending": "30",
            "employees": 90,
        },
        "cadence-rule": lambda: _free_rule(
            VisitCadenceRule, "group", "other", {"group": "other", "days": 80}
        ),
        "strength-rule": lambda: {
            "name": f"规则 {world.next_code()}",
            "min_partners": 2,
            "min_qualified_partners": 0,
        },
        "pipeline-target": lambda: {"year": _free_year(world), "signed_projects": 5},
        "token": dict,
        "stage-change": dict,
        "change-request": dict,
        "audit": dict,
        "search": dict,
        "notification": dict,
    }
    return bodies[name]()


EDITS = {
    "doubling-indicator": {"revenue": "900"},
    "partner": {"address": "丰台区新地址"},
    "contact": {"title": "总经理"},
    "project": {"location": "丽泽"},
    "industry": {"description": "说明"},
    "tag": {"description": "说明"},
    "carrier": {"address": "地址"},
    "chain": {"description": "说明"},
    "segment": {"description": "说明"},
    "appointment": {"note": "备注"},
    "work-camp": {"description": "说明"},
    "recognition": {"title": "新榜"},
    "target": {"note": "备注"},
    "event": {"location": "园博园"},
    "pipeline-target": {"landed_projects": 3},
    "stage-change": {"note": "x"},
    "change-request": {"status": "approved"},
    "interaction": {"outcome": "已答复"},
    "follow-up": {"action": "再次回访"},
    "request": {"description": "补充说明"},
    "deadline-rule": {"working_days": 12},
    "cadence-rule": {"days": 45},
    "strength-rule": {"min_partners": 4},
}


def request(world: World, route: str, method: str, role, own: bool | None):
    name, _sep, kind = route.rpartition("-")
    client = APIClient()
    client.force_authenticate(world.user(role))
    if kind == "list":
        url = f"/api/v1/{COLLECTIONS[name]}/"
        params = LIST_PARAMETERS.get(name) if method == "GET" else None
        if method == "GET":
            return client.get(url, params)
        if name == "import":
            return client.post(url, _import_upload(world), format="multipart")
        return client.post(url, create_payload(world, name, role), format="json")
    if route in COLLECTION_ACTIONS:
        return getattr(client, method.lower())(COLLECTION_ACTIONS[route])
    return detail_request(world, client, route, method, role, own)


LIST_PARAMETERS = {"audit": {"model": "partners.partner"}, "search": {"q": "伙伴"}}

COLLECTION_ACTIONS = {
    "report-requests-export": "/api/v1/reports/requests/export/",
    "report-doubling-export": "/api/v1/reports/doubling/export/",
    "report-overview-export": "/api/v1/reports/overview/export/",
    "report-pipeline-export": "/api/v1/reports/pipeline/export/",
    "report-roster-export": "/api/v1/reports/roster/export/",
    "report-chain-map-export": "/api/v1/reports/chain-map/export/",
    "report-coverage-export": "/api/v1/reports/coverage/export/",
    "import-template": "/api/v1/imports/templates/partners/",
    "partner-duplicates": "/api/v1/partners/duplicates/?name=新伙伴",
    "notification-unread-count": "/api/v1/notifications/unread-count/",
    "notification-read-all": "/api/v1/notifications/read-all/",
    "partner-export": "/api/v1/partners/export/",
    "project-export": "/api/v1/projects/export/",
    "appointment-export": "/api/v1/appointments/export/",
    "interaction-export": "/api/v1/interactions/export/",
    "follow-up-export": "/api/v1/follow-ups/export/",
    "request-export": "/api/v1/requests/export/",
}


COLLECTIONS = {
    "report-requests": "reports/requests",
    "report-doubling": "reports/doubling",
    "doubling-indicator": "doubling-indicators",
    "report-overview": "reports/overview",
    "report-pipeline": "reports/pipeline",
    "report-roster": "reports/roster",
    "pipeline-target": "pipeline-targets",
    "report-chain-map": "reports/chain-map",
    "report-coverage": "reports/coverage",
    "strength-rule": "segment-strength-rules",
    "import": "imports",
    "notification": "notifications",
    "interaction": "interactions",
    "follow-up": "follow-ups",
    "request": "requests",
    "deadline-rule": "request-deadline-rules",
    "cadence-rule": "visit-cadence-rules",
    "partner": "partners",
    "contact": "contacts",
    "project": "projects",
    "industry": "industries",
    "tag": "tags",
    "carrier": "carriers",
    "chain": "chains",
    "segment": "segments",
    "appointment": "appointments",
    "work-camp": "work-camps",
    "recognition": "recognitions",
    "target": "targets",
    "event": "events",
    "stage-change": "stage-changes",
    "change-request": "change-requests",
    "token": "tokens",
    "audit": "audit",
    "search": "search",
}


ACTION_SUFFIXES = (
    "-confirm",
    "-rejected",
    "-unread-count",
    "-read-all",
    "-read",
    "-detail",
    "-restore",
    "-advance",
    "-approve",
    "-reject",
    "-add-member",
    "-remove-member",
    "-complete",
    "-cancel",
    "-transition",
    "-reassign",
    "-extend",
    "-rate",
)
ENGAGEMENT_ACTIONS = {
    "complete": {},
    "cancel": {},
    "transition": {"to_status": "in_progress"},
    "reassign": {"owner_department": "区商务局", "reason": "归口调整"},
    "extend": {"working_days": 2, "reason": "等待材料"},
    "rate": {"satisfaction": 5},
}


def detail_request(world, client, route, method, role, own):
    name, action = next(
        (route[: -len(suffix)], suffix[1:]) for suffix in ACTION_SUFFIXES if route.endswith(suffix)
    )
    if action == "rate":
        obj = _request(world, role, own, resolved=True)
    else:
        obj = make(world, name, role, own)
    key = obj.token_key if name == "token" else obj.pk
    base = f"/api/v1/{COLLECTIONS[name]}/{key}/"
    if action == "detail":
        if method == "GET":
            return client.get(base)
        if method == "PATCH":
            return client.patch(base, EDITS.get(name, {}), format="json")
        return client.delete(base)
    if action == "restore":
        obj.archived_at = obj.created_at
        obj.save(update_fields=["archived_at"])
        return client.post(f"{base}restore/")
    if action == "advance":
        return client.post(f"{base}advance/", {"to_stage": "negotiating"}, format="json")
    if action == "read":
        return client.post(f"{base}read/")
    if action == "confirm":
        return client.post(f"{base}confirm/")
    if action == "rejected":
        return client.get(f"{base}rejected/")
    if action in ENGAGEMENT_ACTIONS:
        return client.post(f"{base}{action}/", ENGAGEMENT_ACTIONS[action], format="json")
    if action in {"approve", "reject"}:
        return client.post(f"{base}{action}/", {"reason": "不符合"}, format="json")
    partner = PartnerFactory()
    if action == "add-member":
        return client.post(f"{base}members/", {"partner_id": partner.pk}, format="json")
    WorkCampMembership.objects.create(camp=obj, partner=partner)
    return client.delete(f"{base}members/{partner.pk}/")


CASES = [
    (route, method, role)
    for route, methods in MATRIX.items()
    for method, by_role in methods.items()
    for role in ROLES
]


@pytest.mark.parametrize(
    ("route", "method", "role"), CASES, ids=[f"{r}-{m}-{o}" for r, m, o in CASES]
)
def test_permission_matrix(route, method, role):
    world = World()
    expected = MATRIX[route][method][role]
    if isinstance(expected, tuple):
        for own, status in zip((True, False), expected, strict=True):
            response = request(world, route, method, role, own)
            assert response.status_code == status, (
                route,
                method,
                role,
                "own" if own else "other",
                response.content[:300],
            )
    else:
        response = request(world, route, method, role, None)
        assert response.status_code == expected, (route, method, role, response.content[:300])
