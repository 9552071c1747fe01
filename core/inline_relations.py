"""A record's related records read in the record's own query, not in a prefetch query each.

At ten times district scale a partner's detail spent more time building and compiling its six
prefetch queries in the ORM than PostgreSQL spent running them (``docs/BENCHMARKS.md``, ninth
round). ``with_inline_relations`` reads each relation instead as a column of the record's row: an
array of JSON objects, one per related record with all its columns (and those of the foreign
keys named in ``related``), in the order a prefetch gives. The records are then made into model
instances and put where a prefetch puts them: in the relation manager's cache, so that
``partner.contacts.all()`` reads no more, or on ``to_attr``. Serializers, templates and forms
read them as they read prefetched ones.

On PostgreSQL only (``jsonb_build_object`` and ``ARRAY(subquery)``); elsewhere the same relations
are prefetched (``prefetches``), with the same result.
"""

from dataclasses import dataclass
from functools import lru_cache

import orjson
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, models
from django.db.models import F, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Cast
from django.db.models.query import ModelIterable

from core.api.rows import outer_through_rows
from core.sql import JSONBuild

# The annotation holding a relation's records until they are made into instances.
PREFIX = "_inline_"
# jsonb_build_object takes at most 100 arguments: a key and a value per column.
MAX_COLUMNS = 50


class JSONBBuild(JSONBuild):
    """``jsonb_build_object``: the order of keys does not matter here, and ``jsonb`` can be
    compared, so that a ``DISTINCT`` query may hold an array of them (not one of ``json``).
    Django has psycopg hand ``jsonb`` over as text, parsed in ``_attach``."""

    function = "JSONB_BUILD_OBJECT"


@dataclass(frozen=True)
class InlineRelation:
    """A many-to-many field or a reverse foreign key of the queryset's model (``name``), with
    the foreign keys of each related record to read along (``related``, as ``select_related``).
    A reverse foreign key may be narrowed and ordered by ``queryset`` and stored on ``to_attr``
    as a list, as a ``Prefetch`` would be."""

    name: str
    related: tuple[str, ...] = ()
    queryset: QuerySet | None = None
    to_attr: str | None = None

    def field(self, model):
        return model._meta.get_field(self.name)

    def records(self, model) -> QuerySet:
        """The related records read, before they are narrowed to one owner: a copy, since the
        definition is shared by every request."""
        if self.queryset is None:
            return self.field(model).related_model._default_manager.all()
        return self.queryset.all()

    def prefetch(self, model) -> Prefetch:
        """The prefetch that reads the same records (on databases other than PostgreSQL)."""
        queryset = self.records(model)
        if self.related:
            queryset = queryset.select_related(*self.related)
        return Prefetch(self.name, queryset=queryset, to_attr=self.to_attr)


def with_inline_relations(queryset: QuerySet, relations: tuple[InlineRelation, ...]) -> QuerySet:
    """``queryset`` whose records come with ``relations``, read inline on PostgreSQL and
    prefetched elsewhere. ``relations`` is a module's constant: its expressions are built once
    and kept for it."""
    model = queryset.model
    annotations, iterable = _plan(model, relations)  # refuses bad relations on every database
    if connections[queryset.db].vendor != "postgresql":
        return queryset.prefetch_related(*prefetches(model, relations))
    queryset = queryset.annotate(**annotations)
    queryset._iterable_class = iterable  # as Django's own values() and its kin set it
    return queryset


def prefetches(model, relations: tuple[InlineRelation, ...]) -> list[Prefetch]:
    return [relation.prefetch(model) for relation in relations]


@lru_cache(maxsize=64)
def _plan(model, relations: tuple[InlineRelation, ...]):
    """The annotations and the iterable of one set of relations. Built once: a query resolves a
    copy of each expression, never the expression itself."""
    for relation in relations:
        _check(model, relation)
    annotations = {PREFIX + relation.name: _records(model, relation) for relation in relations}
    namespace = {"relations": relations}
    return annotations, type("InlineRelationsIterable", (_InlineRelationsIterable,), namespace)


def _check(model, relation: InlineRelation) -> None:
    """Refuse what the two ways (inline, prefetched) would not read alike."""
    field = relation.field(model)
    many_to_many = field.many_to_many and not field.auto_created
    if not (many_to_many or field.one_to_many):
        raise ValueError(f"{relation.name}: neither a many-to-many field nor a reverse key")
    if many_to_many and (relation.queryset is not None or relation.to_attr):
        raise ValueError(f"{relation.name}: a many-to-many field is read whole")
    if field.one_to_many and field.get_accessor_name() != relation.name:
        raise ValueError(f"{relation.name}: name the reverse key by its accessor")
    if relation.queryset is not None and not _only_filters_and_orders(relation.queryset):
        raise ValueError(f"{relation.name}: a relation's queryset may only filter and order")
    related = field.related_model
    _check_columns(relation.name, related, len(relation.related))
    for name in relation.related:
        _check_columns(relation.name, related._meta.get_field(name).related_model, 0)


