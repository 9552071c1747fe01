"""Builds the demo data set. Idempotent: every object is looked up by its natural key first and
only what is missing is created, so a second run changes nothing. Generated values come from a
random generator seeded per object, so they are the same on every machine and every run."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from chains import services as chain_services
from chains.models import (
    ChainLeaderAppointment,
    Industry,
    IndustryChain,
    TargetCompany,
    WorkCamp,
    WorkCampMembership,
)
from partners import services as partner_services
from partners.demo import reference as ref
from partners.models import Carrier, Partner, QualificationTag, Recognition
from partners.uscc import with_check_character
from projects import services as project_services
from projects.models import Event, Project, Stage

# Generated codes: registration authority 9 (市场监管), category 1 (企业), Fengtai's division code
# 110106, then an organisation code that starts with four zeros, which no real register issues.
SAMPLE_USCC_PREFIX = "911101060000"
NAMED_SERIAL_BASE = 90000
SAMPLE_NOTE = "演示数据：统一社会信用代码、联系人和金额均为生成的示例，不是真实登记信息。"
STEWARD_USERNAMES = ("staff", *(f"steward{n:02d}" for n in range(2, 9)))
# Stewards' share of partners: a few stewards carry most of the load, as in a real office.
STEWARD_WEIGHTS = (8, 6, 4, 3, 2, 2, 1, 1)
SAMPLE_COMPANY_WORDS = ("科技", "智能", "信息", "技术", "工程", "数据", "装备", "服务")


def sample_uscc(serial: int) -> str:
    return with_check_character(f"{SAMPLE_USCC_PREFIX}{serial:05d}")


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class DemoBuilder:
    def __init__(self, *, stdout=None):
        self.stdout = stdout
        self.created: dict[str, int] = {}

    def _count(self, label: str, created: bool) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1

    @transaction.atomic
    def build(self) -> dict[str, int]:
        self.industries = self.build_industries()
        self.chains = self.build_chains()
        self.carriers = self.build_carriers()
        self.tags = self.build_tags()
        self.events = self.build_events()
        self.stewards = self.build_stewards()
        self.partners = self.build_partners()
        self.partner_industry = dict(
            Partner.industries.through.objects.order_by("pk").values_list(
                "partner_id", "industry__name"
            )
        )
        self.build_roster()
        self.build_recognitions()
        self.build_work_camps()
        self.build_targets()
        self.build_projects()
        return self.created

    # Reference data -------------------------------------------------------------------------

    def build_industries(self) -> dict[str, Industry]:
        industries: dict[str, Industry] = {}
        for name, kind, parent, position in ref.INDUSTRIES:
            industry, created = Industry.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "parent": industries.get(parent) if parent else None,
                    "position": position,
                },
            )
            self._count("industries", created)
            industries[name] = industry
        return industries

    def build_chains(self) -> dict[str, IndustryChain]:
        chains = {}
        for position, (name, industry, segments) in enumerate(ref.CHAINS, start=1):
            chain, created = IndustryChain.objects.get_or_create(
                name=name, defaults={"industry": self.industries[industry], "position": position}
            )
            self._count("chains", created)
            chain_services.segments_define(chain=chain, names=list(segments))
            chains[name] = chain
        return chains

    def build_carriers(self) -> list[Carrier]:
        zones = {}
        for name in ref.ZONES:
            zones[name], created = Carrier.objects.get_or_create(
                name=name, defaults={"kind": Carrier.Kind.ZONE}
            )
            self._count("carriers", created)
        carriers = list(zones.values())
        for name, zone in ref.FEATURED_BUILDINGS:
            carrier, created = Carrier.objects.get_or_create(
                name=name,
                defaults={
                    "kind": Carrier.Kind.BUILDING,
                    "zone": zones.get(zone),
                    "is_featured": True,
                },
            )
            self._count("carriers", created)
            carriers.append(carrier)
        for name in ref.FEATURED_PARKS:
            carrier, created = Carrier.objects.get_or_create(
                name=name, defaults={"kind": Carrier.Kind.PARK, "is_featured": True}
            )
            self._count("carriers", created)
            carriers.append(carrier)
        return carriers

    def build_tags(self) -> dict[str, QualificationTag]:
        tags = {}
        for name in ref.QUALIFICATION_TAGS:
            tags[name], created = QualificationTag.objects.get_or_create(name=name)
            self._count("tags", created)
        return tags

    def build_events(self) -> dict[str, Event]:
        events = {}
        for key, (name, date, kind, location) in {
            "first": ref.FIRST_CONFERENCE,
            "demand": ref.DEMAND_RELEASE,
            "2024": ref.CONFERENCE_2024,
        }.items():
            events[key], created = Event.objects.get_or_create(
                name=name, date=date, defaults={"kind": kind, "location": location}
            )
            self._count("events", created)
        return events

    def build_stewards(self) -> list:
        user_model = get_user_model()
        group = Group.objects.get(name=Role.STAFF)
        stewards = []
        for number, username in enumerate(STEWARD_USERNAMES, start=1):
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model(
                    username=username,
                    full_name=f"示例管家 {number:02d}",
                    department="区投资促进服务中心",
                    is_staff=True,
                )
                user.set_unusable_password()
                user.save()
                user.groups.add(group)
                self._count("stewards", True)
            stewards.append(user)
        return stewards

    # Partners -------------------------------------------------------------------------------

    def _joined_on(self, index: int) -> tuple[dt.date, Event | None]:
        """The first 456 joined at the first conference; the rest one by one until April 2024."""
        first = self.events["first"]
        if index < ref.FIRST_CONFERENCE_JOINERS:
            return first.date, first
        later = ref.PARTNER_TOTAL - ref.FIRST_CONFERENCE_JOINERS
        span = (ref.CONFERENCE_2024[1] - first.date).days - 1
        offset = 1 + (index - ref.FIRST_CONFERENCE_JOINERS) * span // later
        return first.date + dt.timedelta(days=offset), None

    def _partner_plans(self) -> list[dict]:
        plans = []
        for serial, named in enumerate(ref.NAMED_PARTNERS, start=NAMED_SERIAL_BASE + 1):
            name, short, org_type, industry, _chain, _recognition, listed = named
            plans.append(
                {
                    "serial": serial,
                    "name": name,
                    "short_name": short,
                    "organisation_type": org_type,
                    "industry": industry,
                    "tags": ["上市公司"] if listed else [],
                }
            )
        leaf_industries = [name for name, *_rest in ref.INDUSTRIES]
        weights = [6 if name in ("轨道交通", "航天航空") else 2 for name in leaf_industries]
        for number in range(1, ref.PARTNER_TOTAL - len(ref.NAMED_PARTNERS) + 1):
            rng = random.Random(f"partner-{number}")
            industry = rng.choices(leaf_industries, weights=weights)[0]
            word = rng.choice(SAMPLE_COMPANY_WORDS)
            plans.append(
                {
                    "serial": number,
                    "name": f"示例{industry.split('/')[0]}{word}有限公司 {number:03d}",
                    "short_name": f"示例{number:03d}",
                    "organisation_type": rng.choices(
                        Partner.OrganisationType.values, weights=(3, 3, 20, 2, 1, 2, 2, 1)
                    )[0],
                    "industry": industry,
                    "tags": [tag for tag, share in self._tag_shares() if rng.random() < share],
                }
            )
        return plans

    @staticmethod
    def _tag_shares() -> tuple[tuple[str, float], ...]:
        return (
            ("国家高新技术企业", 0.5),
            ("专精特新", 0.15),
            ("专精特新“小巨人”", 0.04),
            ("瞪羚", 0.05),
            ("潜在独角兽", 0.02),
        )

    def _segments_for(self, industry: Industry, rng: random.Random) -> list:
        top = industry.parent or industry
        chain = next(c for c in self.chains.values() if c.industry_id == top.pk)
        segments = list(chain.segments.all())
        return rng.sample(segments, k=min(len(segments), rng.choice((1, 1, 2))))

    def build_partners(self) -> list[Partner]:
        existing = {p.uscc: p for p in Partner.objects.all()}
        partners = []
        for index, plan in enumerate(self._partner_plans()):
            uscc = sample_uscc(plan["serial"])
            partner = existing.get(uscc)
            if partner is None:
                partner = self._create_partner(index, uscc, plan)
                self._count("partners", True)
            partners.append(partner)
        return partners

    def _create_partner(self, index: int, uscc: str, plan: dict) -> Partner:
        rng = random.Random(f"partner-detail-{plan['serial']}")
        industry = self.industries[plan["industry"]]
        joined_on, event = self._joined_on(index)
        is_sample = plan["name"].startswith("示例")
        status = Partner.Status.ACTIVE
        if is_sample and index % 97 == 50:
            status = Partner.Status.WITHDRAWN if index % 2 else Partner.Status.SUSPENDED
        partner = partner_services.partner_create(
            actor=None,
            uscc=uscc,
            name=plan["name"],
            short_name=plan["short_name"],
            organisation_type=plan["organisation_type"],
            joined_on=joined_on,
            joined_at_event=event,
            status=status,
            steward=rng.choices(self.stewards, weights=STEWARD_WEIGHTS)[0],
            carrier=rng.choice(self.carriers) if rng.random() < 0.7 else None,
            registered_capital=Decimal(rng.randrange(100, 500_000)) if is_sample else None,
            established_on=dt.date(rng.randrange(1990, 2023), rng.randrange(1, 13), 1)
            if is_sample
            else None,
            in_doubling_catalogue=is_sample and rng.random() < 0.25,
            notes=SAMPLE_NOTE,
            industries=[industry],
            segments=self._segments_for(industry, rng),
            tags=[self.tags[name] for name in plan["tags"]],
        )
        for number in range(1, rng.choice((1, 2, 2, 3)) + 1):
            partner_services.contact_create(
                partner=partner,
                name=f"示例联系人 {plan['serial']:05d}-{number}",
                title=rng.choice(("总经理", "办公室主任", "董事会秘书", "市场部经理")),
                phone=f"1390{plan['serial']:05d}{number:02d}",
                email=f"contact{plan['serial']:05d}{number}@example.com",
                is_primary=number == 1,
            )
        return partner

    def partner_named(self, name: str) -> Partner:
        return next(p for p in self.partners if p.name == name or p.short_name == name)

    # Roster, recognition, camps, targets ------------------------------------------------------

    def roster_2024(self) -> list[tuple[Partner, IndustryChain]]:
        """65 units: the named chain leaders, then active sample partners by chain in turn."""
        roster = [
            (self.partner_named(named[0]), self.chains[named[4]])
            for named in ref.NAMED_PARTNERS
            if named[4]
        ]
        chosen = {partner.pk for partner, _chain in roster}
        by_chain: dict[int, list[Partner]] = {chain.pk: [] for chain in self.chains.values()}
        for partner in self.partners:
            if partner.pk in chosen or partner.status != Partner.Status.ACTIVE:
                continue
            if not partner.name.startswith("示例"):
                continue
            industry = self.industries[self._industry_name(partner)]
            by_chain[self._chain_of(industry).pk].append(partner)
        chains = list(self.chains.values())
        turn = 0
        while len(roster) < ref.CHAIN_LEADERS_2024:
            chain = chains[turn % len(chains)]
            if by_chain[chain.pk]:
                roster.append((by_chain[chain.pk].pop(0), chain))
            turn += 1
        return roster

    def _industry_name(self, partner: Partner) -> str:
        return self.partner_industry[partner.pk]

    def _chain_of(self, industry: Industry) -> IndustryChain:
        top = industry.parent or industry
        return next(c for c in self.chains.values() if c.industry_id == top.pk)

    def build_roster(self) -> None:
        self.roster = self.roster_2024()
        existing = set(
            ChainLeaderAppointment.objects.filter(year=ref.ROSTER_YEAR).values_list(
                "partner_id", "chain_id"
            )
        )
        for partner, chain in self.roster:
            if (partner.pk, chain.pk) not in existing:
                chain_services.appointment_create(
                    partner=partner, chain=chain, year=ref.ROSTER_YEAR
                )
                self._count("appointments", True)

    def build_recognitions(self) -> None:
        named = {
            cat: [n[0] for n in ref.NAMED_PARTNERS if n[5] == cat]
            for cat in ("chain_leader", "partner")
        }
        leaders = [self.partner_named(name) for name in named["chain_leader"]]
        leader_ids = {p.pk for p, _c in self.roster}
        leaders += [p for p, _c in self.roster if p.name.startswith("示例")]
        others = [self.partner_named(name) for name in named["partner"]]
        others += [
            p
            for p in self.partners
            if p.name.startswith("示例") and p.pk not in leader_ids and p.status == "active"
        ][::7]
        lists = {
            Recognition.Category.CHAIN_LEADER: leaders[: ref.RECOGNISED_CHAIN_LEADERS_2024],
            Recognition.Category.PARTNER: others[: ref.RECOGNISED_PARTNERS_2024],
        }
        for category, partners in lists.items():
            for partner in partners:
                _obj, created = Recognition.objects.get_or_create(
                    partner=partner,
                    year=ref.ROSTER_YEAR,
                    title=ref.RECOGNITION_TITLE,
                    defaults={"category": category},
                )
                self._count("recognitions", created)

    def build_work_camps(self) -> None:
        leaders_by_chain: dict[int, list[Partner]] = {}
        for partner, chain in self.roster:
            leaders_by_chain.setdefault(chain.pk, []).append(partner)
        for name, industry_name, department in ref.WORK_CAMP_LEADS:
            industry = self.industries[industry_name]
            camp, created = WorkCamp.objects.get_or_create(
                name=name, defaults={"industry": industry, "lead_department": department}
            )
            self._count("work_camps", created)
            if not created:
                continue
            for partner in leaders_by_chain.get(self._chain_of(industry).pk, [])[:3]:
                chain_services.work_camp_add_member(
                    camp=camp, partner=partner, role=WorkCampMembership.Role.CHAIN_LEADER
                )
            members = [p for p in self.partners if self._industry_name(p) == industry_name]
            leader_ids = set(camp.memberships.values_list("partner_id", flat=True))
            for partner in [p for p in members if p.pk not in leader_ids][:8]:
                chain_services.work_camp_add_member(camp=camp, partner=partner)

    def build_targets(self) -> None:
        """Most segments get target companies; every third is left without (a visible gap)."""
        number = 0
        statuses = TargetCompany.Status.values
        for chain in self.chains.values():
            for segment in chain.segments.all():
                if segment.position % 3 == 0:
                    continue
                for _n in range(2):
                    number += 1
                    name = f"示例目标企业 {number:03d}"
                    if TargetCompany.objects.filter(segment=segment, name=name).exists():
                        continue
                    chain_services.target_company_create(
                        segment=segment,
                        name=name,
                        uscc=sample_uscc(80000 + number),
                        status=statuses[number % len(statuses)],
                        owner=self.stewards[number % len(self.stewards)],
                    )
                    self._count("target_companies", True)

    # Projects -------------------------------------------------------------------------------

    def build_projects(self) -> None:
        conference = self.events["2024"]
        plans = self._project_plans()
        for code, plan in plans:
            if Project.objects.filter(code=code).exists():
                continue
            self._create_project(code, plan, conference)
            self._count("projects", True)

    def _project_plans(self) -> list[tuple[str, dict]]:
        plans = []
        for name, kind, industry, location in ref.NAMED_PROMOTED_PROJECTS:
            plans.append(
                {
                    "name": name,
                    "kind": kind,
                    "industry": industry,
                    "location": location,
                    "promoted": True,
                    "signed": False,
                    "investor": None,
                    "notes": "",
                }
            )
        for name, kind, industry, location, investor, notes in ref.NAMED_SIGNED_PROJECTS:
            plans.append(
                {
                    "name": name,
                    "kind": kind,
                    "industry": industry,
                    "location": location,
                    "promoted": True,
                    "signed": True,
                    "investor": investor,
                    "notes": notes,
                }
            )
        signed_samples = ref.SIGNED_2024 - len(ref.NAMED_SIGNED_PROJECTS)
        for number in range(1, signed_samples + 1):
            investors = ref.SAMPLE_SIGNED_INVESTORS
            investor = investors[number - 1] if number <= len(investors) else None
            plans.append(
                {
                    "name": f"示例签约项目 {number:02d}",
                    "kind": "industrial",
                    "industry": ref.INDUSTRIES[number % 12][0],
                    "location": "",
                    "promoted": True,
                    "signed": True,
                    "investor": investor,
                    "notes": "",
                }
            )
        conference_plans = [(f"FT2024-{n:03d}", p) for n, p in enumerate(plans, start=1)]
        pipeline = []
        for number in range(1, 31):
            pipeline.append(
                (
                    f"SL-{number:03d}",
                    {
                        "name": f"示例储备项目 {number:03d}",
                        "kind": "industrial",
                        "industry": ref.INDUSTRIES[number % 12][0],
                        "location": "",
                        "promoted": False,
                        "signed": False,
                        "investor": None,
                        "notes": "",
                    },
                )
            )
        return conference_plans + pipeline

    def _create_project(self, code: str, plan: dict, conference: Event) -> None:
        rng = random.Random(f"project-{code}")
        is_sample = plan["name"].startswith("示例")
        investors = [self.partner_named(plan["investor"])] if plan["investor"] else []
        start = conference.date - dt.timedelta(days=rng.randrange(60, 400))
        project = project_services.project_create(
            actor=None,
            created_at=aware(start),
            code=code,
            name=plan["name"],
            kind=plan["kind"],
            location=plan["location"],
            description=plan["notes"],
            planned_investment=Decimal(rng.randrange(5, 800)) / 10 if is_sample else None,
            owner=rng.choice(self.stewards),
            is_new_quality=rng.random() < 0.5,
            promoted_at=conference if plan["promoted"] else None,
            signed_at=conference if plan["signed"] else None,
            investors=investors,
            industries=[self.industries[plan["industry"]]] if plan["industry"] else [],
        )
        for stage, day in self._stage_path(plan, rng, start, conference.date):
            reason = "示例：投资方调整计划" if stage == Stage.DROPPED else ""
            project_services.project_change_stage(
                project=project, to_stage=stage, actor=None, changed_at=aware(day), reason=reason
            )

    @staticmethod
    def _stage_path(plan: dict, rng: random.Random, start: dt.date, conference: dt.date):
        if plan["signed"]:
            negotiating = start + (conference - start) / 2
            return [(Stage.NEGOTIATING, negotiating), (Stage.SIGNED, conference)]
        if plan["promoted"]:
            return [(Stage.NEGOTIATING, conference)] if rng.random() < 0.5 else []
        path = [Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.UNDER_CONSTRUCTION]
        steps = path[: rng.randrange(0, len(path) + 1)]
        if rng.random() < 0.15:
            steps.append(Stage.DROPPED)
        day = start
        moves = []
        for stage in steps:
            day += dt.timedelta(days=rng.randrange(20, 90))
            moves.append((stage, day))
        return moves
