"""SQL the ORM lacks, portable to both databases the project runs on.

``PercentileCont`` is PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``: the value at
fraction ``f`` of the ordered non-null values, interpolated linearly between the two nearest
(the median is ``f = 0.5``). SQLite has no such aggregate, so ``register_sqlite_aggregates``
gives each SQLite connection one computing the same thing, the way Django itself gives SQLite
its ``STDDEV_POP`` and ``VAR_SAMP``; reports then compute percentiles in the database on both.

``ordered_head`` orders the first rows found of a larger list, on both databases.

``AnyOf`` is a column among many values: one array on PostgreSQL, ``IN`` elsewhere.

``WidthBucket`` numbers the interval a value falls in among ascending bounds: PostgreSQL's
``width_bucket``, a ``CASE`` elsewhere.

``JSONBuild`` and ``estimated_rows`` alone are PostgreSQL's only: their callers
(``core.api.rows``, ``core.inline_relations``, ``partners.selectors``) take another way
elsewhere.
"""

import json
import math
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import (
    Aggregate,
    BigIntegerField,
    DateTimeField,
    FloatField,
    Func,
    IntegerField,
    Lookup,
)
from django.db.models.functions import Cast
from django.db.models.lookups import In

SQLITE_PERCENTILE = "fengtai_percentile_cont"


class PercentileCont(Aggregate):
    """The continuous percentile ``fraction`` (0 to 1) of ``expression``; None without values."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, fraction: float, **extra):
        fraction = float(fraction)
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction lies between 0 and 1.")
        self.fraction = fraction
        super().__init__(expression, **extra)

    def get_source_fields(self):
        return [FloatField()]

    def as_sql(self, compiler, connection, **extra_context):
        extra_context.setdefault("fraction", repr(self.fraction))
        return super().as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Set on a copy, not passed as arguments: Aggregate.as_sql passes its own template on
        # when it adds a FILTER clause.
        sqlite = self.copy()
        sqlite.function = SQLITE_PERCENTILE
        sqlite.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return sqlite.as_sql(compiler, connection, **extra_context)


class ElapsedMicroseconds(Func):
    """``ElapsedMicroseconds(later, earlier)``: the time from one moment to another in whole
    microseconds, so that durations add up exactly and equal ones compare equal (the pipeline
    report ranks its slowest projects by their days, ties by code).

    On PostgreSQL the difference of the two moments is an interval, exact to the microsecond,
    whose seconds ``date_part`` gives as a double precision, then rounded to whole
    microseconds: an interval's ``EXTRACT`` is a numeric, and summing and dividing numerics
    over the pipeline report's 51,000 stays at ten times district scale took 105 ms against 65
    (docs/BENCHMARKS.md, eighteenth round). On SQLite, Julian day numbers, which count whole
    milliseconds."""

    arity = 2
    output_field = BigIntegerField()
    template = "(date_part('epoch', %(expressions)s) * 1000000)::bigint"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="(CAST(ROUND((julianday(%(expressions)s)) * 86400000) AS INTEGER) * 1000)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class UTCMidnight(Func):
    """A date as the moment its day starts in UTC: what casting it to a date-time gives on
    Django's connections, which are in UTC when ``USE_TZ`` is on. PostgreSQL's cast of a date
    to ``timestamptz`` depends on the session's time zone, so it cannot be indexed; written
    ``timezone('UTC', date::timestamp)``, the same value is immutable, and an index may hold an
    expression built on it (the partners' visit baseline)."""

    arity = 1
    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(Cast(self.source_expressions[0], DateTimeField()))

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="timezone('UTC', (%(expressions)s)::timestamp)",
            **extra_context,
        )


class _SQLitePercentile:
    """The SQLite side of ``PercentileCont`` (called by SQLite, one instance per group)."""

    def __init__(self):
        self.values: list[float] = []
        self.fraction = 0.0

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return interpolated_percentile(self.values, self.fraction)


