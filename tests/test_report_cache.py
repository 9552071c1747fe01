"""Reports come from the cache while the data is unchanged, and never older than the data: any
committed write, by whatever path, changes the data version (core/data_version.py). These
tests commit for real (transactional_db), since the version moves only on commit."""

import datetime as dt
import io
import threading
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import READ_ALL_ROLES, Role, can_read_all
from chains.models import ChainLeaderAppointment
from core.data_version import (
    FUNCTION,
    TRIGGER,
    data_version,
    install_triggers,
    tracked_tables,
    triggered_tables,
)
from core.report_cache import REFRESHING, cached_part, refresh_shared_reports, report_version
from core.reports import REPORTS
from partners.models import Carrier, Notification, Partner
from tests.factories import (
    CarrierFactory,
    ChainFactory,
    PartnerFactory,
    ProjectFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/reports/overview/"


@pytest.fixture
def cached(settings):
    settings.REPORT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reader():
    client = APIClient()
    client.force_authenticate(UserFactory(roles=[Role.MANAGER]))
    return client


def partners_figure(client) -> int:
    return client.get(URL).json()["figures"]["partners"]


def test_every_business_table_bumps_the_version():
    with connection.cursor() as cursor:
        triggered = triggered_tables(cursor, enabled_only=True)
    assert "partners_partner" in triggered
    assert "partners_partner_industries" in triggered
    assert set(tracked_tables()) <= triggered


def test_what_no_report_reads_carries_no_trigger():
    with connection.cursor() as cursor:
        triggered = triggered_tables(cursor)
    assert {"partners_notification", "partners_reminder"}.isdisjoint(triggered)
    assert "partners_notification" not in tracked_tables()


def test_an_old_trigger_is_dropped_and_a_users_trigger_made_anew_at_migrate():
    """An installation from before ``UNTRACKED_MODELS`` has a trigger on the notifications,
    and one on users firing at any update: the next ``migrate`` mends both."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON "
            f"partners_notification DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION {FUNCTION}()"
        )
        cursor.execute(f"DROP TRIGGER {TRIGGER} ON accounts_user")
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON "
            f"accounts_user DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION {FUNCTION}()"
        )
    install_triggers()
    with connection.cursor() as cursor:
        assert "partners_notification" not in triggered_tables(cursor)
    person = UserFactory()
    before = data_version()
    User.objects.filter(pk=person.pk).update(last_login=timezone.now())
    assert data_version() == before


def test_signing_in_and_reading_notifications_leave_the_cached_reports(cached, reader, client):
    """Sign-ins and inboxes are written all day long; no report reads them."""
    PartnerFactory()
    person = UserFactory(roles=[Role.STAFF])
    notification = Notification.objects.create(recipient=person, title="今日待办")
    first = reader.get(URL).json()
    before = data_version()
    client.force_login(person)
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    assert data_version() == before
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(URL).json() == first
    assert len(queries) == 1  # the data version, nothing of the report
    person.refresh_from_db()
    assert person.last_login is not None


def test_a_change_to_a_users_name_still_shows_at_once(cached, reader):
    """Reports name stewards: a user's other columns still change the version."""
    person = UserFactory(full_name="张三")
    before = data_version()
    User.objects.filter(pk=person.pk).update(full_name="张三丰")
    renamed = data_version()
    assert renamed > before
    person.groups.add(Group.objects.get_or_create(name=Role.STAFF)[0])
    assert data_version() > renamed


def test_a_repeated_report_is_served_from_the_cache(cached, reader):
    PartnerFactory()
    first = reader.get(URL).json()
    with CaptureQueriesContext(connection) as queries:
        again = reader.get(URL).json()
    assert again == first
    assert first["figures"]["partners"] == 1
    assert len(queries) == 1  # the data version, nothing of the report


def test_a_committed_write_shows_at_once(cached, reader):
    PartnerFactory()
    assert partners_figure(reader) == 1
    before = data_version()
    PartnerFactory()
    assert data_version() > before
    assert partners_figure(reader) == 2


def test_a_bulk_update_outside_any_service_shows_at_once(cached, reader):
    partner = PartnerFactory()
    assert partners_figure(reader) == 1
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.WITHDRAWN)
    assert reader.get(URL).json()["figures"]["withdrawn"] == 1


