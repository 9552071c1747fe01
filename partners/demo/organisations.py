"""The 600 partners of the demo set, the 2024 roster, the recognition list, work camps and
target lists."""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import Role
from chains import services as chain_services
from chains.models import ChainLeaderAppointment, TargetCompany, WorkCamp, WorkCampMembership
from partners import services as partner_services
from partners.demo import reference as ref
from partners.demo.context import DemoSet, is_sample, sample_uscc
from partners.models import Partner, PartnerChangeRequest, Recognition

NAMED_SERIAL_BASE = 90000
TARGET_SERIAL_BASE = 80000
SAMPLE_NOTE = "演示数据：统一社会信用代码、联系人和金额均为生成的示例，不是真实登记信息。"
# Stewards' share of partners: a few stewards carry most of the load, as in a real office.
STEWARD_WEIGHTS = (8, 6, 4, 3, 2, 2, 1, 1)
SAMPLE_COMPANY_WORDS = ("科技", "智能", "信息", "技术", "工程", "数据", "装备", "服务")
ORGANISATION_TYPE_WEIGHTS = (3, 3, 20, 2, 1, 2, 2, 1)  # in OrganisationType order
TAG_SHARES = (
    ("国家高新技术企业", 0.5),
    ("专精特新", 0.15),
    ("专精特新“小巨人”", 0.04),
    ("瞪羚", 0.05),
    ("潜在独角兽", 0.02),
)
CONTACT_TITLES = ("总经理", "办公室主任", "董事会秘书", "市场部经理")


@dataclass(frozen=True)
class PartnerPlan:
    serial: int
    name: str
    short_name: str
    organisation_type: str
    industry: str
    tags: list[str] = field(default_factory=list)


def partner_plans() -> list[PartnerPlan]:
    """The named organisations first, then generated ones, each drawn from its own seed."""
    plans = [
        PartnerPlan(serial, name, short, org_type, industry, ["上市公司"] if listed else [])
        for serial, (name, short, org_type, industry, _chain, _recognition, listed) in enumerate(
            ref.NAMED_PARTNERS, start=NAMED_SERIAL_BASE + 1
        )
    ]
    industries = [name for name, *_rest in ref.INDUSTRIES]
    weights = [6 if name in ("轨道交通", "航天航空") else 2 for name in industries]
    for number in range(1, ref.PARTNER_TOTAL - len(ref.NAMED_PARTNERS) + 1):
        rng = random.Random(f"partner-{number}")
        industry = rng.choices(industries, weights=weights)[0]
        word = rng.choice(SAMPLE_COMPANY_WORDS)
        org_type = rng.choices(Partner.OrganisationType.values, ORGANISATION_TYPE_WEIGHTS)[0]
        tags = [tag for tag, share in TAG_SHARES if rng.random() < share]
        name = f"示例{industry.split('/')[0]}{word}有限公司 {number:03d}"
        plans.append(PartnerPlan(number, name, f"示例{number:03d}", org_type, industry, tags))
    return plans


def joined(demo: DemoSet, index: int):
    """The first 456 joined at the first conference; the rest one by one until April 2024."""
    first = demo.events["first"]
    if index < ref.FIRST_CONFERENCE_JOINERS:
        return first.date, first
    later = ref.PARTNER_TOTAL - ref.FIRST_CONFERENCE_JOINERS
    span = (ref.CONFERENCE_2024[1] - first.date).days - 1
    offset = 1 + (index - ref.FIRST_CONFERENCE_JOINERS) * span // later
    return first.date + dt.timedelta(days=offset), None


def build_partners(demo: DemoSet) -> None:
    existing = {p.uscc: p for p in Partner.objects.all()}
    for index, plan in enumerate(partner_plans()):
        partner = existing.get(sample_uscc(plan.serial))
        if partner is None:
            partner = create_partner(demo, index, plan)
            demo.count("partners")
        demo.partners.append(partner)
    demo.partner_industry = dict(
        Partner.industries.through.objects.order_by("pk").values_list(
            "partner_id", "industry__name"
        )
    )


def _status(index: int, plan: PartnerPlan) -> str:
    """A handful of generated partners are suspended or withdrawn, as in a real register."""
    if is_sample(plan.name) and index % 97 == 50:
        return Partner.Status.WITHDRAWN if index % 2 else Partner.Status.SUSPENDED
    return Partner.Status.ACTIVE


def create_partner(demo: DemoSet, index: int, plan: PartnerPlan) -> Partner:
    rng = random.Random(f"partner-detail-{plan.serial}")
    industry = demo.industries[plan.industry]
    segments = list(demo.chain_of(industry).segments.all())
    joined_on, event = joined(demo, index)
    generated = is_sample(plan.name)
    partner = partner_services.partner_create(
        actor=None,
        # The numbered sample names are alike on purpose: no duplicate warning.
        confirm_duplicate=True,
        uscc=sample_uscc(plan.serial),
        name=plan.name,
        short_name=plan.short_name,
        organisation_type=plan.organisation_type,
        joined_on=joined_on,
        joined_at_event=event,
        status=_status(index, plan),
        steward=rng.choices(demo.stewards, weights=STEWARD_WEIGHTS)[0],
        carrier=rng.choice(demo.carriers) if rng.random() < 0.7 else None,
        registered_capital=Decimal(rng.randrange(100, 500_000)) if generated else None,
        established_on=dt.date(rng.randrange(1990, 2023), rng.randrange(1, 13), 1)
        if generated
        else None,
        in_doubling_catalogue=generated and rng.random() < 0.25,
        notes=SAMPLE_NOTE,
        industries=[industry],
        segments=rng.sample(segments, k=rng.choice((1, 1, 2))),
        tags=[demo.tags[name] for name in plan.tags],
    )
    for number in range(1, rng.choice((1, 2, 2, 3)) + 1):
        partner_services.contact_create(
            partner=partner,
            name=f"示例联系人 {plan.serial:05d}-{number}",
            title=rng.choice(CONTACT_TITLES),
            phone=f"1390{plan.serial:05d}{number:02d}",
            email=f"contact{plan.serial:05d}{number}@example.com",
            is_primary=number == 1,
        )
    return partner