def interpolated_percentile(values: list[float], fraction: float) -> float | None:
    """As ``percentile_cont``: the value at ``fraction`` of the sorted values, interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def register_sqlite_aggregates(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: adds the aggregates to each new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, _SQLitePercentile)


class JSONBuild(Func):
    """PostgreSQL's ``json_build_object``: an object with its keys in the order given, as the
    serializer writes them (``jsonb``, which Django's ``JSONObject`` builds, sorts them). The
    keys, a serializer's field names, are written into the SQL as literals: a parameter each
    would add three expressions per key for every query to resolve and compile."""

    function = "JSON_BUILD_OBJECT"
    # ``json``, which psycopg reads into Python itself (Django's JSONField expects the text it
    # is given for ``jsonb`` and would parse it again).
    output_field = models.Field()

    def __init__(self, **values):
        if not all(key.isidentifier() for key in values):
            raise ValueError(f"keys must be identifiers: {list(values)}")
        super().__init__(*values.values())
        self.keys = list(values)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for key, value in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, value_params = compiler.compile(value)
            parts.append(f"'{key}', {sql}")
            params.extend(value_params)
        return f"{self.function}({', '.join(parts)})", params


class AnyOf(Lookup):
    """``AnyOf(F("pk"), ids)``: the column is one of the values (values of the column, not
    model instances or a queryset; None, which equals nothing, is dropped as ``IN`` drops it).
    On PostgreSQL ``= ANY(…)`` takes them as one array of the column's type, where ``IN``
    binds each as a parameter of its own, sent, parsed and estimated apart (a list search's
    thousands of partners: docs/BENCHMARKS.md, fourteenth round), and, with server-side
    binding, at most 65,535 in a statement. Elsewhere it is Django's ``IN``.

    Whole numbers (ids) are written into the statement as the array's text: bound as a
    parameter, the statement was the same for every search, so psycopg prepared it and
    PostgreSQL planned it once for any array, testing each row it read against the whole
    array in turn; written in, the array is a constant, which PostgreSQL hashes (a surname
    search's page of 3,304 partners: 9.9 → 4.2 ms, eighteenth round). Other values, text
    that could hold a quote, are bound."""

    prepare_rhs = False  # a list of values, each prepared once the column is known
    compiled = None  # the SQL and parameters on PostgreSQL, once compiled

    def __init__(self, lhs, rhs):
        super().__init__(lhs, [value for value in rhs if value is not None])

    def resolve_expression(self, *args, **kwargs):
        """Each value prepared for the column once, when the filter is added: a list's count
        and page compile it again each."""
        resolved = super().resolve_expression(*args, **kwargs)
        resolved.rhs = _prepared(resolved.lhs.output_field, resolved.rhs)
        resolved.compiled = None
        return resolved

    def as_sql(self, compiler, connection):
        return compiler.compile(In(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as Django's IN: no row, no query
        column, params = self.process_lhs(compiler, connection)
        if self.compiled is None:  # kept: the count and the page compile the same lookup
            self.compiled = self._array(connection)
        array, array_params = self.compiled
        return f"{column} = ANY({array})", (*params, *array_params)

    def _array(self, connection) -> tuple[str, tuple]:
        field = self.lhs.output_field
        # The column's type without its length or precision (``varchar``, not ``varchar(18)``):
        # a cast to a length cuts longer values, which would then match what they start with.
        array_type = field.db_type(connection).split("(")[0] + "[]"
        if isinstance(field, IntegerField):
            # Prepared (``_prepared``), every value is a whole number; each is written as int
            # writes it, whatever a subclass says of itself.
            return f"'{{{','.join(map(int.__repr__, self.rhs))}}}'::{array_type}", ()
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        return f"%s::{array_type}", (values,)


def _prepared(field, values: list) -> list:
    """The values prepared for the column, as ``IN`` prepares them; whole numbers for a whole
    number column are already (a list search's thousands of ids: a third of its time in
    Python went to preparing them one by one)."""
    if isinstance(field, IntegerField) and _whole_numbers(values):
        return values
    return [field.get_prep_value(value) for value in values]


def _whole_numbers(values) -> bool:
    """Whether every value is a whole number (``int`` and its subclasses: psycopg's ``Int8``,
    a boolean, which ``int.__repr__`` writes as 1 or 0). Tested type by type: a search's
    thousands of ids are of one type (44 µs against 157 value by value)."""
    return all(issubclass(kind, int) for kind in set(map(type, values)))


class WidthBucket(Func):
    """``WidthBucket(F("occurred_at"), bounds)``: the number of the interval among ascending
    ``bounds`` that the value falls in: 0 before the first bound, n from the n-th bound up to
    the next (excluded), ``len(bounds)`` from the last one on; NULL for NULL.

    PostgreSQL's ``width_bucket(value, array)``, one binary search per row. The interactions per
    month of a report are grouped by it, the bounds being the months' first moments: truncating
    each interaction's time to its month converts it to the site's time zone first, which took
    half the query's time (docs/BENCHMARKS.md, sixteenth round). Elsewhere a ``CASE`` that
    tries the bounds in turn."""

    output_field = IntegerField()

    def __init__(self, expression, bounds):
        bounds = list(bounds)
        if not bounds or bounds != sorted(bounds):
            raise ValueError("The bounds are ascending, at least one.")
        super().__init__(expression)
        self.bounds = bounds

    def _compiled(self, compiler, connection) -> tuple[str, list, models.Field, list]:
        (expression,) = self.get_source_expressions()
        sql, params = compiler.compile(expression)
        field = expression.output_field
        values = [field.get_db_prep_value(bound, connection) for bound in self.bounds]
        return sql, list(params), field, values

    def as_sql(self, compiler, connection, **extra_context):
        sql, params, _field, values = self._compiled(compiler, connection)
        tests = [f"WHEN {sql} < %s THEN {number}" for number in range(len(values))]
        tests.append(f"WHEN {sql} >= %s THEN {len(values)}")  # NULL passes none: NULL
        case_params = [param for value in (*values, values[-1]) for param in (*params, value)]
        return f"CASE {' '.join(tests)} END", case_params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params, field, values = self._compiled(compiler, connection)
        base_type = field.db_type(connection).split("(")[0]
        return f"width_bucket({sql}, %s::{base_type}[])", (*params, values)


def estimated_rows(queryset: models.QuerySet) -> float | None:
    """How many rows PostgreSQL's planner expects ``queryset`` to give (``EXPLAIN``: nothing is
    read, about 1.5 ms); None elsewhere. An estimate from the table's statistics, to
    choose between two ways of reading that the planner cannot choose between itself."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"]


