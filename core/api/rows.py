"""A list page serialised from ``values()`` rows instead of model instances.

At ten times district scale most of a list request's time was Python, not SQL: a model
instance per row and per prefetched relation, then DRF's per-instance, per-field attribute
walk (``docs/BENCHMARKS.md``). For a list serializer that only shows model fields and nested
references, ``RowPlan`` reads the same data without instances, in one of three ways:

- on PostgreSQL, when its JSON of every value is what the serializer's field writes (texts,
  whole numbers, yes/no, choices, ISO dates: ``_json_safe``), each row's answer whole, written
  by the database as JSON text in the serializer's order of keys and read back by orjson;
- on PostgreSQL otherwise (a time, a decimal), one ``values()`` query for the page with its
  foreign-key references joined, each value formatted by the serializer's own field, and each
  JSON-safe many-to-many reference as a column of the page: an array of the same JSON objects
  as the first way's, already the serializer's answer;
- elsewhere (SQLite), as the second, with one ``values()`` query per many-to-many reference on
  its through table.

The serializer stays the one definition of the answer and of the OpenAPI schema;
``tests/test_api_rows.py`` pins that every way gives its answer.

What a plan accepts, and refuses with ``ImproperlyConfigured`` when it is built: readable model
fields and primary-key references; nested ``ModelSerializer``s of a foreign key (a ``null`` one
gives ``None``), which may nest further ones; ``many=True`` nested ``ModelSerializer``s of a
many-to-many field, read whole in the related model's default order. Not: method fields, dotted
sources, serializers that override ``to_representation`` (context-dependent answers such as a
masked phone), or a many-to-many inside another reference.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import orjson
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections, models
from django.db.models import Case, F, Func, OuterRef, Value, When
from django.db.models.functions import Cast
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from core.sql import JSONBuild

# The column of a page read whole as JSON text (``RowPlan.values``).
ROW = "_row"


@dataclass
class _Column:
    name: str
    path: str
    field: serializers.Field | None  # None: the value as read (a primary key)
    # PostgreSQL's JSON of the value is what the field writes (see ``_json_safe``).
    json_safe: bool = True

    def value(self, row: dict, prefix: str):
        raw = row[prefix + self.path]
        if raw is None or self.field is None:
            return raw
        return self.field.to_representation(raw)


@dataclass
class _Many:
    name: str
    relation: models.ManyToManyField
    plan: "_Nested"

    @property
    def column(self) -> str:
        """The page's column holding this reference when it is read inline."""
        return f"_many_{self.name}"

    @property
    def prefix(self) -> str:
        """The through table's path to the referenced record."""
        return self.relation.m2m_reverse_field_name() + "__"

    def rows_by_owner(self, owner_ids: list) -> dict:
        source_name = self.relation.m2m_field_name()
        paths = [self.prefix + path for path in self.plan.paths()]
        rows = through_rows(self.relation, owner_ids).values(source_name, *paths)
        grouped = defaultdict(list)
        for row in rows:
            grouped[row[source_name]].append(self.plan.build(row, self.prefix))
        return grouped

    def json_items(self) -> ArraySubquery | None:
        """The reference as the serializer writes it, built by PostgreSQL: an array of JSON
        objects in the prefetch's order. None when a value's JSON is not what the serializer
        writes (a time, a decimal)."""
        if not self.plan.json_safe():
            return None
        links = outer_through_rows(self.relation)
        return ArraySubquery(links.values(item=self.plan.json(self.prefix)))


@dataclass
class _Reference:
    """A nested serializer of a foreign key, read through the join ``path``."""

    name: str
    path: str
    plan: "_Nested"

    def value(self, row: dict, prefix: str):
        return self.plan.build(row, f"{prefix}{self.path}__")


@dataclass
class _ManySlot:
    """Where a many-to-many reference goes in the answer; filled by ``RowPlan.represent``."""

    name: str

    def value(self, row: dict, prefix: str):
        return []


