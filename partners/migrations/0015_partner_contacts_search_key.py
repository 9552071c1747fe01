from django.db import migrations, models

# On PostgreSQL in one statement: at ten times district scale, 350,000 contacts.
FILL_POSTGRESQL = """
UPDATE partners_partner AS partner SET contacts_search_key = keys.joined
FROM (
    SELECT partner_id, string_agg(search_key, '' ORDER BY id) AS joined
    FROM partners_contactperson GROUP BY partner_id
) AS keys
WHERE partner.id = keys.partner_id
"""


def fill_contacts_search_keys(apps, schema_editor):
    """Each partner's contacts' keys one after the other, in contact order, as
    ``partners.services.partner_contacts_key_refresh`` keeps them."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRESQL)
        return
    Partner = apps.get_model("partners", "Partner")
    ContactPerson = apps.get_model("partners", "ContactPerson")
    keys = {}
    contacts = ContactPerson.objects.order_by("partner_id", "pk")
    for partner_id, key in contacts.values_list("partner_id", "search_key").iterator():
        keys[partner_id] = keys.get(partner_id, "") + key
    partners = [Partner(pk=pk, contacts_search_key=key) for pk, key in keys.items()]
    Partner.objects.bulk_update(partners, ["contacts_search_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0014_partner_in_plan_visit_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="contacts_search_key",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                verbose_name="contact persons' search key",
            ),
        ),
        migrations.RunPython(fill_contacts_search_keys, migrations.RunPython.noop),
    ]
