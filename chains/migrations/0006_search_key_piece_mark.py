"""The two-character pieces of the stored search keys between two full-width Ｐ instead of
behind a tab, so that the trigram index no longer takes a piece for a name that starts or ends
with it (see ``core.search_text``)."""

from django.db import migrations

from core.searchable import mark_pieces


def forwards(apps, schema_editor, undo=False):
    mark_pieces(apps.get_model("chains", "IndustryChain").objects.all(), undo=undo)


def backwards(apps, schema_editor):
    forwards(apps, schema_editor, undo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("chains", "0005_segment_strength_defaults"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
