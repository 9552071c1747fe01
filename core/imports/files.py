"""Reading an uploaded table: .xlsx through openpyxl in read-only mode, or .csv in UTF-8 or
GB18030. Whatever arrives, the reader either yields rows or raises ``ImportFileError`` with a
message for the person who uploaded it; it never loads a whole sheet into memory and stops at a
long run of blank rows, so a sheet padded with a million empty rows costs nothing."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx, or an old .xls
BLANK_RUN_END = 200  # this many blank rows in a row end the table
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # a larger unpacked workbook is refused (zip bomb)


class ImportFileError(Exception):
    """The file cannot be read as a table; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it, from 1
    values: tuple


def file_kind(name: str, head: bytes) -> str:
    """ "xlsx" or "csv", by content first: a renamed file is caught here."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise ImportFileError(
            "encrypted_or_xls",
            _(
                "The workbook is password-protected or in the old .xls format: remove the "
                "password, or save it as .xlsx, and upload it again."
            ),
        )
    if name.lower().endswith(".csv"):
        return "csv"
    raise ImportFileError(
        "not_a_table", _("This is not an Excel workbook (.xlsx) or a CSV file (.csv).")
    )


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportFileError(
            "file_too_large",
            _("The file is %(size).1f MB; at most %(limit).1f MB can be imported at once.")
            % {"size": size / 1048576, "limit": limit / 1048576},
        )
    if size == 0:
        raise ImportFileError("empty_file", _("The file is empty."))


def read_rows(name: str, content: bytes) -> Iterator[Row]:
    """The non-blank rows of the first worksheet (or of the CSV file), with their numbers."""
    check_size(len(content))
    kind = file_kind(name, content[:8])
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    blank_run = 0
    for number, values in enumerate(rows, start=1):
        cleaned = tuple(_clean(v) for v in values)
        if all(v in (None, "") for v in cleaned):
            blank_run += 1
            if blank_run >= BLANK_RUN_END:
                return
            continue
        blank_run = 0
        yield Row(number, cleaned)


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    _check_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            "unreadable_workbook",
            _("The workbook cannot be read (%(reason)s). Save it again as .xlsx and retry.")
            % {"reason": type(error).__name__},
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows():
            yield tuple(_cell_value(cell) for cell in row)
    finally:
        workbook.close()


def _check_archive(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(
            "not_a_table", _("This is not an Excel workbook (.xlsx) or a CSV file (.csv).")
        ) from None
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            "workbook_too_large", _("The workbook unpacks to more than 512 MB and is refused.")
        )


def _cell_value(cell):
    if getattr(cell, "data_type", None) == "f":
        raise ImportFileError(
            "formula",
            _(
                "Cell %(cell)s contains a formula. Copy the sheet and paste it as values, "
                "then upload it again."
            )
            % {"cell": cell.coordinate},
        )
    return cell.value


def _csv_rows(content: bytes) -> Iterator[list]:
    text = _decode(content)
    yield from csv.reader(io.StringIO(text, newline=""))


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("encoding", _("The CSV file is neither UTF-8 nor GB18030 text."))
