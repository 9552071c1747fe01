"""The search key of projects, filled for the existing rows, and on PostgreSQL its trigram
index."""

from django.db import migrations, models

from core.searchable import rebuild_search_keys, trigram_index


def backfill(apps, schema_editor):
    rebuild_search_keys(apps.get_model("projects", "Project").objects.all(), ("name",))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="search_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search key"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        trigram_index("projects_project"),
    ]
