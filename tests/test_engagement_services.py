"""Engagement rules: an interaction with a next date creates its follow-up in the same
transaction; requests get working-day deadlines; every request change is recorded."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict
from partners.models import EnterpriseRequest, FollowUp, Interaction, RequestDeadlineRule
from partners.services import (
    follow_up_close,
    interaction_record,
    request_change_status,
    request_extend,
    request_raise,
    request_rate,
    request_reassign,
)
from tests.factories import ContactFactory, PartnerFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def visit(partner, actor, **fields):
    return interaction_record(
        partner=partner,
        actor=actor,
        kind="visit",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        summary="走访了解扩产用地需求",
        **fields,
    )


def test_a_visit_with_a_next_date_creates_a_follow_up_owned_by_the_steward(staff_user):
    steward = UserFactory()
    partner = PartnerFactory(steward=steward)
    contact = ContactFactory(partner=partner)
    interaction = visit(
        partner, staff_user, contacts_met=[contact], next_follow_up_on=dt.date(2026, 12, 1)
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.due_on) == (steward, dt.date(2026, 12, 1))
    assert follow_up.created_by_interaction == interaction
    assert list(interaction.contacts_met.all()) == [contact]


def test_without_a_steward_the_recorder_owns_the_follow_up(staff_user):
    visit(PartnerFactory(), staff_user, next_follow_up_on=dt.date(2026, 12, 1))
    assert FollowUp.objects.get().owner == staff_user


def test_an_invalid_interaction_saves_neither_it_nor_a_follow_up(staff_user):
    with pytest.raises(ValidationError):
        interaction_record(
            partner=PartnerFactory(),
            actor=staff_user,
            kind="bogus",
            occurred_at=timezone.now(),
            summary="x",
            next_follow_up_on=dt.date(2026, 12, 1),
        )
    assert Interaction.objects.count() == FollowUp.objects.count() == 0


def test_contacts_of_another_partner_and_future_dates_are_refused(staff_user):
    partner = PartnerFactory()
    with pytest.raises(ValidationError) as info:
        visit(partner, staff_user, contacts_met=[ContactFactory()])
    assert info.value.error_dict["contacts_met"][0].code == "contact_of_another_partner"
    with pytest.raises(ValidationError) as info:
        interaction_record(
            partner=partner,
            actor=staff_user,
            kind="call",
            occurred_at=timezone.now() + dt.timedelta(days=1),
            summary="x",
        )
    assert info.value.error_dict["occurred_at"][0].code == "future"
    assert not Interaction.objects.exists()


def test_a_visit_can_close_the_follow_ups_it_fulfilled(staff_user):
    partner = PartnerFactory(steward=staff_user)
    first = visit(partner, staff_user, next_follow_up_on=dt.date(2026, 12, 1))
    follow_up = FollowUp.objects.get(created_by_interaction=first)
    second = visit(partner, staff_user, closes=[follow_up])
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.closed_by_interaction) == ("done", second)
    with pytest.raises(Conflict):
        follow_up_close(follow_up=follow_up, actor=staff_user, status="cancelled")


def test_database_refuses_an_open_follow_up_with_a_close_time(staff_user):
    visit(PartnerFactory(), staff_user, next_follow_up_on=dt.date(2026, 12, 1))
    follow_up = FollowUp.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=follow_up.pk).update(closed_at=timezone.now())


def test_request_deadline_counts_working_days_across_the_spring_festival(staff_user):
    RequestDeadlineRule.objects.filter(category="policy").update(working_days=3)
    request = request_raise(
        partner=PartnerFactory(),
        actor=staff_user,
        category="policy",
        description="申请丰九条政策兑现",
        received_on=dt.date(2024, 2, 8),
    )
    assert request.deadline == dt.date(2024, 2, 19)
    assert list(request.events.values_list("kind", "to_value")) == [("status", "received")]


def test_request_life_cycle_is_recorded_step_by_step(staff_user, manager):
    partner = PartnerFactory(steward=staff_user)
    request = request_raise(
        partner=partner,
        actor=staff_user,
        category="space",
        description="需要 2000 平方米研发用房",
        received_on=dt.date(2024, 3, 1),
    )
    assert request.owner == staff_user
    request = request_change_status(request=request, actor=staff_user, to_status="in_progress")
    request = request_reassign(
        request=request, actor=manager, owner_department="区投资促进服务中心", reason="归口调整"
    )
    deadline = request.deadline
    request = request_extend(request=request, actor=manager, working_days=5, reason="等待规划意见")
    assert request.deadline > deadline
    request = request_change_status(request=request, actor=staff_user, to_status="resolved")
    assert request.resolved_at is not None
    request = request_rate(request=request, actor=staff_user, satisfaction=5)
    request = request_change_status(request=request, actor=staff_user, to_status="closed")
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == ["status", "status", "reassigned", "extended", "status", "rated", "status"]


def test_request_rules_refuse_bad_moves(staff_user):
    request = request_raise(
        partner=PartnerFactory(), actor=staff_user, category="talent", description="人才公寓"
    )
    with pytest.raises(ValidationError) as info:
        request_change_status(request=request, actor=staff_user, to_status="closed")
    assert info.value.error_dict["status"][0].code == "request_transition_not_allowed"
    with pytest.raises(Conflict):
        request_rate(request=request, actor=staff_user, satisfaction=4)
    with pytest.raises(ValidationError):
        request_extend(request=request, actor=staff_user, working_days=3, reason=" ")
    request_change_status(request=request, actor=staff_user, to_status="resolved")
    with pytest.raises(ValidationError):
        request_rate(request=request, actor=staff_user, satisfaction=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseRequest.objects.filter(pk=request.pk).update(satisfaction=0)


def test_resolving_records_the_working_days_taken_and_reopening_clears_them(staff_user):
    request = request_raise(
        partner=PartnerFactory(),
        actor=staff_user,
        category="finance",
        description="贷款贴息",
        received_on=dt.date(2024, 3, 29),
    )
    # Friday 29 March to Wednesday 10 April 2024: Qingming 4-6 April off, Sunday 7 April worked.
    with time_machine.travel(dt.datetime(2024, 4, 10, 15, 0, tzinfo=SHANGHAI), tick=False):
        request = request_change_status(request=request, actor=staff_user, to_status="resolved")
    assert request.handling_workdays == 7
    request = request_change_status(request=request, actor=staff_user, to_status="in_progress")
    assert (request.resolved_at, request.handling_workdays) == (None, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseRequest.objects.filter(pk=request.pk).update(handling_workdays=3)
