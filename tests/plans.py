"""Query plans for the tests that pin an index. On a test's few rows PostgreSQL's choice
hangs on statistics that other tests leave behind, so such a test switches off every way of
reading but the one it expects to remain (``ONLY_INDEX_ORDER``, ``ONLY_INDEX_ALONE``): were
the query to drift from its index, PostgreSQL would fall back on a way switched off, and the
plan would show it."""

from django.db import connection, transaction

# Without a sort, only an index in the query's order can give it.
ONLY_INDEX_ORDER = ("seqscan", "bitmapscan", "sort")
# Only an index that holds every column the query reads.
ONLY_INDEX_ALONE = ("seqscan", "bitmapscan", "indexscan")


def plan(query, *, off: tuple[str, ...]) -> str:
    """``EXPLAIN`` of ``query`` (a queryset, or SQL as the tests captured it) with these
    planner methods off (``enable_seqscan`` … for the rest of the current transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for method in off:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        if isinstance(query, str):
            cursor.execute(f"EXPLAIN {query}")
            return "\n".join(row[0] for row in cursor.fetchall())
        return query.explain()
