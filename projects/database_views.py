"""The database views the projects app reads through unmanaged models (``StageStay``).

A view is dropped before every ``migrate`` and created again after it, rather than by a
migration: SQLite (the embedded default of ``make run``) changes a table by building a new one
and renaming it, which fails while a view refers to the old one, so a migration of the stage
changes would otherwise have to drop and recreate the view itself. The SQL is standard
(PostgreSQL and SQLite alike)."""

from django.db import connections

STAGE_STAY_VIEW = "projects_stage_stay"
# Each stage change with the project's next move (NULL while the project is still there).
STAGE_STAY_SQL = f"""
CREATE VIEW {STAGE_STAY_VIEW} AS
SELECT id, project_id, to_stage, changed_at,
       LEAD(changed_at) OVER (PARTITION BY project_id ORDER BY changed_at, id) AS left_at
FROM projects_stagechange
"""  # noqa: S608 - fixed names


def drop_views(using: str = "default", **kwargs) -> None:
    """Before ``migrate`` (the ``pre_migrate`` signal): the views, so that any table changes."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {STAGE_STAY_VIEW}")


def create_views(using: str = "default", **kwargs) -> None:
    """After ``migrate`` (and a test database's flush, ``post_migrate``): the views again,
    once the tables they read exist."""
    connection = connections[using]
    if "projects_stagechange" not in connection.introspection.table_names():
        return
    drop_views(using)
    with connection.cursor() as cursor:
        cursor.execute(STAGE_STAY_SQL)
