"""The starting segment strength rule, editable afterwards: a segment is strong with three
partners, a chain-leader unit of the year among them and one partner holding any qualification
tag."""

from django.db import migrations


def create(apps, schema_editor):
    rule = apps.get_model("chains", "SegmentStrengthRule")
    if not rule.objects.filter(is_active=True).exists():
        rule.objects.get_or_create(
            name="默认规则",
            defaults={
                "is_active": True,
                "min_partners": 3,
                "requires_chain_leader": True,
                "min_qualified_partners": 1,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("chains", "SegmentStrengthRule").objects.filter(name="默认规则").delete()


class Migration(migrations.Migration):
    dependencies = [("chains", "0004_segment_strength_rule")]

    operations = [migrations.RunPython(create, remove)]
