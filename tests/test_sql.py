"""The SQL of core.sql. The percentile aggregate the reports use: PostgreSQL's own
``percentile_cont`` in the suite's database, and the function given to SQLite connections (the
embedded default database), which must agree with it; the date-to-time expression of the
partners' visit baseline, which an index holds; the head of a list, ordered after it is cut; a
column among many values, bound as one array; the interval a value falls in."""

import datetime as dt
import sqlite3

import pytest
from django.db import connection
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Cast, Length
from django.db.utils import ConnectionHandler
from django.test.utils import CaptureQueriesContext
from psycopg.types.numeric import Int2

from core.checks import MAX_BOUND_PARAMETERS
from core.sql import (
    SQLITE_PERCENTILE,
    AnyOf,
    ElapsedMicroseconds,
    PercentileCont,
    UTCMidnight,
    WidthBucket,
    _SQLitePercentile,
    ordered_head,
    planned_each_time,
)
from partners.models import Carrier, Partner
from partners.selectors import WORKBENCH_LIMIT, stewarded_partners
from tests.factories import CarrierFactory, IndustryFactory, PartnerFactory
from tests.plans import ONLY_INDEX_ALONE, ONLY_INDEX_ORDER, plan

CASES = [
    ([], 0.9, None),
    ([7], 0.9, 7.0),
    ([0, 5, 6, 11], 0.9, 9.5),
    ([11, 0, 6, 5], 0.5, 5.5),
    (list(range(1, 11)), 0.9, 9.1),
    ([3, 1, 2], 0.5, 2.0),
]


def _sqlite_percentile(values, fraction):
    database = sqlite3.connect(":memory:")
    database.create_aggregate(SQLITE_PERCENTILE, 2, _SQLitePercentile)
    database.execute("CREATE TABLE t (v INTEGER)")
    database.executemany("INSERT INTO t VALUES (?)", [(v,) for v in [*values, None]])
    query = "SELECT " + SQLITE_PERCENTILE + "(v, ?) FROM t"  # noqa: S608 - a constant name
    (result,) = database.execute(query, (fraction,)).fetchone()
    return result


@pytest.mark.parametrize(("values", "fraction", "expected"), CASES)
def test_sqlite_interpolates_like_percentile_cont(values, fraction, expected):
    result = _sqlite_percentile(values, fraction)
    assert result == pytest.approx(expected) if expected is not None else result is None


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "fraction", "expected"), CASES)
def test_the_database_computes_it(values, fraction, expected):
    PartnerFactory(registered_capital=None)
    for value in values:
        PartnerFactory(registered_capital=value)
    result = Partner.objects.aggregate(p=PercentileCont("registered_capital", fraction))["p"]
    assert result == pytest.approx(expected) if expected is not None else result is None


@pytest.mark.django_db
def test_it_takes_a_filter_and_groups():
    for capital, name in ((1, "a"), (3, "a"), (10, "b"), (30, "b"), (50, "b")):
        PartnerFactory(registered_capital=capital, short_name=name)
    rows = (
        Partner.objects.values("short_name")
        .annotate(median=PercentileCont("registered_capital", 0.5))
        .order_by("short_name")
    )
    assert [(row["short_name"], row["median"]) for row in rows] == [("a", 2.0), ("b", 30.0)]
    over_five = PercentileCont("registered_capital", 0.5, filter=Q(registered_capital__gt=5))
    assert Partner.objects.aggregate(m=over_five)["m"] == 30.0


def test_a_fraction_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        PercentileCont("registered_capital", 1.5)