def _only_filters_and_orders(queryset: QuerySet) -> bool:
    query = queryset.query
    return not (
        query.select_related
        or query.annotations
        or query.deferred_loading != (frozenset(), True)
        or queryset._prefetch_related_lookups
        or query.distinct
        or query.is_sliced
    )


def _check_columns(name: str, model, nested: int) -> None:
    """Every column must come back from JSON as the ORM reads it (``_python``), and fit in
    one object with the ``nested`` records read along."""
    fields = model._meta.concrete_fields
    if len(fields) + nested > MAX_COLUMNS:
        raise ValueError(f"{name}: {model.__name__} has more than {MAX_COLUMNS} columns")
    for field in fields:
        plain_json = isinstance(field, models.JSONField) and field.decoder is None
        converted = hasattr(field, "from_db_value") and not plain_json
        if converted or isinstance(field, models.BinaryField):
            raise ValueError(f"{name}: {model.__name__}.{field.name} cannot be read from JSON")


def _records(model, relation: InlineRelation) -> ArraySubquery:
    field = relation.field(model)
    target = field.related_model
    if field.many_to_many:
        prefix = field.m2m_reverse_field_name() + "__"
        rows = outer_through_rows(field)
        return ArraySubquery(rows.values(item=_json(target, prefix, relation.related)))
    owner = field.field
    rows = relation.records(model).filter(**{owner.name: OuterRef("pk")})
    ordering = rows.query.order_by or (target._meta.ordering if rows.query.default_ordering else ())
    rows = rows.order_by(*_within_one_owner(ordering, owner), "pk")
    return ArraySubquery(rows.values(item=_json(target, "", relation.related)))


def _within_one_owner(ordering, owner) -> list[str]:
    """The ordering without its terms on the owner, the same for all of one owner's records
    (each would join the owner's table for nothing)."""
    kept = []
    for term in ordering:
        if not isinstance(term, str):
            raise ValueError(f"{owner.name}: an expression in the ordering")
        if term.lstrip("-").split("__")[0] not in {owner.name, owner.attname}:
            kept.append(term)
    return kept


def _json(model, prefix: str, related: tuple[str, ...]) -> JSONBBuild:
    """A JSON object of every column of ``model``'s record at ``prefix``, and of the records of
    the foreign keys ``related`` (under their names)."""
    values = {field.attname: _column(field, prefix) for field in model._meta.concrete_fields}
    for name in related:
        target = model._meta.get_field(name).related_model
        values[name] = _json(target, f"{prefix}{name}__", ())
    return JSONBBuild(**values)


def _column(field, prefix: str):
    """A column as JSON keeps it exactly: a decimal as text (a JSON number would be read back
    as a float)."""
    column = F(prefix + field.attname)
    if isinstance(field, models.DecimalField):
        return Cast(column, models.TextField())
    return column


def _instance(model, values: dict, related: tuple[str, ...], db: str):
    """A model instance of a JSON object of ``_json``, as if read by the ORM from ``db``."""
    fields = model._meta.concrete_fields
    row = [_python(field, values[field.attname]) for field in fields]
    instance = model.from_db(db, [field.attname for field in fields], row)
    for name in related:
        key = model._meta.get_field(name)
        # An empty key's record is an object of nulls (the join found no row): no record.
        empty = values[key.attname] is None
        record = None if empty else _instance(key.related_model, values[name], (), db)
        setattr(instance, name, record)
    return instance


def _python(field, value):
    if value is None or isinstance(field, models.JSONField):
        return value  # a JSON column's value arrives already parsed
    return field.to_python(value)


class _InlineRelationsIterable(ModelIterable):
    """Each record with its relations made into instances, where a prefetch would put them."""

    relations: tuple[InlineRelation, ...] = ()

    def __iter__(self):
        db = self.queryset.db
        for record in super().__iter__():
            for relation in self.relations:
                _attach(record, relation, record.__dict__.pop(PREFIX + relation.name), db)
            yield record


def _attach(record, relation: InlineRelation, items: list[dict], db: str) -> None:
    field = relation.field(type(record))
    target = field.related_model
    instances = [_instance(target, orjson.loads(item), relation.related, db) for item in items]
    if field.one_to_many:
        for instance in instances:  # each knows its owner, as after a prefetch
            setattr(instance, field.field.name, record)
    if relation.to_attr:
        setattr(record, relation.to_attr, instances)
        return
    # As Django's prefetch does (``prefetch_one_level`` in django/db/models/query.py): the
    # manager's own queryset, holding its results, under the name the manager reads and
    # clears (``add``, ``remove`` and the like empty it).
    cached = getattr(record, relation.name).get_queryset()
    cached._result_cache = instances
    cached._prefetch_done = True
    cache_name = field.name if field.many_to_many else field.cache_name
    if not hasattr(record, "_prefetched_objects_cache"):
        record._prefetched_objects_cache = {}
    record._prefetched_objects_cache[cache_name] = cached
