"""Columns of an import: their Chinese headers and accepted variants, finding the header row
below any title rows, and turning cell values into Python values with a message per mistake."""

import datetime as dt
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.imports.files import ImportFileError, Row

HEADER_SEARCH_ROWS = 20


class CellError(ValueError):
    """A cell's value is unusable; the message says why, in the user's language."""


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # the template's header: a lazy translation, e.g. _("Company name")
    aliases: tuple[str, ...] = ()  # other headers meaning the same, as offices write them
    required: bool = False
    help: Any = ""  # a lazy translation for the instructions sheet

    def headers(self) -> set[str]:
        return {_normalise(h) for h in (str(self.label), *self.aliases)}


def _normalise(header) -> str:
    """Headers compare without spaces, asterisks, line breaks or full-width brackets."""
    text = str(header or "")
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"[\s*＊:：]", "", text).lower()


@dataclass(frozen=True)
class Header:
    number: int  # the header's row number
    positions: dict[str, int]  # column key -> index in the row
    names: tuple  # the header cells as written, for the rejected-rows workbook


def find_header(rows: Iterable[Row], columns: list[Column]) -> tuple[Header, Iterable[Row]]:
    """The first row, among the first twenty, that names every required column; title rows
    above it are skipped. Returns the header and the rows after it."""
    iterator = iter(rows)
    seen = False
    for row in iterator:
        seen = True
        if row.number > HEADER_SEARCH_ROWS:
            break
        positions = _match(row.values, columns)
        if all(c.key in positions for c in columns if c.required):
            return Header(row.number, positions, row.values), iterator
    if not seen:
        raise ImportFileError("empty_sheet", _("The first worksheet is empty."))
    required = "、".join(str(c.label) for c in columns if c.required)
    raise ImportFileError(
        "header_not_found",
        _(
            "No header row found in the first %(rows)d rows: the sheet needs the columns "
            "%(columns)s. Download the template to see the expected headers."
        )
        % {"rows": HEADER_SEARCH_ROWS, "columns": required},
    )


def _match(values: tuple, columns: list[Column]) -> dict[str, int]:
    positions = {}
    for index, value in enumerate(values):
        name = _normalise(value)
        for column in columns:
            if name and name in column.headers() and column.key not in positions:
                positions[column.key] = index
    return positions


def text(value, *, max_length: int = 255) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: 1.0 → "1"
    result = str(value).strip()
    if len(result) > max_length:
        raise CellError(_("At most %(max)d characters are allowed.") % {"max": max_length})
    return result


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError(
        _("“%(value)s” is not a date: write it as 2024-03-29.") % {"value": raw},
    )


DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")


def moment(value) -> dt.datetime | None:
    """A date and time in the site's time zone; a date alone means the start of that day."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        naive = value
    else:
        raw = text(value)
        naive = next((_strptime(raw, f) for f in DATETIME_FORMATS if _strptime(raw, f)), None)
        if naive is None:
            naive = dt.datetime.combine(date(value), dt.time.min)
    return naive if timezone.is_aware(naive) else timezone.make_aware(naive)


def _strptime(raw: str, pattern: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(raw, pattern)
    except ValueError:
        return None


def amount(value) -> Decimal | None:
    """A number such as 5000, 5,000.00 or 5000万 (the unit is the column's)."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        raw = re.sub(r"[,，\s]|万元?$|元$", "", text(value))
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(
                _("“%(value)s” is not an amount: write a number such as 5000.") % {"value": value}
            ) from None
    if number < 0 or not number.is_finite():
        raise CellError(_("The amount must be zero or more."))
    return number


YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}


def yes_no(value) -> bool:
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(_("Write 是 or 否, not “%(value)s”.") % {"value": raw})


def year(value) -> int:
    raw = text(value).removesuffix("年")
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise CellError(_("“%(value)s” is not a year such as 2024.") % {"value": raw})
    return int(raw)


def _listed(value) -> list[str]:
    """The parts of a cell between list separators other than the slash."""
    parts = re.split(r"[、,，;；\n]", text(value, max_length=2000))
    return [part.strip() for part in parts if part.strip()]


def _slashed(part: str) -> list[str]:
    return [name.strip() for name in part.split("/") if name.strip()]


def split_names(value, known: Container[str] = ()) -> list[str]:
    """Several names in one cell: 新一代信息技术、智能制造 (or commas, semicolons, slashes). A
    ``known`` name with a slash in it (供应链/商贸物流) stays whole, as the exports write it."""
    return [
        name for part in _listed(value) for name in ([part] if part in known else _slashed(part))
    ]


def name_forms(value) -> set[str]:
    """Every name a cell may hold, each part both whole and split at its slashes: what to look
    up before ``split_names`` is given the names that exist."""
    return {form for part in _listed(value) for form in (part, *_slashed(part))}