# The visit baseline -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dates_utc_midnight_is_what_casting_it_gives():
    PartnerFactory(joined_on=dt.date(2024, 2, 29))
    row = Partner.objects.annotate(
        midnight=UTCMidnight("joined_on"), cast=Cast("joined_on", DateTimeField())
    ).values("midnight", "cast")[0]
    assert row["midnight"] == row["cast"] == dt.datetime(2024, 2, 29, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_a_stewards_longest_overdue_partners_are_read_from_the_baseline_index(staff_user):
    """The workbench's list and the index are built from one expression; were they to drift
    apart, PostgreSQL would sort every partner of the steward again."""
    PartnerFactory.create_batch(3, steward=staff_user)
    overdue = stewarded_partners(staff_user).order_by("visit_baseline")[:WORKBENCH_LIMIT]
    read = plan(overdue, off=ONLY_INDEX_ORDER)
    assert "partner_steward_visit_baseline" in read
    assert "Sort" not in read


# The partner list's filters --------------------------------------------------------------


@pytest.mark.django_db
def test_a_zone_and_industry_count_is_read_from_indexes_alone(api):
    """Counting a filtered list reads only index entries: the live partners by carrier and
    status, and the industries' table."""
    industry = IndustryFactory()
    partner = PartnerFactory(industries=[industry], carrier=CarrierFactory(kind=Carrier.Kind.ZONE))
    params = {"zone": partner.carrier_id, "industry": industry.pk, "status": "active"}
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/partners/", params).json()["count"] == 1
    (count,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
    with connection.cursor() as cursor:
        # Statistics of this test's rows, whatever other tests left.
        cursor.execute("ANALYZE partners_partner, partners_partner_industries")
    read = plan(count, off=ONLY_INDEX_ALONE)
    # As at scale: the industry's partners read by industry and hashed, rather than a probe
    # per partner of the zone, which the few rows here would favour.
    hashed = plan(count, off=(*ONLY_INDEX_ALONE, "nestloop", "mergejoin"))
    assert "Index Only Scan using partner_live_carrier_status" in read
    assert "Index Only Scan using partner_industries_by_industry" in hashed


@pytest.mark.django_db
def test_ordered_head_orders_the_rows_found_first_not_the_whole_list():
    """The search box ranks the first rows it finds by name length: the shortest of those,
    not of the table."""
    names = ["甲乙丙丁戊", "甲乙丙", "甲乙丙丁", "甲", "甲乙"]
    partners = [PartnerFactory(name=name) for name in names]
    first_three = (
        Partner.objects.order_by("pk")
        .annotate(name_length=Length("name"))
        .values("pk", "name", "name_length")[:3]
    )
    rows = ordered_head(first_three, ("name_length", "pk"), 2)
    assert rows == [
        {"pk": partners[1].pk, "name": "甲乙丙", "name_length": 3},
        {"pk": partners[2].pk, "name": "甲乙丙丁", "name_length": 4},
    ]


@pytest.mark.django_db
def test_ordered_head_of_a_list_that_can_hold_nothing_reads_nothing():
    with CaptureQueriesContext(connection) as queries:
        rows = ordered_head(Partner.objects.none().values("pk")[:10], ("pk",), 5)
    assert rows == []
    assert len(queries) == 0


def _prepared(pattern: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [pattern]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_within_planned_each_time_a_query_run_often_is_not_prepared():
    """A search pattern's plan must be made for it: a generic plan once read every partner for
    a rare one. Outside, the connection prepares as before."""
    pattern = '%"short_name" = $1 AND "partners_partner"."uscc" = $2%'

    def run_query(value: str) -> None:  # a query of this test only
        list(Partner.objects.filter(short_name=value, uscc=value).values_list("name"))

    with planned_each_time():
        for value in "甲乙丙丁戊己庚辛":
            run_query(value)
    assert _prepared(pattern) == 0
    for value in "甲乙丙丁戊己":
        run_query(value)
    assert _prepared(pattern) == 1


ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="an array parameter is PostgreSQL's"
)


@ON_POSTGRESQL
@pytest.mark.django_db
def test_any_of_binds_the_values_as_one_array_of_the_columns_type():
    """A list search filters by thousands of partner ids: one parameter, not one each."""
    partners = PartnerFactory.create_batch(3)
    wanted = [partners[0].pk, partners[2].pk]
    queryset = Partner.objects.filter(AnyOf(F("pk"), iter(wanted)))
    sql, params = queryset.query.sql_with_params()
    # Written into the statement: a constant array, which PostgreSQL hashes.
    assert f'"partners_partner"."id" = ANY(\'{{{wanted[0]},{wanted[1]}}}\'::bigint[])' in sql
    assert params == ()
    assert sorted(queryset.values_list("pk", flat=True)) == wanted
    assert sorted(queryset.values_list("pk", flat=True)) == wanted  # the values are not used up


@ON_POSTGRESQL
@pytest.mark.django_db
def test_any_of_takes_more_values_than_a_statement_takes_parameters():
    """With server-side binding PostgreSQL refuses a statement of more than 65,535 parameters
    (``IN`` binds one per value); an array is one value whatever it holds."""
    partner = PartnerFactory()
    ids = [partner.pk, *range(-MAX_BOUND_PARAMETERS - 10, 0)]
    assert list(Partner.objects.filter(AnyOf(F("pk"), ids)).values_list("pk", flat=True)) == [
        partner.pk
    ]


@ON_POSTGRESQL
@pytest.mark.django_db
def test_any_of_binds_values_other_than_whole_numbers():
    """Text, which may hold a quote, comma or brace, is bound, quoted by psycopg; only whole
    numbers are written into the statement, a boolean (an ``int`` to Python, not a number to
    PostgreSQL) as the number it stands for, as ``IN`` prepares it."""
    partner = PartnerFactory(short_name="甲',{乙}")
    other = PartnerFactory(short_name="甲")
    queryset = Partner.objects.filter(AnyOf(F("short_name"), ["甲',{乙}"]))
    assert queryset.query.sql_with_params()[1] == (["甲',{乙}"],)
    assert list(queryset) == [partner]
    by_flag = Partner.objects.filter(AnyOf(F("pk"), [True, other.pk]))
    assert f"= ANY('{{1,{other.pk}}}'::bigint[])" in by_flag.query.sql_with_params()[0]
    assert list(Partner.objects.filter(AnyOf(F("pk"), [other.pk + 2**40, other.pk]))) == [other]


class _Sly(int):
    """A number that, written as it says, would end the array and widen the condition."""

    def __repr__(self) -> str:
        return "0}'::bigint[]) OR true OR 1 = ANY('{0"

    __str__ = __repr__


@ON_POSTGRESQL
@pytest.mark.django_db
def test_any_of_writes_each_number_as_a_number_whatever_it_says_of_itself():
    partner, _other = PartnerFactory.create_batch(2)
    queryset = Partner.objects.filter(AnyOf(F("pk"), [_Sly(partner.pk), Int2(-1)]))
    sql, params = queryset.query.sql_with_params()
    assert params == ()
    assert f"= ANY('{{{partner.pk},-1}}'::bigint[])" in sql
    assert "OR true" not in sql
    assert list(queryset) == [partner]


@ON_POSTGRESQL
@pytest.mark.django_db
def test_any_of_builds_its_array_once_for_a_lists_count_and_page(monkeypatch):
    """A surname search's thousands of ids are turned into the array's text once, not once
    for the count and again for the page."""
    partners = PartnerFactory.create_batch(3)
    built = []
    array = AnyOf._array
    monkeypatch.setattr(AnyOf, "_array", lambda lookup, db: built.append(1) or array(lookup, db))
    queryset = Partner.objects.filter(AnyOf(F("pk"), [p.pk for p in partners[:2]]))
    assert queryset.count() == 2
    assert len(queryset.order_by("pk")[:1]) == 1
    assert len(built) == 1


@pytest.mark.django_db
def test_any_of_no_values_is_no_row_and_no_query():
    PartnerFactory()
    with CaptureQueriesContext(connection) as queries:
        assert list(Partner.objects.filter(AnyOf(F("pk"), set()))) == []
    assert len(queries) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_any_of_drops_none_and_prepares_each_value_as_in_does(monkeypatch, vendor):
    """None equals nothing (excluded, it must not take every row with it), and each value is
    the column's (a number for a text column is its text), as with ``__in``."""
    monkeypatch.setattr(connection, "vendor", vendor)
    kept, *others = PartnerFactory.create_batch(3, short_name="甲")
    kept.short_name = "7"
    kept.save()
    wanted = [kept.pk, None]
    assert list(Partner.objects.filter(AnyOf(F("pk"), wanted))) == [kept]
    excluded = Partner.objects.exclude(AnyOf(F("pk"), wanted))
    assert sorted(excluded.values_list("pk", flat=True)) == sorted(o.pk for o in others)
    by_text = Partner.objects.filter(AnyOf(F("short_name"), [7, None]))
    assert list(by_text) == list(Partner.objects.filter(short_name__in=[7, None])) == [kept]


@pytest.mark.django_db
def test_any_of_is_django_in_on_other_databases(monkeypatch):
    """SQLite (the embedded default) has no arrays: the values are an ``IN`` list."""
    partners = PartnerFactory.create_batch(3)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    wanted = [partners[0].pk, partners[1].pk]
    with CaptureQueriesContext(connection) as queries:
        found = list(Partner.objects.filter(AnyOf(F("pk"), wanted)).values_list("pk", flat=True))
    assert sorted(found) == wanted
    (query,) = queries.captured_queries
    assert f'"partners_partner"."id" IN ({wanted[0]}, {wanted[1]})' in query["sql"]


@pytest.mark.django_db
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_any_of_a_value_longer_than_the_column_matches_nothing(monkeypatch, vendor):
    """A code with one character too many is not the code it starts with: the values are not
    cut to the column's length (a cast to ``varchar(18)`` would cut them), as with ``__in``."""
    monkeypatch.setattr(connection, "vendor", vendor)
    partner = PartnerFactory()
    too_long = [partner.uscc + "X"]
    assert list(Partner.objects.filter(uscc__in=too_long)) == []
    assert list(Partner.objects.filter(AnyOf(F("uscc"), too_long))) == []
    assert list(Partner.objects.filter(AnyOf(F("uscc"), [partner.uscc]))) == [partner]


@pytest.mark.django_db
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"], ids=["width_bucket", "CASE"])
def test_width_bucket_numbers_the_interval_a_value_falls_in(monkeypatch, vendor):
    """0 before the first bound, n from the n-th bound (included) to the next (excluded), the
    number of bounds from the last one on, NULL for NULL; the same on both ways of writing it
    (the CASE, SQLite's, is standard SQL: run here on the suite's database)."""
    if vendor != connection.vendor:
        monkeypatch.setattr(connection, "vendor", vendor)
    utc = dt.UTC
    bounds = [dt.datetime(2024, month, 1, tzinfo=utc) for month in (1, 2, 3)]
    moments = {
        "before": dt.datetime(2023, 12, 31, 23, 59, tzinfo=utc),
        "at the first": bounds[0],
        "within the first": dt.datetime(2024, 1, 31, 23, 59, 59, 999999, tzinfo=utc),
        "at the second": bounds[1],
        "at the last": bounds[2],
        "after": dt.datetime(2025, 1, 1, tzinfo=utc),
    }
    for name, moment in moments.items():
        PartnerFactory(short_name=name, last_contacted_at=moment)
    PartnerFactory(short_name="never", last_contacted_at=None)
    numbered = Partner.objects.annotate(n=WidthBucket(F("last_contacted_at"), bounds))
    assert dict(numbered.values_list("short_name", "n")) == {
        "before": 0,
        "at the first": 1,
        "within the first": 1,
        "at the second": 2,
        "at the last": 3,
        "after": 3,
        "never": None,
    }


@pytest.mark.parametrize("bounds", [[], [dt.date(2024, 2, 1), dt.date(2024, 1, 1)]])
def test_width_bucket_takes_ascending_bounds_only(bounds):
    with pytest.raises(ValueError, match="ascending"):
        WidthBucket(F("joined_on"), bounds)


def _utc(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


SECOND = 10**6  # in microseconds
ELAPSED = [
    (_utc(2024, 1, 1), _utc(2024, 1, 1), 0),
    (_utc(2024, 3, 1, 18), _utc(2024, 2, 28), 66 * 3600 * SECOND),  # across a leap day
    (_utc(2024, 1, 1), _utc(2024, 1, 2, 12), -36 * 3600 * SECOND),
    (_utc(2025, 3, 1, 18), _utc(2025, 2, 27), 66 * 3600 * SECOND),  # as long, another year
    (_utc(2024, 1, 1, 0, 0, 0, 86000), _utc(2024, 1, 1), 86000),  # 86 milliseconds
    (_utc(2024, 1, 1, 0, 0, 0, 864), _utc(2024, 1, 1), 864),  # 864 microseconds
    (
        _utc(2026, 5, 1, 8, 0, 0, 123456),
        _utc(2021, 5, 1, 8, 0, 0, 123455),
        1826 * 86400 * SECOND + 1,
    ),
]
SQLITE_MEMORY = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}


def _elapsed(database, later, earlier) -> int:
    """``ElapsedMicroseconds`` of two moments, computed by ``database`` (a connection)."""
    query = Partner.objects.none().query
    expression = ElapsedMicroseconds(
        Value(later, output_field=DateTimeField()), Value(earlier, output_field=DateTimeField())
    ).resolve_expression(query)
    sql, params = query.get_compiler(connection=database).compile(expression)
    with database.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("later", "earlier", "microseconds"), ELAPSED)
def test_elapsed_microseconds_is_the_time_between_two_moments(later, earlier, microseconds):
    """A stay's length in the pipeline report, exact (equal lengths tie, added up they stay
    exact): to the microsecond on PostgreSQL, to the millisecond on SQLite (the embedded
    default of ``make run``; its Julian day numbers count whole milliseconds)."""
    assert _elapsed(connection, later, earlier) == microseconds
    sqlite = ConnectionHandler(SQLITE_MEMORY)["default"]
    try:
        found = _elapsed(sqlite, later, earlier)
    finally:
        sqlite.close()
    assert found == round(microseconds, -3)
