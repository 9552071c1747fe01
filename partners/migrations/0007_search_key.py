"""The search key of partners and contact persons, filled for the existing rows, and on
PostgreSQL the trigram indexes that serve the search box. (Code prefixes need no index of their
own: Django's ``partners_partner_uscc_…_like`` index, varchar_pattern_ops, serves them.)"""

from django.db import migrations, models

from core.searchable import rebuild_search_keys, trigram_index


def backfill(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    ContactPerson = apps.get_model("partners", "ContactPerson")
    rebuild_search_keys(Partner.objects.all(), ("name", "short_name"))
    rebuild_search_keys(ContactPerson.objects.all(), ("name",))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_partner_last_contacted_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="search_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search key"
            ),
        ),
        migrations.AddField(
            model_name="contactperson",
            name="search_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search key"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        trigram_index("partners_partner"),
        trigram_index("partners_contactperson"),
    ]
