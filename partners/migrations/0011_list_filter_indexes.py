"""Indexes that let the partner list's filters answer, and count, from indexes alone: the live
partners by carrier and status, and each many-to-many filter's table by the related row first
(Django's own index on the related column alone sends every match to the table's heap)."""

from django.db import migrations, models

THROUGH_INDEXES = (
    ("partners_partner_industries", "industry_id", "partner_industries_by_industry"),
    ("partners_partner_tags", "qualificationtag_id", "partner_tags_by_tag"),
    ("partners_partner_segments", "chainsegment_id", "partner_segments_by_segment"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0010_steward_visit_baseline_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="partner",
            index=models.Index(
                condition=models.Q(("archived_at", None)),
                fields=["carrier", "status", "id"],
                name="partner_live_carrier_status",
            ),
        ),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column}, partner_id)",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for table, column, name in THROUGH_INDEXES
        ),
    ]