def ordered_head(rows: models.QuerySet, order_by: tuple[str, ...], limit: int) -> list[dict]:
    """The first ``limit`` of ``rows`` (a sliced ``values()`` queryset) in the order of the
    ``order_by`` columns, as dicts: the slice is taken first, in whatever order the database
    finds rows, and only that slice is ordered. Django puts no subquery in ``FROM``; filtering
    on ``pk__in`` the slice instead reads each of its rows a second time, and PostgreSQL may
    then hash the whole table to find them again. The columns come as the database driver
    gives them (no field converters): for texts and whole numbers. A queryset that can hold
    no row (``none()``) is answered without SQL, as Django answers it."""
    connection = connections[rows.db]
    try:
        sql, params = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:
        return []
    order = ", ".join(connection.ops.quote_name(column) for column in order_by)
    head = f"SELECT * FROM ({sql}) AS head ORDER BY {order} LIMIT %s"  # noqa: S608 - compiled
    with connection.cursor() as cursor:
        cursor.execute(head, [*params, limit])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def planned_each_time(using: str = DEFAULT_DB_ALIAS):
    """Within it, PostgreSQL plans each query for its own values: psycopg prepares none
    (``config.settings`` has it prepare a query run five times on a connection). A prepared
    statement may be given a generic plan, made without its values. For a search pattern that
    plan cannot tell a common pattern (read the table in order until enough rows match) from a
    rare one (ask the trigram index), and a wrong bet reads every row: 381 ms for ``彧`` at
    200,000 partners (docs/BENCHMARKS.md, eleventh round). Planning each time costs a
    fraction of a millisecond. Nothing changes elsewhere than on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    driver_connection = connection.connection
    threshold = driver_connection.prepare_threshold
    driver_connection.prepare_threshold = None
    try:
        yield
    finally:
        driver_connection.prepare_threshold = threshold
