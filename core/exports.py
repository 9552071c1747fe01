"""Excel exports of the API's lists.

An export is the list's own queryset (same scope, filters and ordering) written into an
``.xlsx`` by openpyxl's write-only workbook, which keeps no rows in memory. The records come
from the database in chunks (``iterator(chunk_size=…)``), each chunk with its prefetches, so
memory stays flat and the number of queries grows with the number of chunks, never with the
number of rows. The workbook is written to a temporary file that is then streamed to the client
and deleted when the answer is closed.

An app describes an export as plain data: a sequence of ``Column`` (a header label, a function
that reads the value from a record, a width), e.g. in ``partners/exports.py``. Where an export
may run to a hundred thousand records, the app hands plain rows instead of model instances
(``export_response(records=…)``): a chunk of ``values()`` rows, their many-to-many names in one
query per relation (``related_names``) and choice labels worked out once (``choice_label``).
"""

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from operator import attrgetter, itemgetter
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation

from core.api.rows import through_rows
from core.errors import ApplicationError

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
AMOUNT_FORMAT = "#,##0.00"
LIST_SEPARATOR = "、"
MAX_CELL_LENGTH = 32_767  # Excel's limit; a longer text makes Excel "repair" the file
# Characters a sheet name may not contain, replaced by their full-width forms.
SHEET_TITLE_CHARACTERS = str.maketrans("[]:*?/\\", "［］：＊？／＼")
MAX_SHEET_TITLE_LENGTH = 31

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_BORDER = Border(bottom=Side(style="thin"))


@dataclass(frozen=True)
class Column:
    """One column of an export. ``label`` is a lazy translatable string, rendered in the
    request's language; ``value`` reads the cell's value from a record; ``width`` is in
    characters (a Chinese character counts about two). Dates and times get a date format;
    ``number_format`` sets another (e.g. ``AMOUNT_FORMAT``)."""

    label: Promise | str
    value: Callable[[Any], Any]
    width: float = 16
    number_format: str | None = None


def field_label(model: type[Model], field: str) -> Promise | str:
    """A model field's verbose name: the header the admin and the API documents already use."""
    return model._meta.get_field(field).verbose_name


def names(related) -> list[str]:
    """The names of a prefetched relation (``partner.industries``), in its order."""
    return [str(item) for item in related.all()]


def choice_label(model: type[Model], field: str, *, rows: bool = False) -> Callable:
    """A column's ``value`` for a choice field: the label of a record's value (read from the
    record's attribute, or from ``record[field]`` for plain ``rows``) in the current language.
    The labels are worked out once per language, not once per cell as ``get_FOO_display``
    does."""
    model_field = model._meta.get_field(field)
    read = itemgetter(field) if rows else attrgetter(model_field.attname)
    by_language: dict[str, dict] = {}

    def value(record) -> str:
        language = get_language()
        if language not in by_language:
            by_language[language] = {raw: str(label) for raw, label in model_field.flatchoices}
        raw = read(record)
        return by_language[language].get(raw, raw)

    return value


def chunks(rows: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def related_names(
    model: type[Model], field: str, owner_ids: list, *paths: str, label: Callable = str
) -> dict[Any, list]:
    """For each of ``owner_ids``, the names of its ``field`` many-to-many relation in the
    related model's order, read as rows of the through table (one query): ``label`` makes a
    name of the related record's ``paths`` (its ``name`` by default)."""
    relation = model._meta.get_field(field)
    target = relation.m2m_reverse_field_name()
    columns = [f"{target}__{path}" for path in paths or ("name",)]
    rows = through_rows(relation, owner_ids).values_list(relation.m2m_field_name(), *columns)
    grouped = defaultdict(list)
    for owner, *values in rows:
        grouped[owner].append(label(*values))
    return grouped


class ExportTooLarge(ApplicationError):
    default_code = "export_too_large"


def check_row_limit(queryset: QuerySet) -> int:
    """Refuse (400 ``export_too_large``) an export of more than ``EXPORT_MAX_ROWS`` rows before
    any work is done; the count is one query."""
    limit = settings.EXPORT_MAX_ROWS
    count = queryset.count()
    if count > limit:
        raise ExportTooLarge(
            _(
                "This export would have %(count)s rows; at most %(limit)s can be exported at "
                "once. Narrow the filters and export in parts."
            )
            % {"count": count, "limit": limit},
            extra={"rows": count, "max_rows": limit},
        )
    return count


def rows_of(records: Iterable, columns: Sequence[Column]) -> Iterator[list]:
    """The values of each record."""
    for record in records:
        yield [column.value(record) for column in columns]


def plain_value(value, yes=None, no=None):
    """A value as a cell shows it: yes/no in the request's language, local naive times, lists
    joined; numbers and dates left as they are (the same in workbooks and on pages)."""
    if isinstance(value, bool):
        return (yes or _("Yes")) if value else (no or _("No"))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if value is None or isinstance(value, int | float | Decimal | dt.date):
        return value
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(item) for item in value if item not in (None, ""))
    return _clean_text(str(value))


