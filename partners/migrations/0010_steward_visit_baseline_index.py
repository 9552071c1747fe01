"""The index that serves a steward's longest-overdue partners (the workbench): the steward and
the visit baseline (``partners.models.organisations.visit_baseline``) of active partners."""

import django.db.models.functions.comparison
from django.db import migrations, models

import core.sql


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0009_request_handling_workdays"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="partner",
            index=models.Index(
                models.F("steward"),
                django.db.models.functions.comparison.Coalesce(
                    models.F("last_contacted_at"), core.sql.UTCMidnight("joined_on")
                ),
                condition=models.Q(("archived_at", None), ("status", "active")),
                name="partner_steward_visit_baseline",
            ),
        ),
    ]
