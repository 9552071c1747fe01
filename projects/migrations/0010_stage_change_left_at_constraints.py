"""The constraints of the stage changes' ``left_at`` and ``next_stage`` once filled, and the index the
``projects_stage_stay`` view read, which nothing reads any more."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_stage_change_left_at"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="stagechange",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("left_at", None), ("next_stage", "")),
                    models.Q(
                        ("left_at__gte", models.F("changed_at")),
                        (
                            "next_stage__in",
                            [
                                "lead",
                                "negotiating",
                                "signed",
                                "landed",
                                "under_construction",
                                "operating",
                                "dropped",
                            ],
                        ),
                    ),
                    _connector="OR",
                ),
                name="stage_change_stay_end_valid",
                violation_error_code="stage_change_stay_end_valid",
                violation_error_message="A stage is left for another stage, and not before it was entered.",
            ),
        ),
        migrations.AddConstraint(
            model_name="stagechange",
            constraint=models.UniqueConstraint(
                condition=models.Q(("left_at", None)),
                fields=("project",),
                name="stage_change_one_current_stay",
                violation_error_code="stage_change_one_current_stay",
                violation_error_message="A project is in one stage at a time.",
            ),
        ),
        migrations.RemoveIndex(model_name="stagechange", name="stage_change_next_move_stage"),
    ]