def _clean_text(text: str) -> str:
    """Without the control characters XML cannot hold, and within Excel's cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_LENGTH]


def sheet_title(title) -> str:
    return str(capfirst(title)).translate(SHEET_TITLE_CHARACTERS)[:MAX_SHEET_TITLE_LENGTH]


class CellWriter:
    """Turns values into what openpyxl writes: text for choices, lists and yes/no in the
    request's language, local naive times (Excel has no time zones), real dates with a date
    format, and text that starts with ``=`` kept as text rather than run as a formula."""

    def __init__(self, sheet, columns: Sequence[Column]):
        self.sheet = sheet
        self.formats = [column.number_format for column in columns]
        self.yes, self.no = _("Yes"), _("No")

    def row(self, values: Sequence) -> list:
        return [self.cell(value, fmt) for value, fmt in zip(values, self.formats, strict=True)]

    def cell(self, value, number_format: str | None):
        value = self.plain(value)
        if isinstance(value, dt.date) and number_format is None:
            number_format = DATETIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT
        formula_like = isinstance(value, str) and value.startswith("=")
        if number_format is None and not formula_like:
            return value
        cell = WriteOnlyCell(self.sheet, value)
        if formula_like:
            cell.data_type = "s"
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def plain(self, value):
        return plain_value(value, self.yes, self.no)

    def header(self, columns: Sequence) -> list:
        """The header cells of ``columns`` (anything with a ``label``), styled."""
        cells = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, _clean_text(str(capfirst(column.label))))
            style_header(cell)
            cells.append(cell)
        return cells


def style_header(cell) -> None:
    """The look of every header row the system writes: bold, filled, centred, underlined."""
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT
    cell.border = HEADER_BORDER


def write_workbook(rows: Iterable[Sequence], columns: Sequence[Column], *, title, file) -> int:
    """Write a one-sheet workbook into ``file``: a bold, filled, frozen header row with a filter,
    the column widths, then the rows. Returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    writer = CellWriter(sheet, columns)
    sheet.append(writer.header(columns))
    count = 0
    for values in rows:
        sheet.append(writer.row(values))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    workbook.save(file)
    return count


def export_response(
    queryset: QuerySet,
    columns: Sequence[Column],
    *,
    name: str,
    title,
    records: Iterable | None = None,
) -> FileResponse:
    """The queryset as ``<name>-<yyyymmdd>.xlsx``, streamed from a temporary file. ``records``:
    what the columns read, if not the queryset's model instances (plain rows of it)."""
    check_row_limit(queryset)
    if records is None:
        records = queryset.iterator(chunk_size=CHUNK_SIZE)
    # Closed (and so deleted) by the FileResponse once sent, or here if writing fails.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        write_workbook(rows_of(records, columns), columns, title=title, file=file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_MEDIA_TYPE)


class ExportContentNegotiation(DefaultContentNegotiation):
    """A client that accepts only the workbook's media type still gets the workbook; an error
    answered before it (a bad filter, too many rows) comes as JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


def export_action(method):
    """Make a list viewset's method its ``GET …/export/`` route (``@action(detail=False,
    methods=["get"], url_path="export")``, route name ``<basename>-export``). The permission is
    the list's: RulesPermission asks ``<app>.view_<model>`` for a GET. The schema documents the
    list's filters and a binary xlsx answer."""
    method = action(
        detail=False,
        methods=["get"],
        url_path="export",
        content_negotiation_class=ExportContentNegotiation,
    )(method)
    return extend_schema(
        filters=True,
        responses={(200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY},
    )(method)
