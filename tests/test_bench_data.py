"""The bench data generator (bench/data.py, ``make bench-data``) at a thousandth of its scale:
200 partners, 2,000 interactions, 1,000 follow-ups … on the test database.

The generator's own code runs on the demo set's reference data (the catalogue only: the rest
of load_demo is not needed and takes a minute). It writes with every constraint in force and
its foreign keys checked at the end of each COPY, so the load succeeding proves them; these
tests check what the database cannot: the counts, the follow-ups due today, the derived
columns and the stage histories. Loaded once for the module, in a transaction rolled back at
the end.
"""

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from bench import data as bench_data
from core.search_text import search_key_for
from partners.demo.catalogue import build_catalogue
from partners.demo.context import DemoSet
from partners.models import (
    ContactPerson,
    EnterpriseRequest,
    FollowUp,
    Interaction,
    Partner,
    RequestDeadlineRule,
)
from partners.services.engagement import request_handling_workdays
from partners.uscc import check_digit_error
from partners.workdays import add_workdays
from projects.models import Project, Stage
from projects.services import FORWARD

SCALE = bench_data.FULL_SCALE.scaled(0.001)
TODAY = bench_data.BENCH_TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bench")]


@pytest.fixture(scope="module")
def bench(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_catalogue(DemoSet())
        counts = bench_data.load(SCALE)
        yield counts
        transaction.set_rollback(True)


def bench_partners():
    return Partner.objects.filter(uscc__startswith=bench_data.BENCH_USCC_PREFIX)


def start_of_today() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY, dt.time()))


def test_the_scaled_counts(bench):
    assert SCALE.partners == 200
    partners = bench_partners()
    assert partners.count() == bench["partners"] == SCALE.partners
    assert Interaction.objects.filter(partner__in=partners).count() == SCALE.interactions
    assert FollowUp.objects.filter(partner__in=partners).count() == SCALE.follow_ups
    assert EnterpriseRequest.objects.filter(partner__in=partners).count() == SCALE.requests
    assert Project.objects.filter(code__startswith="FTB-").count() == SCALE.projects
    staff = User.objects.filter(username__startswith="bench-staff-")
    assert staff.count() == staff.filter(groups__name=Role.STAFF).count() == SCALE.staff
    assert not staff.filter(password__regex=r"^[^!]").exists()


def test_every_partner_has_one_to_three_contacts_one_of_them_primary():
    contacts = ContactPerson.objects.filter(partner__in=bench_partners())
    per_partner = [
        list(group)
        for _pk, group in itertools.groupby(contacts.order_by("partner"), lambda c: c.partner_id)
    ]
    assert len(per_partner) == SCALE.partners
    assert all(1 <= len(group) <= 3 for group in per_partner)
    assert all(sum(c.is_primary for c in group) == 1 for group in per_partner)


def test_exactly_the_scaled_number_of_follow_ups_is_open_and_due_today():
    follow_ups = FollowUp.objects.filter(partner__in=bench_partners())
    open_ = follow_ups.filter(status=FollowUp.Status.OPEN)
    assert open_.filter(due_on=TODAY).count() == SCALE.due_today == 10
    assert open_.filter(due_on__lt=TODAY).exists()
    assert open_.filter(due_on__gt=TODAY).exists()
    closed = follow_ups.exclude(status=FollowUp.Status.OPEN)
    assert closed.filter(due_on__lt=TODAY).count() > follow_ups.count() / 2
    assert {FollowUp.Status.DONE, FollowUp.Status.CANCELLED} <= set(
        closed.values_list("status", flat=True)
    )


