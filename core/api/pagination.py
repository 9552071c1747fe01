from functools import partial

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.pagination import CappedCountPaginator


class PagePagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 100); a page past the end answers 404.
    ``count`` stops at ``LIST_COUNT_LIMIT`` (see ``core.pagination``): ``count_exact`` is false
    when more rows match than that, and the pages then reach the limit."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    # Rows to count in place of the page's own (``CappedCountPaginator.count_from``).
    count_from = None

    @property
    def django_paginator_class(self):
        return partial(CappedCountPaginator, count_from=self.count_from)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        properties["count_exact"] = {
            "type": "boolean",
            "description": "False when more rows match than the count stops at (LIST_COUNT_LIMIT).",
        }
        paginated["properties"] = {
            "count": properties["count"],
            "count_exact": properties["count_exact"],
            **{key: value for key, value in properties.items() if key != "count"},
        }
        paginated["required"] = [*paginated.get("required", []), "count_exact"]
        return paginated
