"""Each stage change keeps the time the project left that stage (its next move) and the stage
it moved to, which the ``projects_stage_stay`` view found with a window over every move: the
view and its model go. The fields are filled from the moves already recorded; their
constraints come in the next migration, in a transaction of its own (the data version's
deferred triggers, fired by the fill, must run before the table is altered again)."""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

# The view as it was, made again on a return to 0008 (the first operation, reversed last).
VIEW_SQL = """
CREATE VIEW projects_stage_stay AS
SELECT id, project_id, to_stage, changed_at,
       LEAD(changed_at) OVER (PARTITION BY project_id ORDER BY changed_at, id) AS left_at
FROM projects_stagechange
"""


def fill_left_at(apps, schema_editor):
    """Each move's ``left_at`` and ``next_stage`` are the time and stage of the project's
    next move, in the order of time then id, as the view had it; the last one's stay empty."""
    StageChange = apps.get_model("projects", "StageChange")
    later = Q(changed_at__gt=OuterRef("changed_at")) | Q(
        changed_at=OuterRef("changed_at"), pk__gt=OuterRef("pk")
    )
    next_move = StageChange.objects.filter(later, project=OuterRef("project")).order_by(
        "changed_at", "pk"
    )
    StageChange.objects.update(
        left_at=Subquery(next_move.values("changed_at")[:1]),
        next_stage=Coalesce(Subquery(next_move.values("to_stage")[:1]), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_stage_change_next_move_stage"),
    ]

    operations = [
        migrations.RunSQL("DROP VIEW IF EXISTS projects_stage_stay", VIEW_SQL),
        migrations.DeleteModel(name="StageStay"),
        migrations.AddField(
            model_name="stagechange",
            name="left_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="left at"
            ),
        ),
        migrations.AddField(
            model_name="stagechange",
            name="next_stage",
            field=models.CharField(
                blank=True,
                choices=[
                    ("lead", "Lead"),
                    ("negotiating", "Negotiating"),
                    ("signed", "Signed"),
                    ("landed", "Landed"),
                    ("under_construction", "Under construction"),
                    ("operating", "Operating"),
                    ("dropped", "Dropped"),
                ],
                editable=False,
                max_length=24,
                verbose_name="next stage",
            ),
        ),
        migrations.RunPython(fill_left_at, migrations.RunPython.noop, elidable=True),
    ]
