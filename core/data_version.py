"""A number that changes whenever the business data changes: the key that keeps cached reports
correct.

On PostgreSQL every table of the business apps carries a deferred constraint trigger that takes
the next value of the sequence ``core_data_version`` when a transaction that wrote to it
commits, whatever wrote (a service, an import's ``bulk_create``, a queryset ``update``, the
admin, SQL by hand). A rolled-back transaction bumps nothing that matters: at worst a cached
report is computed again. The trigger fires at commit rather than at the statement, so that a
long transaction (an import) cannot bump the number, let a report be computed and cached
without its rows, then commit unnoticed. The triggers are (re)installed after every
``migrate``, so a new table is covered without a migration of its own.

What no report reads leaves the version as it is, so that the cache outlives the day's
routine writes: a person's reminders and notifications (written by the daily task, marked read
all day long) carry no trigger, and a user's trigger ignores an update of the last sign-in
alone (``UNTRACKED_COLUMNS``; PostgreSQL's ``UPDATE OF`` lists the other columns).

Other databases (the embedded SQLite of ``make run``) have no version: nothing is cached there.
"""

from django.apps import apps
from django.db import connections

SEQUENCE = "core_data_version"
FUNCTION = "core_bump_data_version"
TRIGGER = "core_data_version"
# The apps whose tables reports read; a write to any of them changes the version.
APPS = ("accounts", "partners", "chains", "projects")
# Models no report reads, and columns whose update alone no report sees.
UNTRACKED_MODELS = ("partners.Reminder", "partners.Notification")
UNTRACKED_COLUMNS = {"accounts.User": ("last_login",)}
VERSION_SQL = f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {SEQUENCE}"  # noqa: S608


def data_version(using: str = "default") -> int | None:
    """The current version, or None where the database keeps none."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # 0 until the first bump: a new sequence's last_value is already 1, not yet called.
        cursor.execute(VERSION_SQL)
        return cursor.fetchone()[0]


def tracked_tables() -> list[str]:
    """The tables of ``APPS``, many-to-many tables included, but ``UNTRACKED_MODELS``'."""
    untracked = {apps.get_model(label)._meta.db_table for label in UNTRACKED_MODELS}
    return sorted(
        model._meta.db_table
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in untracked
    )


def _update_columns() -> dict[str, list[str]]:
    """For each table with ``UNTRACKED_COLUMNS``, the columns whose update bumps the version
    (the other tables: any update)."""
    listed = {}
    for label, ignored in UNTRACKED_COLUMNS.items():
        model = apps.get_model(label)
        columns = [field.column for field in model._meta.concrete_fields]
        listed[model._meta.db_table] = [column for column in columns if column not in ignored]
    return listed


def triggered_tables(cursor, *, enabled_only: bool = False) -> set[str]:
    """The tables that carry the trigger (only those where it is enabled, if asked)."""
    cursor.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = %s AND (NOT %s OR t.tgenabled <> 'D')",
        [TRIGGER, enabled_only],
    )
    return {row[0] for row in cursor.fetchall()}


def _create_trigger(cursor, table: str, columns: list[str] | None) -> None:
    update = "UPDATE" if columns is None else "UPDATE OF " + ", ".join(f'"{c}"' for c in columns)
    cursor.execute(
        f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR {update} OR DELETE "
        f'ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
        f"EXECUTE FUNCTION {FUNCTION}()"
    )


def install_triggers(using: str = "default", **kwargs) -> None:
    """The sequence, the function and one trigger per tracked table, none on the others
    (idempotent; run by the ``post_migrate`` signal). A trigger that lists its columns is
    made anew each time, so that a column added by a migration is listed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
        )
        triggered = triggered_tables(cursor)
        tracked = set(tracked_tables()) & existing
        listed = _update_columns()
        kept = (triggered & tracked) - listed.keys()
        for table in sorted(triggered - kept):
            cursor.execute(f'DROP TRIGGER {TRIGGER} ON "{table}"')
        for table in sorted(tracked - kept):
            _create_trigger(cursor, table, listed.get(table))