@dataclass
class _Nested:
    """The fields of one serializer, possibly nested under a foreign key (``key`` is the path of
    the referenced row's primary key, which is ``None`` when the reference is empty)."""

    columns: list = field(default_factory=list)  # of _Column, _Reference and _ManySlot
    key: str | None = None

    def paths(self) -> list[str]:
        found = [self.key] if self.key else []
        for column in self.columns:
            if isinstance(column, _Column):
                found.append(column.path)
            elif isinstance(column, _Reference):
                found.extend(f"{column.path}__{inner}" for inner in column.plan.paths())
        return list(dict.fromkeys(found))

    def build(self, row: dict, prefix: str = "") -> dict | None:
        if self.key and row[prefix + self.key] is None:
            return None
        return {column.name: column.value(row, prefix) for column in self.columns}

    def json_safe(self) -> bool:
        """Whether PostgreSQL's JSON of every value is what the serializer's field writes."""
        for column in self.columns:
            if isinstance(column, _Reference) and not column.plan.json_safe():
                return False
            if isinstance(column, _Column) and not column.json_safe:
                return False
        return True

    def json(self, prefix: str = "", many: dict | None = None) -> Func:
        """The serializer's answer as a JSON expression of the row (``many``: the expression of
        each many-to-many slot); ``null`` for an empty reference."""
        values = {}
        for column in self.columns:
            if isinstance(column, _Column):
                values[column.name] = F(prefix + column.path)
            elif isinstance(column, _Reference):
                values[column.name] = column.plan.json(f"{prefix}{column.path}__")
            else:
                values[column.name] = many[column.name]
        built = JSONBuild(**values)
        if not self.key:
            return built
        empty = When(**{f"{prefix}{self.key}__isnull": True}, then=Value(None))
        return Case(empty, default=built, output_field=built.output_field)


TEXT_COLUMNS = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}
WHOLE_NUMBER_COLUMNS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "IntegerField",
    "SmallIntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
}


def _json_safe(model, field: serializers.Field) -> bool:
    """Whether PostgreSQL's JSON of the column ``field`` reads is what ``field`` writes: a text
    as text, a whole number as a number, yes/no, a choice's key as stored, a date in ISO 8601.
    Not a ``CharField`` over a number or a time (JSON would keep the number, or write the time
    with a ``T``), nor a decimal (a float in JSON, a string from DRF)."""
    try:
        column = model._meta.get_field(field.source).get_internal_type()
    except FieldDoesNotExist:
        return False
    if isinstance(field, serializers.MultipleChoiceField):
        return False
    if isinstance(field, serializers.ChoiceField):
        return column in TEXT_COLUMNS | WHOLE_NUMBER_COLUMNS
    if isinstance(field, serializers.CharField):
        return column in TEXT_COLUMNS
    if isinstance(field, serializers.IntegerField):
        return column in WHOLE_NUMBER_COLUMNS
    if isinstance(field, serializers.BooleanField):
        return column == "BooleanField"
    if isinstance(field, serializers.DateField):
        output = getattr(field, "format", api_settings.DATE_FORMAT)
        return column == "DateField" and isinstance(output, str) and output.lower() == ISO_8601
    return False


# Fields whose value is not a column of the row: other relations, plain serializers.
UNREADABLE = (serializers.RelatedField, serializers.ManyRelatedField, serializers.Serializer)


def _refuse(serializer, name: str, why: str):
    return ImproperlyConfigured(f"{type(serializer).__name__}.{name}: {why}; serialise instances.")


def _model_serializer(serializer: serializers.ModelSerializer) -> None:
    overridden = (
        type(serializer).to_representation is not serializers.ModelSerializer.to_representation
    )
    if overridden:
        raise _refuse(serializer, "to_representation", "overridden")


def _readable(serializer) -> list[tuple[str, serializers.Field]]:
    return [(name, f) for name, f in serializer.fields.items() if not f.write_only]


def _nested(serializer: serializers.ModelSerializer, key: str | None, *, many_ok: bool):
    """The plan of ``serializer``'s fields and its many-to-many references (when allowed)."""
    _model_serializer(serializer)
    model = serializer.Meta.model
    nested, many = _Nested(key=key), []
    for name, child in _readable(serializer):
        if isinstance(child, serializers.SerializerMethodField):
            raise _refuse(serializer, name, "SerializerMethodField")
        if "." in child.source or child.source == "*":
            raise _refuse(serializer, name, f"source {child.source!r}")
        if isinstance(child, serializers.ListSerializer):
            if not many_ok:
                raise _refuse(serializer, name, "a list inside a reference")
            many.append(_many(serializer, name, child))
            nested.columns.append(_ManySlot(name))
        elif isinstance(child, serializers.ModelSerializer):
            related = model._meta.get_field(child.source).related_model
            inner, _ = _nested(child, related._meta.pk.name, many_ok=False)
            nested.columns.append(_Reference(name, child.source, inner))
        elif isinstance(child, serializers.PrimaryKeyRelatedField):
            nested.columns.append(_Column(name, child.source, None))
        elif isinstance(child, UNREADABLE):
            raise _refuse(serializer, name, type(child).__name__)
        else:
            nested.columns.append(_Column(name, child.source, child, _json_safe(model, child)))
    return nested, many