def test_a_long_transaction_is_seen_when_it_commits_not_before(cached, reader):
    """An import writes for seconds in one transaction: a report computed meanwhile (without
    its rows) must not be served once it has committed."""
    PartnerFactory()
    written, release = threading.Event(), threading.Event()

    def long_import():
        try:
            with transaction.atomic():
                PartnerFactory()
                written.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    writer = threading.Thread(target=long_import)
    writer.start()
    assert written.wait(timeout=30)
    assert partners_figure(reader) == 1  # computed and cached while the import is open
    release.set()
    writer.join(timeout=30)
    assert partners_figure(reader) == 2


def test_a_rolled_back_write_changes_no_figure(cached, reader):
    PartnerFactory()
    assert partners_figure(reader) == 1
    with transaction.atomic():
        PartnerFactory()
        transaction.set_rollback(True)
    assert partners_figure(reader) == 1


def test_each_reader_and_language_has_its_own_entry(cached, reader):
    PartnerFactory()
    chinese = reader.get(URL).json()
    english = reader.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()
    assert chinese["figure_labels"]["partners"] != english["figure_labels"]["partners"]
    assert reader.get(URL).json()["figure_labels"] == chinese["figure_labels"]


def test_the_cache_works_on_redis(settings, reader):
    settings.REPORT_CACHE_SECONDS = 3600
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": "test-report-cache",
        }
    }
    cache.clear()
    try:
        PartnerFactory()
        assert partners_figure(reader) == 1
        with CaptureQueriesContext(connection) as queries:
            assert partners_figure(reader) == 1
        assert len(queries) == 1
        PartnerFactory()
        assert partners_figure(reader) == 2
    finally:
        cache.clear()


def test_the_dashboard_shows_the_cached_report(cached, client):
    manager = UserFactory(roles=[Role.MANAGER])
    client.force_login(manager)
    PartnerFactory()

    def shown_partners() -> int:
        report = client.get("/dashboard/", {"report": "overview"}).context["report"]
        return next(figure.value for figure in report.figures if figure.key == "partners")

    assert shown_partners() == 1
    PartnerFactory()
    assert shown_partners() == 2


