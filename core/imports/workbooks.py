"""Workbooks handed back to the person importing: the template of a kind, with an instructions
sheet, and the rejected rows of a batch with the reason added, ready to fix and upload again."""

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import style_header
from core.imports.base import IMPORTERS
from core.imports.columns import find_header
from core.imports.files import read_rows
from core.imports.models import ImportBatch

COLUMN_WIDTH = 22


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_row(sheet, labels: list[str]) -> None:
    sheet.append(labels)
    for cell in sheet[1]:
        style_header(cell)
        sheet.column_dimensions[cell.column_letter].width = COLUMN_WIDTH
    sheet.freeze_panes = "A2"


def template_workbook(kind: str) -> bytes:
    """The kind's columns as headers (required ones marked *) and a sheet explaining each."""
    importer = IMPORTERS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", "、", str(importer.label))[:31]  # Excel forbids these
    _header_row(sheet, [f"{c.label!s}{' *' if c.required else ''}" for c in importer.columns])
    guide = workbook.create_sheet(_("Instructions"))
    _header_row(guide, [_("Column"), _("Required"), _("What to write"), _("Also accepted as")])
    for column in importer.columns:
        guide.append(
            [
                str(column.label),
                _("yes") if column.required else _("no"),
                str(column.help),
                "、".join(column.aliases),
            ]
        )
    guide.column_dimensions["C"].width = 60
    return _save(workbook)


def rejected_rows_workbook(batch: ImportBatch) -> bytes:
    """The rows the check rejected, as uploaded, with a last column saying why."""
    importer = IMPORTERS[batch.kind]
    reasons: dict[int, list[str]] = {}
    for error in batch.row_errors:
        prefix = f"{error['column']}：" if error["column"] else ""
        reasons.setdefault(error["row"], []).append(prefix + error["message"])
    header, rows = find_header(read_rows(batch.file_name, bytes(batch.content)), importer.columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rejected rows")
    _header_row(sheet, [*(str(v or "") for v in header.names), _("Row"), _("Reason")])
    for row in rows:
        if row.number in reasons:
            padded = list(row.values) + [None] * (len(header.names) - len(row.values))
            sheet.append([*padded[: len(header.names)], row.number, "；".join(reasons[row.number])])
    return _save(workbook)