def roster_2024(demo: DemoSet):
    """65 units: the named chain leaders, then active generated partners, chain by chain."""
    roster = [
        (demo.partner_named(named[0]), demo.chains[named[4]])
        for named in ref.NAMED_PARTNERS
        if named[4]
    ]
    chosen = {partner.pk for partner, _chain in roster}
    candidates: dict[int, list[Partner]] = {chain.pk: [] for chain in demo.chains.values()}
    for partner in demo.partners:
        eligible = partner.status == Partner.Status.ACTIVE and is_sample(partner.name)
        if eligible and partner.pk not in chosen:
            candidates[demo.chain_of(demo.industry_of(partner)).pk].append(partner)
    chains = list(demo.chains.values())
    turn = 0
    while len(roster) < ref.CHAIN_LEADERS_2024:
        chain = chains[turn % len(chains)]
        if candidates[chain.pk]:
            roster.append((candidates[chain.pk].pop(0), chain))
        turn += 1
    return roster


def build_roster(demo: DemoSet) -> None:
    demo.roster = roster_2024(demo)
    existing = set(
        ChainLeaderAppointment.objects.filter(year=ref.ROSTER_YEAR).values_list(
            "partner_id", "chain_id"
        )
    )
    for partner, chain in demo.roster:
        if (partner.pk, chain.pk) not in existing:
            chain_services.appointment_create(partner=partner, chain=chain, year=ref.ROSTER_YEAR)
            demo.count("appointments")


def recognition_lists(demo: DemoSet) -> dict[str, list[Partner]]:
    """10 chain-leader units and 40 partners: the named ones first, then generated ones."""
    named = {
        category: [demo.partner_named(n[0]) for n in ref.NAMED_PARTNERS if n[5] == category]
        for category in Recognition.Category.values
    }
    leader_ids = {partner.pk for partner, _chain in demo.roster}
    leaders = named["chain_leader"] + [p for p, _c in demo.roster if is_sample(p.name)]
    others = [
        p
        for p in demo.partners
        if is_sample(p.name) and p.pk not in leader_ids and p.status == Partner.Status.ACTIVE
    ]
    return {
        "chain_leader": leaders[: ref.RECOGNISED_CHAIN_LEADERS_2024],
        "partner": (named["partner"] + others[::7])[: ref.RECOGNISED_PARTNERS_2024],
    }


def build_recognitions(demo: DemoSet) -> None:
    for category, partners in recognition_lists(demo).items():
        for partner in partners:
            _recognition, created = Recognition.objects.get_or_create(
                partner=partner,
                year=ref.ROSTER_YEAR,
                title=ref.RECOGNITION_TITLE,
                defaults={"category": category},
            )
            demo.count("recognitions", created)


def build_work_camps(demo: DemoSet) -> None:
    """Each camp: up to three of its chain's leaders as 链长, eight partners of its industry."""
    leaders_by_chain: dict[int, list[Partner]] = {}
    for partner, chain in demo.roster:
        leaders_by_chain.setdefault(chain.pk, []).append(partner)
    for name, industry_name, department in ref.WORK_CAMP_LEADS:
        industry = demo.industries[industry_name]
        camp, created = WorkCamp.objects.get_or_create(
            name=name, defaults={"industry": industry, "lead_department": department}
        )
        demo.count("work_camps", created)
        if not created:
            continue
        leaders = leaders_by_chain.get(demo.chain_of(industry).pk, [])[:3]
        for partner in leaders:
            chain_services.work_camp_add_member(
                camp=camp, partner=partner, role=WorkCampMembership.Role.CHAIN_LEADER
            )
        members = [p for p in demo.partners if demo.industry_of(p) == industry and p not in leaders]
        for partner in members[:8]:
            chain_services.work_camp_add_member(camp=camp, partner=partner)


def build_targets(demo: DemoSet) -> None:
    """Two target companies in most segments; every third segment has none (a visible gap)."""
    number = 0
    statuses = TargetCompany.Status.values
    for chain in demo.chains.values():
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
                    uscc=sample_uscc(TARGET_SERIAL_BASE + number),
                    status=statuses[number % len(statuses)],
                    owner=demo.stewards[number % len(demo.stewards)],
                )
                demo.count("target_companies")


def build_change_requests(demo: DemoSet) -> None:
    """Two chain-leader units asked to change a key field: one waits, one was rejected."""
    leaders = [partner for partner, _chain in demo.roster if is_sample(partner.name)][:2]
    if not leaders or PartnerChangeRequest.objects.filter(partner__in=leaders).exists():
        return
    pending, rejected = leaders
    partner_services.change_request_create(
        partner=pending,
        actor=_chain_leader_account(pending),
        changes={"name": f"{pending.name}（更名申请）"},
    )
    request = partner_services.change_request_create(
        partner=rejected,
        actor=_chain_leader_account(rejected),
        changes={"organisation_type": "municipal_soe"},
    )
    partner_services.change_request_reject(
        request=request, actor=rejected.steward, reason="示例：单位性质以营业执照为准"
    )
    demo.count("change_requests", 2)


def _chain_leader_account(partner: Partner):
    """A login-less account of a generated chain-leader unit, to have filed its request."""
    user = get_user_model().objects.create(
        username=f"leader{partner.pk:04d}", full_name=f"{partner.short_name}账号", partner=partner
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.CHAIN_LEADER))
    return user
