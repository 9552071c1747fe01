"""The search key of industry chains, filled for the existing rows, and on PostgreSQL its
trigram index."""

from django.db import migrations, models

from core.searchable import rebuild_search_keys, trigram_index


def backfill(apps, schema_editor):
    rebuild_search_keys(apps.get_model("chains", "IndustryChain").objects.all(), ("name",))


class Migration(migrations.Migration):
    dependencies = [
        ("chains", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="industrychain",
            name="search_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search key"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        trigram_index("chains_industrychain"),
    ]
