"""The two-character pieces of the stored search keys between two full-width Ｐ instead of
behind a tab, so that the trigram index no longer takes a piece for a name that starts or ends
with it (see ``core.search_text``)."""

from django.db import migrations

from core.searchable import piece_mark_operation


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0012_list_order_indexes"),
    ]

    operations = [
        piece_mark_operation("partners", "Partner", "ContactPerson"),
    ]
