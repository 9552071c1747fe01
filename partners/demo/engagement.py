"""Engagement in the demo set: contacts logged over the last months, follow-ups (some overdue)
and enterprise requests in every state, so that work lists and reports have something to show.
Dates are relative to the day the set is loaded; a partner that already has interactions is
left alone, so loading again changes nothing."""

import datetime as dt
import random

from django.utils import timezone

from partners import services as partner_services
from partners.demo.context import DemoSet, is_sample
from partners.models import EnterpriseRequest, Interaction, Partner

ENGAGED_SHARE = 3  # every third active partner has a contact history
SUMMARIES = (
    "走访了解企业年度经营情况和扩产计划",
    "电话沟通政策兑现材料准备进度",
    "参加产业工作营活动，交流供需对接",
    "座谈了解人才公寓和子女入学需求",
)
REQUESTS = (
    ("space", "希望在丰台科技园新增约 2000 平方米研发用房"),
    ("policy", "咨询“丰九条”研发投入补贴申报条件"),
    ("talent", "两名核心技术人员需要人才公寓"),
    ("finance", "希望对接城市合伙人基金"),
    ("approvals", "新建产线环评审批进度咨询"),
)


def build_engagement(demo: DemoSet) -> None:
    engaged = [p for p in demo.partners if p.status == Partner.Status.ACTIVE and is_sample(p.name)][
        ::ENGAGED_SHARE
    ]
    already = set(Interaction.objects.values_list("partner_id", flat=True))
    now = timezone.now()
    for partner in engaged:
        if partner.pk not in already:
            _engage(demo, partner, now, random.Random(f"engagement-{partner.pk}"))


def _engage(demo: DemoSet, partner: Partner, now: dt.datetime, rng: random.Random) -> None:
    staff = partner.steward or demo.stewards[0]
    last = None
    for _n in range(rng.choice((1, 1, 2, 3))):
        when = now - dt.timedelta(days=rng.randrange(1, 150), hours=rng.randrange(0, 8))
        next_on = (
            (when + dt.timedelta(days=rng.choice((7, 14, 30)))).date()
            if rng.random() < 0.4
            else None
        )
        last = partner_services.interaction_record(
            partner=partner,
            actor=staff,
            kind=rng.choice(Interaction.Kind.values),
            occurred_at=when,
            summary=rng.choice(SUMMARIES),
            next_follow_up_on=next_on,
        )
        demo.count("interactions")
    if last is not None and rng.random() < 0.35:
        _request(demo, partner, last, staff, rng)


def _request(demo, partner, interaction, staff, rng) -> None:
    category, description = rng.choice(REQUESTS)
    request = partner_services.request_raise(
        partner=partner,
        actor=staff,
        category=category,
        description=description,
        received_on=timezone.localtime(interaction.occurred_at).date(),
        raised_in=interaction,
        owner_department="区投资促进服务中心",
    )
    demo.count("requests")
    path = rng.choice(((), ("in_progress",), ("in_progress", "resolved"), ("resolved", "closed")))
    for status in path:
        request = partner_services.request_change_status(
            request=request, actor=staff, to_status=status
        )
    if request.status in (EnterpriseRequest.Status.RESOLVED, EnterpriseRequest.Status.CLOSED):
        partner_services.request_rate(
            request=request, actor=staff, satisfaction=rng.choice((4, 5, 5))
        )
