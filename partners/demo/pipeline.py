"""The projects of the demo set: the 20 promoted at the 2024 conference (9 of them signed there)
and 30 generated pipeline projects, each with its stage history."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from core.services import instance_create
from partners.demo import reference as ref
from partners.demo.context import DemoSet, aware, is_sample
from projects import services as project_services
from projects.models import Event, PipelineTarget, Project, Stage

PIPELINE_PROJECTS = 30
DROP_REASON = "示例：投资方调整计划"


@dataclass(frozen=True)
class ProjectPlan:
    code: str
    name: str
    kind: str
    industry: str | None
    location: str = ""
    promoted: bool = False
    signed: bool = False
    investor: str | None = None
    description: str = ""


def _sample_industry(number: int) -> str:
    return ref.INDUSTRIES[number % len(ref.CHAINS)][0]


def conference_plans() -> list[dict]:
    """The 20 projects of the 2024 conference: named promoted, named signed, generated signed."""
    plans = [
        {"name": name, "kind": kind, "industry": industry, "location": location}
        for name, kind, industry, location in ref.NAMED_PROMOTED_PROJECTS
    ]
    for name, kind, industry, location, investor, description in ref.NAMED_SIGNED_PROJECTS:
        plans.append(
            {
                "name": name,
                "kind": kind,
                "industry": industry,
                "location": location,
                "signed": True,
                "investor": investor,
                "description": description,
            }
        )
    investors = ref.SAMPLE_SIGNED_INVESTORS
    for number in range(1, ref.SIGNED_2024 - len(ref.NAMED_SIGNED_PROJECTS) + 1):
        investor = investors[number - 1] if number <= len(investors) else None
        plans.append(
            {
                "name": f"示例签约项目 {number:02d}",
                "kind": "industrial",
                "industry": _sample_industry(number),
                "signed": True,
                "investor": investor,
            }
        )
    return plans


def project_plans() -> list[ProjectPlan]:
    plans = [
        ProjectPlan(code=f"FT2024-{n:03d}", promoted=True, **plan)
        for n, plan in enumerate(conference_plans(), start=1)
    ]
    plans += [
        ProjectPlan(
            code=f"SL-{n:03d}",
            name=f"示例储备项目 {n:03d}",
            kind="industrial",
            industry=_sample_industry(n),
        )
        for n in range(1, PIPELINE_PROJECTS + 1)
    ]
    return plans


def build_projects(demo: DemoSet) -> None:
    existing = set(Project.objects.values_list("code", flat=True))
    for plan in project_plans():
        if plan.code not in existing:
            create_project(demo, plan, demo.events["2024"])
            demo.count("projects")


def create_project(demo: DemoSet, plan: ProjectPlan, conference: Event) -> Project:
    rng = random.Random(f"project-{plan.code}")
    start = conference.date - dt.timedelta(days=rng.randrange(60, 400))
    project = project_services.project_create(
        actor=None,
        created_at=aware(start),
        code=plan.code,
        name=plan.name,
        kind=plan.kind,
        location=plan.location,
        description=plan.description,
        planned_investment=Decimal(rng.randrange(5, 800)) / 10 if is_sample(plan.name) else None,
        owner=rng.choice(demo.stewards),
        is_new_quality=rng.random() < 0.5,
        promoted_at=conference if plan.promoted else None,
        signed_at=conference if plan.signed else None,
        investors=[demo.partner_named(plan.investor)] if plan.investor else [],
        industries=[demo.industries[plan.industry]] if plan.industry else [],
    )
    for stage, day in stage_path(plan, rng, start, conference.date):
        project_services.project_change_stage(
            project=project,
            to_stage=stage,
            actor=None,
            changed_at=aware(day),
            reason=DROP_REASON if stage == Stage.DROPPED else "",
        )
    return project


def stage_path(plan: ProjectPlan, rng: random.Random, start: dt.date, conference: dt.date):
    """Signed at the conference after negotiating; promoted ones may be negotiating; pipeline
    projects are somewhere between lead and under construction, a few dropped."""
    if plan.signed:
        return [(Stage.NEGOTIATING, start + (conference - start) / 2), (Stage.SIGNED, conference)]
    if plan.promoted:
        return [(Stage.NEGOTIATING, conference)] if rng.random() < 0.5 else []
    path = [Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.UNDER_CONSTRUCTION]
    steps = path[: rng.randrange(0, len(path) + 1)]
    if rng.random() < 0.15:
        steps.append(Stage.DROPPED)
    day, moves = start, []
    for stage in steps:
        day += dt.timedelta(days=rng.randrange(20, 90))
        moves.append((stage, day))
    return moves


PIPELINE_TARGETS = {2024: (20, 10, "500.00"), 2025: (24, 12, "600.00"), 2026: (28, 15, "700.00")}


def build_pipeline_targets(demo: DemoSet) -> None:
    """Yearly targets for the pipeline report: projects to sign and to land, investment (亿元)."""
    existing = set(PipelineTarget.objects.values_list("year", flat=True))
    for year, (signed, landed, investment) in PIPELINE_TARGETS.items():
        if year in existing:
            continue
        instance_create(
            PipelineTarget,
            actor=None,
            year=year,
            signed_projects=signed,
            landed_projects=landed,
            planned_investment=Decimal(investment),
        )
        demo.count("pipeline targets")
