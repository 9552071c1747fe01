"""The percentile aggregate the reports use: PostgreSQL's own ``percentile_cont`` in the suite's
database, and the function given to SQLite connections (the embedded default database), which
must agree with it."""

import sqlite3

import pytest
from django.db.models import Q

from core.sql import SQLITE_PERCENTILE, PercentileCont, _SQLitePercentile
from partners.models import Partner
from tests.factories import PartnerFactory

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