def _many(serializer, name: str, child: serializers.ListSerializer) -> _Many:
    relation = serializer.Meta.model._meta.get_field(child.source)
    if not isinstance(relation, models.ManyToManyField):
        raise _refuse(serializer, name, "not a many-to-many field")
    if not isinstance(child.child, serializers.ModelSerializer):
        raise _refuse(serializer, name, "a list of plain serializers")
    inner, _ = _nested(child.child, None, many_ok=False)
    try:
        through_ordering(relation)
    except ValueError as error:
        raise _refuse(serializer, name, str(error)) from None
    return _Many(name, relation, inner)


def through_rows(relation: models.ManyToManyField, owner_ids: list) -> models.QuerySet:
    """The rows of a many-to-many relation's through table for ``owner_ids``, in the order a
    prefetch lists each owner's related records."""
    return _links(relation, "__in", owner_ids)


def outer_through_rows(relation: models.ManyToManyField) -> models.QuerySet:
    """The through table's rows of the outer query's record, in the order ``through_rows``
    gives: the rows of a subquery."""
    return _links(relation, "", OuterRef("pk"))


def _links(relation: models.ManyToManyField, lookup: str, owners) -> models.QuerySet:
    """The through table's rows whose owner matches ``lookup`` (``"__in"`` a list, ``""`` one
    owner or an outer reference), in the related model's order."""
    manager = relation.remote_field.through._default_manager
    selected = manager.filter(**{f"{relation.m2m_field_name()}{lookup}": owners})
    return selected.order_by(*through_ordering(relation))


def through_ordering(relation: models.ManyToManyField) -> tuple[str, ...]:
    """The ordering of a many-to-many relation's through table that lists each owner's related
    records as a prefetch does: in the related model's default order (then the link's key)."""
    target_name = relation.m2m_reverse_field_name()
    ordering = []
    for term in relation.related_model._meta.ordering:
        if not isinstance(term, str):
            raise ValueError("an expression in the related model's ordering")
        descending = term.startswith("-")
        ordering.append(("-" if descending else "") + f"{target_name}__{term.lstrip('-')}")
    return (*ordering, "pk")


class RowPlan:
    """How to read and write one list serializer's rows; built once per serializer class."""

    def __init__(self, serializer_class: type[serializers.ModelSerializer]):
        serializer = serializer_class()
        self.pk = serializer.Meta.model._meta.pk.name
        self.fields, self.many = _nested(serializer, None, many_ok=True)
        self.paths = list(dict.fromkeys([self.pk, *self.fields.paths()]))
        # Built once: a query resolves a copy of each expression, never the expression itself.
        found = {many.column: many.json_items() for many in self.many}
        self.inline = {column: array for column, array in found.items() if array is not None}
        self.row_json = self._row_json()

    def _row_json(self) -> Cast | None:
        """Each row's answer written by PostgreSQL as JSON text, when every value's JSON is what
        its field writes; None otherwise."""
        if not self.fields.json_safe() or len(self.inline) < len(self.many):
            return None
        many = {many.name: self.inline[many.column] for many in self.many}
        return Cast(self.fields.json(many=many), models.TextField())

    def values(self, queryset: models.QuerySet) -> models.QuerySet:
        """``queryset`` (filtered, ordered, scoped) reading only what the answer shows. On
        PostgreSQL each row's answer whole as JSON text when the database writes every value
        as the serializer does, else its many-to-many references as columns of the page (each
        a query of its own cost more in the ORM than the SQL)."""
        queryset = queryset.prefetch_related(None)
        if connections[queryset.db].vendor != "postgresql":
            return queryset.values(*self.paths)
        if self.row_json is not None:
            return queryset.values(**{ROW: self.row_json})
        return queryset.values(*self.paths, **self.inline)

    def represent(self, rows: list[dict]) -> list[dict]:
        """The serializer's answer for ``rows`` of ``values(queryset)``: one query per
        many-to-many reference not read with the page."""
        if rows and ROW in rows[0]:
            return [orjson.loads(row[ROW]) for row in rows]
        ids = [row[self.pk] for row in rows]
        inlined = [many for many in self.many if rows and many.column in rows[0]]
        queried = [many for many in self.many if many not in inlined]
        references = {many.name: many.rows_by_owner(ids) for many in queried} if ids else {}
        answer = []
        for row in rows:
            represented = self.fields.build(row)
            for name, grouped in references.items():
                represented[name] = grouped.get(row[self.pk], [])
            for many in inlined:  # already the serializer's answer
                represented[many.name] = row[many.column]
            answer.append(represented)
        return answer


@cache
def row_plan(serializer_class: type[serializers.ModelSerializer]) -> RowPlan:
    return RowPlan(serializer_class)
