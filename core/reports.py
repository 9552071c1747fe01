"""What every manager report shares: the period and filters it takes, the shape of its result
(named tables of rows, plus headline figures), its JSON answer and its Excel workbook, which are
built from the same ``Report`` so that the two always show the same numbers.

A report is a selector in its app (``<app>/reports.py``) computing its tables in the database,
and a ``ReportViewSet`` subclass naming that selector and the permission to read it:

    GET /api/v1/reports/<name>/?since=2024-01-01&until=2024-12-31&industry=3
    GET /api/v1/reports/<name>/export/          (the same, as .xlsx, one sheet per table)
"""

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.exports import XLSX_MEDIA_TYPE, CellWriter, sheet_title


@dataclass(frozen=True)
class Field:
    """A column of a report table: ``key`` in each row dict, a lazy translated ``label``."""

    key: str
    label: Any
    width: int = 14
    number_format: str | None = None


class QueryRows:
    """A table's rows read from a query only as far as they are used: the JSON answer and the
    dashboard read the first rows (``head``: one query with LIMIT), the workbook iterates them
    all in chunks, and ``len`` counts them in the database (or takes a count the report already
    has). At district scale a list such as the partners overdue for a visit has 100,000 rows,
    which nobody reads on a page."""

    def __init__(
        self,
        queryset,
        to_row: Callable[[Any], dict],
        count: int | None = None,
        first: list[dict] | None = None,
        counted=None,
    ):
        self.queryset = queryset
        self.to_row = to_row
        self._count = count
        self._first = first  # the first rows when already read (a cached part of a report)
        # The rows' query before other tables' columns were joined to it, to count: a join
        # that PostgreSQL drops as unused still keeps it from counting from an index alone.
        self._counted = queryset if counted is None else counted

    def head(self, limit: int) -> list[dict]:
        if self._first is not None and (limit <= len(self._first) or len(self._first) == len(self)):
            return self._first[:limit]
        return [self.to_row(row) for row in self.queryset[:limit]]

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._counted.order_by().count()
        return self._count

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        return (self.to_row(row) for row in self.queryset.iterator(chunk_size=2000))


class ShownRows:
    """A table's first rows and how many it has: the part of a table a cached report keeps
    (``core.report_cache``), read like ``QueryRows``; iterating gives the kept rows only."""

    def __init__(self, rows: list[dict], count: int):
        self.rows = rows
        self.count = count

    def head(self, limit: int) -> list[dict]:
        return self.rows[:limit]

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self):
        return iter(self.rows)


def head_rows(rows: "Sequence[dict] | QueryRows | ShownRows", limit: int) -> list[dict]:
    """The first ``limit`` rows of a table, however its rows are held."""
    return rows.head(limit) if hasattr(rows, "head") else list(rows[:limit])


@dataclass
class Table:
    key: str
    title: Any
    fields: Sequence[Field]
    rows: "list[dict] | QueryRows | ShownRows"


@dataclass(frozen=True)
class Figure:
    """A headline number of a report: ``key`` in the JSON, ``label`` in the workbook."""

    key: str
    label: Any
    value: Any


@dataclass
class Report:
    name: str
    title: Any
    period: "Period"
    tables: list[Table]
    figures: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    """From ``since`` to ``until``, both included. By default the current calendar year."""

    since: dt.date
    until: dt.date

    @classmethod
    def this_year(cls) -> "Period":
        today = timezone.localdate()
        return cls(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))

    def start(self) -> dt.datetime:
        """The first moment of the period, in the site's time zone."""
        return day_start(self.since)

    def end(self) -> dt.datetime:
        """The first moment after the period."""
        return day_start(self.until + dt.timedelta(days=1))


def names_in_order(rows, label=str) -> dict:
    """``{pk: (position, label(*fields))}`` of ``rows`` (``values_list("pk", *fields)`` in the
    order the report shows them): the names of a breakdown's groups, read once after grouping
    (joined to the rows grouped, each name was matched to every row counted), with the
    position that orders the groups."""
    return {pk: (position, label(*fields)) for position, (pk, *fields) in enumerate(rows)}


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# The filters every report takes (``ReportParameters``), by name.
FILTERS = ("industry", "chain", "steward", "zone")


def chosen_filters(params: dict, names: tuple[str, ...] = FILTERS) -> dict:
    """``names`` with the values chosen in ``params`` (None where not given): what a part of a
    report cached apart from the period depends on (``core.report_cache.cached_part``)."""
    return {name: params.get(name) for name in names}


