"""Records the search box finds: the stored search key (see ``core.search_text``), how a query
is matched and ranked against it, and the PostgreSQL-only trigram index that keeps that fast.

Every model that mixes in ``SearchableModel`` recomputes its key in ``save()``, the one place
that the services, the generic viewsets, the admin, the demo loader and the factories all go
through. ``bulk_create``, ``bulk_update`` and ``QuerySet.update()`` bypass ``save()``: code
that writes names that way calls ``fill_search_keys(instances)`` before ``bulk_create`` /
``bulk_update`` (and lists ``"search_key"`` among the updated fields), or
``rebuild_search_keys(queryset, sources)`` after an ``update()``. A contact's key is also
held on its partner's row (``Partner.contacts_search_key``): code that writes contacts in
bulk (``bulk_create``, ``rebuild_search_keys`` on contacts, an ``update()`` of their names or
partners) then calls ``partners.services.partner_contacts_key_refresh`` for the partners
concerned, and a migration that rewrites keys (``mark_pieces``) rewrites those too, as
partners 0015 fills them.
"""

import re
from functools import partial, reduce
from operator import or_

from django.db import connections, migrations, models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from core.search_text import has_text, search_key_for, substring_patterns


class Match(models.IntegerChoices):
    """How well a row matches a query, best first."""

    EXACT = 0, "exact"  # a whole name, its full pinyin or its initials (or a whole code)
    PREFIX = 1, "prefix"  # the start of one of those (or of a code)
    CONTAINS = 2, "contains"  # anywhere inside one of those


