"""On PostgreSQL, an index on the upper-cased project code that serves the search box's code
match (``code__iexact`` and ``code__istartswith`` are ``UPPER(code) = / LIKE UPPER(…)``), so
that a search does not read every project to compare codes."""

from django.db import migrations

from core.searchable import PostgreSQLOnlySQL

INDEX = "projects_project_code_upper_pattern"


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_pipeline_target"),
    ]

    operations = [
        PostgreSQLOnlySQL(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON projects_project (UPPER(code::text) text_pattern_ops)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
