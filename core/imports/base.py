"""What every importer shares: reading rows into per-column values, one outcome per row, and
the registry of importers by kind. An importer checks all rows first (``check``) without
writing, then writes the accepted ones in bulk (``write``) inside the caller's transaction."""

import difflib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.imports.columns import CellError, Column, Header
from core.imports.columns import text as cells_text
from core.imports.files import Row

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"


@dataclass
class Outcome:
    """What will happen to one row, and why not if it is rejected."""

    number: int
    action: str = CREATE
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    notes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    target: Any = None  # the existing object an update applies to

    def reject(self, column: Column | None, message: str) -> None:
        self.errors.append((str(column.label) if column else "", message))
        self.action = REJECT


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """Subclasses set the class attributes and implement ``prepare``, ``check_row`` and
    ``write``."""

    kind: ClassVar[str]
    label: ClassVar[Any]  # a lazy translation
    permission: ClassVar[str]  # needed to import, e.g. "partners.add_partner"
    columns: ClassVar[list[Column]]
    key_columns: ClassVar[tuple[str, ...]] = ()  # a row repeating these is a duplicate

    def __init__(self, actor):
        self.actor = actor

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def cells(self, header: Header, row: Row) -> dict[str, Any]:
        return {
            key: row.values[index] if index < len(row.values) else None
            for key, index in header.positions.items()
        }

    def check(self, records: list[tuple[int, dict]], progress: Callable[[int], None]) -> list:
        """One outcome per record; nothing is written."""
        context = self.prepare([cells for _number, cells in records])
        outcomes = []
        for done, (number, cells) in enumerate(records, start=1):
            outcome = Outcome(number)
            self.check_row(outcome, cells, context)
            outcomes.append(outcome)
            progress(done)
        self._reject_repeats(outcomes)
        return outcomes

    def parse(self, outcome: Outcome, cells: dict, key: str, parser, **options):
        """The cell's value through ``parser``, or None with the row rejected."""
        column = self.column(key)
        raw = cells.get(key)
        if column.required and raw in (None, ""):
            outcome.reject(column, _("This column is required."))
            return None
        try:
            return parser(raw, **options)
        except CellError as error:
            outcome.reject(column, str(error))
            return None

    def named(self, outcome: Outcome, row: dict, key: str, known: dict, kind: str):
        """The object the cell names among ``known`` (name → object), or None with the row
        rejected and the closest known name suggested."""
        name = cells_text(row.get(key))
        found = known.get(name)
        if found is None and name:
            outcome.reject(self.column(key), unknown_name_message(kind, name, known))
        return found

    def _reject_repeats(self, outcomes: list[Outcome]) -> None:
        if not self.key_columns:
            return
        first_seen: dict[tuple, int] = {}
        for outcome in outcomes:
            if outcome.action == REJECT:
                continue
            key = tuple(outcome.values.get(k) for k in self.key_columns)
            if key in first_seen:
                outcome.reject(
                    None,
                    _("Repeats row %(row)d of this file.") % {"row": first_seen[key]},
                )
            else:
                first_seen[key] = outcome.number

    def prepare(self, rows: list[dict]) -> Any:
        """Look up in bulk what the rows refer to (a constant number of queries)."""
        raise NotImplementedError

    def check_row(self, outcome: Outcome, cells: dict, context: Any) -> None:
        raise NotImplementedError

    def write(self, outcomes: list[Outcome], batch) -> Counts:
        raise NotImplementedError


class RowByRowImporter(Importer):
    """Writes each accepted row through the app's own services, with their rules and audit
    entries: for the short lists (a roster, camp members, projects) where that is fast enough."""

    def write(self, outcomes: list[Outcome], batch) -> Counts:
        counts = Counts()
        for outcome in outcomes:
            self.write_row(outcome)
            if outcome.action == CREATE:
                counts.created += 1
            else:
                counts.updated += 1
        return counts

    def write_row(self, outcome: Outcome) -> None:
        raise NotImplementedError


def choice_value(raw: str, choices) -> str | None:
    """A choice by its code or by its label in any language of the site; None if unknown."""
    return _choices_by_name(choices).get(raw)


@functools.cache
def _choices_by_name(choices) -> dict[str, str]:
    names = {value: value for value in choices.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update({str(label): value for value, label in choices.choices})
    return names


def choice_labels(choices) -> list[str]:
    return [str(label) for _value, label in choices.choices]


def closest(name: str, choices: Iterable[str]) -> str:
    """“Did you mean …” for an unknown name, or "" if nothing is close."""
    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return matches[0] if matches else ""


def unknown_name_message(kind: str, name: str, choices: Iterable[str]) -> str:
    suggestion = closest(name, choices)
    if suggestion:
        return _("Unknown %(kind)s “%(name)s”; did you mean “%(suggestion)s”?") % {
            "kind": kind,
            "name": name,
            "suggestion": suggestion,
        }
    return _("Unknown %(kind)s “%(name)s”.") % {"kind": kind, "name": name}


IMPORTERS: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    IMPORTERS[importer.kind] = importer
    return importer