def report_queries(client, url: str = URL) -> list[str]:
    """The SQL of a request that reads the business tables (not the reader's roles)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "partners_partner" in q["sql"]]


def as_reader(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_readers_who_read_everything_share_one_entry(cached, reader):
    others = {role: as_reader(UserFactory(roles=[role])) for role in (Role.STAFF, Role.AUDITOR)}
    PartnerFactory()  # after the users: a new user is a change too (names are in reports)
    assert report_queries(reader)
    for role, other in others.items():
        assert report_queries(other) == [], role


def test_a_chain_leader_unit_has_an_entry_of_its_own(cached, reader):
    chain = ChainFactory(name="A 智能制造")
    SegmentFactory(chain=chain)
    SegmentFactory(chain=ChainFactory(name="B 航空航天"))
    leader = PartnerFactory()
    ChainLeaderAppointment.objects.create(partner=leader, chain=chain, year=timezone.now().year)
    url = "/api/v1/reports/chain-map/"
    assert reader.get(url).json()["figures"]["chains"] == 2
    unit = as_reader(UserFactory(roles=[Role.CHAIN_LEADER], partner=leader))
    assert report_queries(unit, url)  # computed for the unit, not read from the managers' entry
    assert unit.get(url).json()["figures"]["chains"] == 1


def test_the_refresh_computes_every_report_once_after_a_change(cached):
    UserFactory(roles=[Role.MANAGER])
    opener = as_reader(UserFactory(roles=[Role.STAFF]))
    PartnerFactory()
    assert sorted(refresh_shared_reports()) == sorted(REPORTS)
    with CaptureQueriesContext(connection) as queries:
        assert refresh_shared_reports() == []  # nothing changed since
    assert len(queries) == 1  # the data version: the day's run is known to be done
    for key in REPORTS:
        assert report_queries(opener, f"/api/v1/reports/{key}/") == [], key
    PartnerFactory()
    assert sorted(refresh_shared_reports()) == sorted(REPORTS)
    assert partners_figure(opener) == 2


def test_the_refresh_leaves_what_was_already_opened(cached, reader):
    UserFactory(roles=[Role.MANAGER])
    PartnerFactory()
    reader.get(URL)
    assert sorted(refresh_shared_reports()) == sorted(set(REPORTS) - {"overview"})


def test_no_refresh_without_a_reader_of_everything_or_while_another_runs(cached):
    UserFactory(roles=[Role.CHAIN_LEADER])
    PartnerFactory()
    assert refresh_shared_reports() == []
    UserFactory(roles=[Role.AUDITOR])  # no manager: an auditor reads the same numbers
    cache.add(REFRESHING, True)
    assert refresh_shared_reports() == []
    cache.delete(REFRESHING)
    assert sorted(refresh_shared_reports()) == sorted(REPORTS)


def test_a_failing_report_leaves_the_others_refreshed(cached, monkeypatch, caplog):
    UserFactory(roles=[Role.MANAGER])
    PartnerFactory()

    def broken(user, params):
        raise RuntimeError("broken")

    with monkeypatch.context() as patched:
        patched.setattr(REPORTS["overview"], "build", staticmethod(broken))
        assert sorted(refresh_shared_reports()) == sorted(set(REPORTS) - {"overview"})
    assert "The overview report could not be refreshed" in caplog.text
    assert cache.get(REFRESHING) is None
    assert refresh_shared_reports() == ["overview"]  # tried again at the next run


def test_a_write_during_the_refresh_ends_it(cached, monkeypatch):
    UserFactory(roles=[Role.MANAGER])
    PartnerFactory()
    first = next(iter(REPORTS.values()))
    build = first.build

    def build_then_write(user, params):
        report = build(user, params)
        PartnerFactory()
        return report

    with monkeypatch.context() as patched:
        patched.setattr(first, "build", staticmethod(build_then_write))
        assert refresh_shared_reports() == [first.key]  # computed, not cached: out of date
    assert sorted(refresh_shared_reports()) == sorted(REPORTS)


def test_the_dashboard_opens_on_the_refreshed_report(cached, client):
    UserFactory(roles=[Role.MANAGER])
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    PartnerFactory()
    assert "overview" in refresh_shared_reports()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/", {"report": "overview"}).status_code == 200
    # The page's steward filter joins partners; the overview reads them FROM partners_partner.
    assert not any('FROM "partners_partner"' in query["sql"] for query in queries)


@pytest.mark.parametrize("role", list(Role))
def test_the_refresh_looks_for_the_roles_that_read_everything(role):
    """``READ_ALL_ROLES`` (the refresh's reader, a query) says what ``can_read_all`` decides."""
    assert can_read_all(UserFactory(roles=[role])) == (role in READ_ALL_ROLES)


COVERAGE = "/api/v1/reports/coverage/"


def test_coverage_for_another_period_reuses_what_is_as_of_now(cached, reader):
    """Coverage by steward, industry and chain and the overdue list do not depend on the
    period: choosing another one reads the interactions per month alone, until the data
    changes; another filter is another entry."""
    steward, someone_else = UserFactory(roles=[Role.STAFF]), UserFactory(roles=[Role.STAFF])
    PartnerFactory(steward=steward)
    first = reader.get(COVERAGE, {"year": 2025}).json()
    with CaptureQueriesContext(connection) as queries:
        other = reader.get(COVERAGE, {"year": 2024}).json()
    assert not [q for q in queries.captured_queries if 'FROM "partners_partner"' in q["sql"]]
    for table in ("by_steward", "by_industry", "by_chain", "overdue"):
        assert other["tables"][table] == first["tables"][table], table
    assert other["period"] != first["period"]
    # Created before the first reading: a user written now would change the data version.
    filtered = reader.get(COVERAGE, {"year": 2024, "steward": someone_else.pk}).json()
    assert filtered["figures"]["partners"] == 0
    PartnerFactory(steward=steward)
    assert reader.get(COVERAGE, {"year": 2024}).json()["figures"]["partners"] == 2


CHAIN_MAP = "/api/v1/reports/chain-map/"


def test_the_chain_maps_members_are_read_from_the_cache_for_any_year(cached, reader):
    """The segments' members, names and targets depend on the chain filters alone: another
    period or year, a steward or a zone (which do not apply to the map) read them from the
    cache, and another year counts its roster's members alone; a change shows at once."""
    segment = SegmentFactory(chain=ChainFactory())
    partner = PartnerFactory()
    segment.partners.add(partner)
    ChainLeaderAppointment.objects.create(partner=partner, chain=segment.chain, year=2025)
    same_year = {"since": "2025-03-01", "until": "2025-12-31", "steward": UserFactory().pk}
    first = reader.get(CHAIN_MAP, {"year": 2025}).json()
    for params, leaders in ((same_year, 1), ({"year": 2024}, 0)):
        with CaptureQueriesContext(connection) as queries:
            again = reader.get(CHAIN_MAP, params).json()
        members = [q for q in queries.captured_queries if "ROW_NUMBER" in q["sql"]]
        members += [q for q in queries.captured_queries if 'AS "qualified"' in q["sql"]]
        assert not members, params
        (row,) = again["tables"]["segments"]["rows"]
        assert row["chain_leaders"] == leaders
        assert row["partner_names"] == first["tables"]["segments"]["rows"][0]["partner_names"]
    segment.partners.add(PartnerFactory())
    assert reader.get(CHAIN_MAP, same_year).json()["tables"]["segments"]["rows"][0]["partners"] == 2


PIPELINE = "/api/v1/reports/pipeline/"


def test_the_pipeline_for_another_period_reuses_what_stands_now(cached, reader):
    """By stage, industry, owner and kind is the pipeline as it stands: another period reads
    the moves of that period alone, until the data changes; another filter is another entry."""
    owner, someone_else = UserFactory(roles=[Role.STAFF]), UserFactory(roles=[Role.STAFF])
    ProjectFactory(owner=owner, stage_changed_at=timezone.now() - dt.timedelta(days=100))
    first = reader.get(PIPELINE, {"year": 2025}).json()
    with CaptureQueriesContext(connection) as queries:
        other = reader.get(PIPELINE, {"year": 2024}).json()
    standing = ("stage", "owner_id", "kind", "code")  # the last, the stalled projects
    standing = tuple(f'SELECT "projects_project"."{column}"' for column in standing)
    assert not [q for q in queries.captured_queries if q["sql"].startswith(standing)]
    for table in ("by_stage", "by_industry", "by_owner", "by_kind", "stalled"):
        assert other["tables"][table] == first["tables"][table], table
    assert other["figures"]["stalled"] == 1
    assert reader.get(PIPELINE, {"stalled_days": 200}).json()["figures"]["stalled"] == 0
    assert reader.get(PIPELINE, {"steward": someone_else.pk}).json()["figures"]["projects"] == 0
    ProjectFactory(owner=owner)
    assert reader.get(PIPELINE, {"year": 2024}).json()["figures"]["projects"] == 2


@pytest.fixture
def filtered():
    """One partner, project and chain that every filter selects, and one of each that none
    does: a filter read from a part cached without it would count both."""
    segment = SegmentFactory(chain=ChainFactory())
    zone = CarrierFactory(kind=Carrier.Kind.ZONE)
    steward = UserFactory(roles=[Role.STAFF])
    industry = segment.chain.industry
    partner = PartnerFactory(steward=steward, carrier=zone, industries=[industry])
    segment.partners.add(partner)
    SegmentFactory(chain=ChainFactory()).partners.add(PartnerFactory())
    ProjectFactory(owner=steward, carrier=zone).industries.add(industry)
    ProjectFactory()
    return {"industry": industry, "chain": segment.chain, "zone": zone, "steward": steward}


FIGURES = {
    COVERAGE: lambda body: body["figures"]["partners"],
    PIPELINE: lambda body: body["figures"]["projects"],
    CHAIN_MAP: lambda body: body["figures"]["segments"],
}
FILTERS = {
    COVERAGE: ("industry", "chain", "zone", "steward"),
    PIPELINE: ("industry", "chain", "zone", "steward"),
    CHAIN_MAP: ("industry", "chain"),
}


@pytest.mark.parametrize(
    ("url", "key"), [(url, key) for url, keys in FILTERS.items() for key in keys]
)
def test_each_filter_a_part_depends_on_is_another_entry(cached, reader, filtered, url, key):
    figure = FIGURES[url]
    assert figure(reader.get(url, {"year": 2025}).json()) == 2
    assert figure(reader.get(url, {"year": 2025, key: filtered[key].pk}).json()) == 1


def test_a_chain_leader_unit_has_its_own_entry_of_the_chain_map(cached, reader, filtered):
    chain = filtered["chain"]
    leader = PartnerFactory()
    ChainLeaderAppointment.objects.create(partner=leader, chain=chain, year=2025)
    unit = APIClient()
    unit.force_authenticate(UserFactory(roles=[Role.CHAIN_LEADER], partner=leader))
    assert reader.get(CHAIN_MAP, {"year": 2025}).json()["figures"]["segments"] == 2
    assert unit.get(CHAIN_MAP, {"year": 2025}).json()["figures"]["segments"] == 1


def test_a_part_is_not_kept_when_a_write_committed_since_the_report_began(cached):
    """A report reads its rules and filters before computing a part: the part is kept only
    under the version read when the report began, and only if nothing committed since."""
    reader = UserFactory(roles=[Role.MANAGER])
    computed = []

    def compute():
        computed.append(1)
        return {"partners": Partner.objects.count()}

    version = report_version()
    PartnerFactory()  # commits between the report's start and its part
    assert cached_part("test", reader, {}, compute, version) == {"partners": 1}
    assert cached_part("test", reader, {}, compute, version) == {"partners": 1}
    assert len(computed) == 2
    current = report_version()
    cached_part("test", reader, {}, compute, current)
    cached_part("test", reader, {}, compute, current)
    assert len(computed) == 3


def test_the_coverage_workbook_lists_the_overdue_as_of_its_cached_counts(cached, reader):
    """A partner falls overdue at 08:00 (90 days after joining, midnight UTC): counted at
    07:50 and exported at 08:10 the same day, the workbook's overdue list agrees with its
    counts, both as of 07:50."""
    beijing = zoneinfo.ZoneInfo("Asia/Shanghai")
    PartnerFactory(joined_on=dt.date(2025, 3, 1))
    falls_due = dt.datetime(2025, 5, 30, 8, tzinfo=beijing)
    with time_machine.travel(falls_due - dt.timedelta(minutes=10), tick=False):
        body = reader.get(COVERAGE, {"year": 2025}).json()
    assert body["figures"]["overdue"] == 0
    with time_machine.travel(falls_due + dt.timedelta(minutes=10), tick=False):
        response = reader.get(f"{COVERAGE}export/", {"year": 2025})
    sheets = {
        sheet.title: list(sheet.values) for sheet in load_workbook(io.BytesIO(response.content))
    }
    title = body["tables"]["overdue"]["title"]
    assert next(rows for name, rows in sheets.items() if title.startswith(name))[1:] == []
