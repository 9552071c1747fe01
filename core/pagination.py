"""Counting the rows of a list only as far as anyone pages.

At district scale an exact ``COUNT(*)`` of a search or a filtered list is most of a page's time
(a search matching a quarter of 200,000 partners takes 90–480 ms to count, the page itself
5 ms). Nobody pages through thousands of rows; they narrow the filters. So a list counts at most
``LIST_COUNT_LIMIT`` rows (``SELECT COUNT(*) FROM (… LIMIT limit + 1)``): below the limit the
count is exact, as it always is at today's 600 partners; above it the list says "more than
<limit>", its pages reach the limit, and the Excel export still holds every row.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """A ``Paginator`` whose ``count`` stops at ``LIST_COUNT_LIMIT``; ``count_is_exact`` tells
    whether more rows exist beyond it. ``count_from`` is a queryset with the same rows to count
    instead of the pages' own: the pages' ``values()`` joins every column's table, which a count
    does not need and which keeps it from answering from an index alone."""

    def __init__(self, object_list, per_page, *args, count_from: QuerySet | None = None, **kw):
        super().__init__(object_list, per_page, *args, **kw)
        self.count_from = count_from

    @cached_property
    def counted(self) -> int:
        """Rows counted, at most one past the limit."""
        limit = settings.LIST_COUNT_LIMIT
        rows = self.object_list if self.count_from is None else self.count_from
        if isinstance(rows, QuerySet):  # neither the order nor the columns change the number
            return rows.order_by().values("pk")[: limit + 1].count()
        return min(len(rows), limit + 1)

    @cached_property
    def count(self) -> int:
        return min(self.counted, settings.LIST_COUNT_LIMIT)

    @property
    def count_is_exact(self) -> bool:
        return self.counted <= settings.LIST_COUNT_LIMIT
