"""Writes for industries, chains, the chain-leader roster, work camps and target lists."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chains.models import (
    ChainLeaderAppointment,
    ChainSegment,
    Industry,
    IndustryChain,
    SegmentStrengthRule,
    TargetCompany,
    WorkCamp,
    WorkCampMembership,
)
from core.errors import NotFound
from core.services import instance_create, instance_update
from partners.models import Partner
from partners.uscc import validate_uscc


def industry_check_parent(industry: Industry, parent: Industry | None) -> None:
    """The industry tree has no cycles: a parent cannot be the industry or one below it."""
    ancestor = parent
    while ancestor is not None:
        if industry.pk is not None and ancestor.pk == industry.pk:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("“%(parent)s” is below “%(name)s”; it cannot be its parent."),
                        code="industry_cycle",
                        params={"parent": parent.name, "name": industry.name},
                    )
                }
            )
        ancestor = ancestor.parent


def appointment_check_partner(partner: Partner) -> None:
    """A withdrawn partner cannot be put on a roster."""
    if partner.status == Partner.Status.WITHDRAWN:
        raise ValidationError(
            {
                "partner": ValidationError(
                    _("“%(name)s” has withdrawn from the partner plan and cannot be appointed."),
                    code="partner_withdrawn",
                    params={"name": partner.name},
                )
            }
        )


@transaction.atomic
def appointment_create(
    *, partner: Partner, chain: IndustryChain, year: int, note: str = ""
) -> ChainLeaderAppointment:
    appointment_check_partner(partner)
    appointment = ChainLeaderAppointment(partner=partner, chain=chain, year=year, note=note)
    appointment.full_clean()
    appointment.save()
    return appointment


@transaction.atomic
def segments_define(*, chain: IndustryChain, names: list[str]) -> list[ChainSegment]:
    """Give a chain its ordered segments (规划设计 → 工程建设 → …), keeping existing ones."""
    segments = []
    for position, name in enumerate(names, start=1):
        segment, _created = ChainSegment.objects.get_or_create(
            chain=chain, name=name, defaults={"position": position}
        )
        segments.append(segment)
    return segments


@transaction.atomic
def work_camp_add_member(
    *,
    camp: WorkCamp,
    partner: Partner,
    role: str = WorkCampMembership.Role.MEMBER,
    joined_on: dt.date | None = None,
) -> WorkCampMembership:
    membership = WorkCampMembership(camp=camp, partner=partner, role=role, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def work_camp_remove_member(*, camp: WorkCamp, partner_id: int) -> None:
    deleted, _details = camp.memberships.filter(partner_id=partner_id).delete()
    if not deleted:
        raise NotFound(_("This partner is not a member of the work camp."))


def target_check_uscc(uscc: str) -> str:
    """A target company's code is optional; when given it must be valid."""
    if not (uscc or "").strip():
        return ""
    try:
        return validate_uscc(uscc)
    except ValidationError as error:
        raise ValidationError({"uscc": error}) from None


@transaction.atomic
def target_company_create(*, segment: ChainSegment, name: str, uscc: str = "", **fields):
    target = TargetCompany(segment=segment, name=name, uscc=target_check_uscc(uscc), **fields)
    target.full_clean()
    target.save()
    return target


def _deactivate_other_strength_rules(rule_pk: int | None) -> None:
    """Only one rule set is active: activating one retires the current one."""
    SegmentStrengthRule.objects.select_for_update().filter(is_active=True).exclude(
        pk=rule_pk
    ).update(is_active=False)


@transaction.atomic
def strength_rule_create(*, actor, **fields) -> SegmentStrengthRule:
    if fields.get("is_active", True):
        _deactivate_other_strength_rules(None)
    return instance_create(SegmentStrengthRule, actor=actor, **fields)


@transaction.atomic
def strength_rule_update(
    rule: SegmentStrengthRule, *, actor, expected_version: int | None = None, **fields
) -> SegmentStrengthRule:
    if fields.get("is_active"):
        _deactivate_other_strength_rules(rule.pk)
    return instance_update(rule, actor=actor, expected_version=expected_version, **fields)