class SearchableModel(models.Model):
    """Mixed in before the other bases; ``search_key_sources`` names the fields whose text the
    key is built from, in order."""

    search_key_sources: tuple[str, ...] = ("name",)

    search_key = models.TextField(_("search key"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.search_key_sources):
            self.search_key = self.compute_search_key()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def compute_search_key(self) -> str:
        return search_key_for(*(getattr(self, name) for name in self.search_key_sources))


def fill_search_keys(instances) -> None:
    """Set the key of instances about to be written with ``bulk_create`` / ``bulk_update``."""
    for instance in instances:
        instance.search_key = instance.compute_search_key()


def rebuild_search_keys(queryset, sources: tuple[str, ...], *, batch_size: int = 1000) -> int:
    """Recompute the stored keys of the rows of ``queryset`` from the ``sources`` fields and
    write those that changed; returns how many. Works on a migration's historical models too."""
    return _rewrite_keys(
        queryset,
        lambda row: search_key_for(*(getattr(row, name) for name in sources)),
        sources,
        batch_size,
    )


# The two layouts of a key's pieces, for the migrations search_key_piece_mark (partners 0013,
# projects 0007, chains 0006), which run this code: never change what they do. A tab in front,
# then a full-width Ｐ on either side (``core.search_text``). One pattern for Python's ``re``
# and PostgreSQL's regular expressions.
TABBED_PIECE = r"(?<= )\t(\S\S)(?= )"
MARKED_PIECE = r"(?<= )\uff30(\S\S)\uff30(?= )"


def mark_pieces(queryset, *, undo: bool = False) -> int:
    """Move the stored keys of ``queryset`` from the tabbed layout of pieces to the marked one
    (or back, with ``undo``); returns how many rows changed. On PostgreSQL one ``UPDATE``,
    elsewhere row by row in Python, without computing any pinyin again."""
    pattern, replacement = (MARKED_PIECE, "\t\\1") if undo else (TABBED_PIECE, "\uff30\\1\uff30")
    if connections[queryset.db].vendor == "postgresql":
        rewritten = Func(
            F("search_key"),
            Value(pattern),
            Value(replacement),
            Value("g"),
            function="REGEXP_REPLACE",
            output_field=models.TextField(),
        )
        return queryset.filter(search_key__regex=pattern).update(search_key=rewritten)
    compiled = re.compile(pattern)
    return _rewrite_keys(queryset, lambda row: compiled.sub(replacement, row.search_key), ())


def piece_mark_operation(app_label: str, *model_names: str) -> migrations.RunPython:
    """The migration step that moves the stored keys of the models to the marked layout (and
    back when the migration is reversed). Module functions bound with ``partial``, so that a
    squashed migration can name them."""
    bound = {"app_label": app_label, "model_names": model_names}
    return migrations.RunPython(
        partial(_mark_models, **bound), partial(_mark_models, undo=True, **bound), elidable=True
    )


def _mark_models(apps, schema_editor, *, app_label, model_names, undo=False) -> None:
    for name in model_names:
        mark_pieces(apps.get_model(app_label, name).objects.all(), undo=undo)


def _rewrite_keys(queryset, key_of, sources, batch_size: int = 1000) -> int:
    changed = []
    rows = queryset.only("pk", "search_key", *sources).order_by("pk").iterator(chunk_size=2000)
    for row in rows:
        key = key_of(row)
        if key != row.search_key:
            row.search_key = key
            changed.append(row)
    queryset.bulk_update(changed, ["search_key"], batch_size=batch_size)
    return len(changed)


def key_contains(text: str, key: str = "search_key") -> Q:
    """Rows whose key contains the text. ``contains`` is a case-sensitive ``LIKE`` on
    PostgreSQL (the trigram index serves it) and SQLite's ``LIKE``; keys and normalised
    queries are both lower case, so the two give the same rows. ``key``: the field, or a
    field holding several records' keys one after the other (each starts and ends with a
    space, which no query holds, so none matches across two)."""
    return Q(**{f"{key}__contains": text})


def key_matches(query: str, key: str = "search_key") -> Q:
    """Rows with the normalised query anywhere in one of their names' forms: through the
    patterns the trigram index serves (``core.search_text.substring_patterns``), or, for one or
    two Latin letters or digits, which no index serves, as a plain substring."""
    patterns = substring_patterns(query)
    if not patterns:
        return key_contains(query, key)
    return reduce(or_, (key_contains(pattern, key) for pattern in patterns))


def match_tiers(
    query: str, *, exact: Q | None = None, prefix: Q | None = None, scanned: bool = False
):
    """The ``Match`` tiers of the normalised query, best first, as ``(match, condition)``
    pairs that no row meets twice: a whole form, the start of a form, anywhere. ``exact``
    and ``prefix`` add a model's own conditions (a partner's code). In a large table the
    narrow ones (whole, start) are read apart from "anywhere", so that the index finds them
    without reading the thousands of rows that contain a common syllable; there, a query no
    index finds anywhere (``substring_patterns``) has no "anywhere" tier. ``scanned``: the
    rows are read whole anyway (reference data), so that tier is always there. A query of
    punctuation or symbols alone has no tier and matches nothing: no name is found by them,
    and every key was read for it (a search for ``（`` took 0.3–1.6 s at 200,000 partners)."""
    if not has_text(query):
        return []
    whole = key_contains(f" {query} ") | (exact or Q())
    start = key_contains(f" {query}") | (prefix or Q())
    tiers = [(Match.EXACT, whole), (Match.PREFIX, start & ~whole)]
    if scanned or substring_patterns(query):
        tiers.append((Match.CONTAINS, key_matches(query) & ~start))
    return tiers


class PostgreSQLOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere: the embedded SQLite database
    of ``make run`` has no trigram indexes and searches by scanning, with the same results."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(table: str, column: str = "search_key") -> PostgreSQLOnlySQL:
    """A GIN trigram index on ``table.column`` (and the pg_trgm extension it needs; a trusted
    extension since PostgreSQL 13, so the database owner may create it)."""
    name = f"{table}_{column}_trgm"
    return PostgreSQLOnlySQL(
        sql=[
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
        ],
        reverse_sql=[f"DROP INDEX IF EXISTS {name}"],
    )