class ReportParameters(serializers.Serializer):
    """The query string every report accepts; a report ignores filters that mean nothing to
    it. An unknown id is a 400, like the lists' filters."""

    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    industry = serializers.IntegerField(required=False, min_value=1)
    chain = serializers.IntegerField(required=False, min_value=1)
    steward = serializers.IntegerField(required=False, min_value=1)
    zone = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs: dict) -> dict:
        year = attrs.get("year")
        if year and ("since" in attrs or "until" in attrs):
            raise serializers.ValidationError(
                _("Give either a year or a period (since, until), not both."), code="period"
            )
        default = Period.this_year()
        if year:
            default = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
        period = Period(attrs.get("since", default.since), attrs.get("until", default.until))
        if period.until < period.since:
            raise serializers.ValidationError(
                _("The period ends before it starts."), code="period_reversed"
            )
        attrs["period"] = period
        return attrs


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report_json(report: Report) -> dict:
    """The report as JSON; each table with its first ``REPORT_ROWS_SHOWN`` rows and its
    ``row_count`` (the workbook has every row)."""
    limit = settings.REPORT_ROWS_SHOWN
    return {
        "report": report.name,
        "title": str(report.title),
        "period": {"since": report.period.since, "until": report.period.until},
        "figures": {f.key: _json_value(f.value) for f in report.figures},
        "figure_labels": {f.key: str(f.label) for f in report.figures},
        "tables": {
            table.key: {
                "title": str(table.title),
                "columns": [{"key": f.key, "label": str(f.label)} for f in table.fields],
                "rows": [
                    {f.key: _json_value(row.get(f.key)) for f in table.fields}
                    for row in head_rows(table.rows, limit)
                ],
                "row_count": len(table.rows),
            }
            for table in report.tables
        },
    }


SUMMARY_FIELDS = (
    Field("label", gettext_lazy("Figure"), 40),
    Field("value", gettext_lazy("Value"), 16),
)


def report_workbook(report: Report) -> bytes:
    """A sheet of headline figures (if any), then one sheet per table, with the cells written as
    the list exports write theirs (``core.exports.CellWriter``)."""
    workbook = Workbook(write_only=True)
    sheets = [(_("Summary"), SUMMARY_FIELDS, _figure_rows(report))] if report.figures else []
    sheets += [(table.title, table.fields, table.rows) for table in report.tables]
    for title, fields, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title))
        for index, column in enumerate(fields, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        writer = CellWriter(sheet, fields)
        sheet.append(writer.header(fields))
        for row in rows:
            sheet.append(writer.row([row.get(f.key) for f in fields]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _figure_rows(report: Report) -> list[dict]:
    return [{"label": str(figure.label), "value": figure.value} for figure in report.figures]


PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATE, description="first day (default 1 January)"),
    OpenApiParameter("until", OpenApiTypes.DATE, description="last day (default 31 December)"),
    OpenApiParameter("year", int, description="a calendar year instead of since/until"),
    OpenApiParameter("industry", int, description="industry id"),
    OpenApiParameter("chain", int, description="industry chain id"),
    OpenApiParameter("steward", int, description="steward (user) id"),
    OpenApiParameter("zone", int, description="functional zone (carrier) id"),
]


# Every report by its ``key`` (its name in URLs), in the order the apps define them: the API
# routes and the manager dashboard both read the reports from here.
REPORTS: dict[str, type["ReportViewSet"]] = {}


class ReportViewSet(viewsets.ViewSet):
    """``build(user, params)`` is the report's selector; ``permission`` the rule to read it;
    ``key`` its name in URLs and ``title`` its name for people; ``parameters_class`` the query
    string it takes. Defining a subclass with a key registers it in ``REPORTS``."""

    build: Callable[..., Report]
    permission: str
    key: str = ""
    title: Any = gettext_lazy("Report")
    parameters_class: type[ReportParameters] = ReportParameters
    name = gettext_lazy("Report")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.key:
            REPORTS[cls.key] = cls

    @classmethod
    def parameters(cls, data) -> dict:
        """The validated parameters of a query string; DRF's ValidationError when invalid."""
        parameters = cls.parameters_class(data=data)
        if not parameters.is_valid():
            raise exceptions.ValidationError(parameters.errors)
        return parameters.validated_data

    @property
    def action_permissions(self) -> dict[str, str]:
        return {"list": self.permission, "export": self.permission}

    @classmethod
    def shown_report(cls, user, params: dict) -> Report:
        """The report as the API and the dashboard show it (first rows and row counts), from
        the cache while the data has not changed (``core.report_cache``)."""
        from core.report_cache import cached_report

        return cached_report(cls.build, cls.key, user, params)

    @extend_schema(parameters=PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def list(self, request):
        parameters = self.parameters(request.query_params)
        return Response(report_json(self.shown_report(request.user, parameters)))

    @extend_schema(parameters=PARAMETERS, responses={(200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        report = type(self).build(request.user, self.parameters(request.query_params))
        response = HttpResponse(report_workbook(report), content_type=XLSX_MEDIA_TYPE)
        filename = f"{report.name}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