def test_last_contacted_at_is_the_latest_interaction():
    partners = bench_partners().annotate(latest=Max("interactions__occurred_at"))
    assert all(p.last_contacted_at == p.latest for p in partners)
    assert partners.filter(last_contacted_at__isnull=True).exists()  # never contacted
    counts = sorted(p.interactions.count() for p in partners)
    assert counts[len(counts) // 2] < SCALE.interactions / SCALE.partners  # median below mean


def test_nothing_happened_on_or_after_the_benchmark_day():
    today = start_of_today()
    partners = bench_partners()
    assert not Interaction.objects.filter(partner__in=partners, occurred_at__gte=today).exists()
    assert not FollowUp.objects.filter(partner__in=partners, closed_at__gte=today).exists()
    requests = EnterpriseRequest.objects.filter(partner__in=partners)
    assert not requests.filter(resolved_at__gte=today).exists()
    assert not requests.filter(closed_at__gte=today).exists()
    first = Interaction.objects.filter(partner__in=partners).order_by("occurred_at").first()
    assert first.occurred_at.date() >= TODAY.replace(year=TODAY.year - bench_data.YEARS)


def test_follow_ups_agree_with_the_interactions_that_created_or_closed_them():
    follow_ups = FollowUp.objects.filter(partner__in=bench_partners()).select_related(
        "created_by_interaction", "closed_by_interaction"
    )
    created = [f for f in follow_ups if f.created_by_interaction is not None]
    assert len(created) > len(follow_ups) / 2
    for follow_up in created:
        assert follow_up.created_by_interaction.next_follow_up_on == follow_up.due_on
        assert follow_up.created_by_interaction.partner_id == follow_up.partner_id
    for follow_up in follow_ups:
        if follow_up.closed_by_interaction is not None:
            assert follow_up.closed_by_interaction.partner_id == follow_up.partner_id
            assert follow_up.closed_at == follow_up.closed_by_interaction.occurred_at
        if follow_up.closed_at is not None:
            assert follow_up.closed_at >= follow_up.created_at


def test_search_keys_and_codes_are_what_the_app_computes():
    for partner in bench_partners():
        assert partner.search_key == search_key_for(partner.name, partner.short_name)
        assert check_digit_error(partner.uscc) is None
    contacts = ContactPerson.objects.filter(partner__in=bench_partners()).order_by("pk")
    joined = {}
    for contact in contacts:
        assert contact.search_key == search_key_for(contact.name)
        joined[contact.partner_id] = joined.get(contact.partner_id, "") + contact.search_key
    for partner in bench_partners():  # as partners.services.partner_contacts_key_refresh
        assert partner.contacts_search_key == joined[partner.pk]
    for project in Project.objects.filter(code__startswith="FTB-"):
        assert project.search_key == search_key_for(project.name)


def test_request_deadlines_and_handling_times_follow_the_working_day_calendar():
    days = dict(RequestDeadlineRule.objects.values_list("category", "working_days"))
    requests = EnterpriseRequest.objects.filter(partner__in=bench_partners())
    for request in requests:
        assert request.deadline == add_workdays(request.received_on, days[request.category])
        if request.resolved_at is not None:
            assert request.handling_workdays == request_handling_workdays(
                request.received_on, request.resolved_at
            )
            assert request.resolved_at >= request.created_at
        assert request.events.filter(kind="status").count() >= 1
    statuses = set(requests.values_list("status", flat=True))
    assert statuses == set(EnterpriseRequest.Status.values)


def test_stage_histories_follow_the_allowed_moves_each_stay_ending_at_the_next():
    projects = Project.objects.filter(code__startswith="FTB-").prefetch_related("stage_changes")
    for project in projects:
        changes = list(project.stage_changes.all())
        assert (changes[0].from_stage, changes[0].to_stage) == ("", Stage.LEAD)
        assert changes[-1].to_stage == project.stage
        assert changes[-1].changed_at == project.stage_changed_at
        assert [(change.left_at, change.next_stage) for change in changes] == [
            *((after.changed_at, after.to_stage) for after in changes[1:]),
            (None, ""),
        ]
        assert project.version == len(changes)
        dropped_from = None
        for before, after in itertools.pairwise(changes):
            assert before.to_stage == after.from_stage
            assert before.changed_at < after.changed_at
            if after.from_stage == Stage.DROPPED:
                assert after.to_stage == dropped_from
            else:
                assert after.to_stage in FORWARD[Stage(after.from_stage)] | {Stage.DROPPED}
            if after.to_stage == Stage.DROPPED:
                dropped_from = after.from_stage
        assert (project.stage == Stage.DROPPED) == bool(project.drop_reason)


def test_the_plan_is_the_same_every_time():
    reference = bench_data.read_reference()
    first, second = (bench_data.make_plan(SCALE, reference, bench_data.Phases()) for _n in "ab")
    assert [p.name for p in first.partners] == [p.name for p in second.partners]
    assert first.interactions == second.interactions


def test_a_second_load_writes_nothing():
    assert bench_data.load(SCALE) is None
    assert bench_partners().count() == SCALE.partners


def test_the_load_turns_the_data_version_triggers_off_then_on_and_bumps_once():
    from core.data_version import data_version, tracked_tables, triggered_tables

    before = data_version()
    with connection.cursor() as cursor:
        with bench_data.data_version_bumped_once(cursor):
            assert triggered_tables(cursor, enabled_only=True) == set()
            assert data_version() == before
        assert set(tracked_tables()) <= triggered_tables(cursor, enabled_only=True)
    assert data_version() == before + 1
