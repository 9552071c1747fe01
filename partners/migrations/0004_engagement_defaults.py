"""Default reference data for engagement, editable afterwards: visit cadence by the issue's
rule (chain-leader units 30 days, doubling-plan catalogue 60, others 90) and the working days
a request of each category may take (the office's starting values)."""

from django.db import migrations

CADENCE = {"chain_leader": 30, "doubling": 60, "other": 90}
DEADLINES = {
    "policy": 10,
    "space": 15,
    "talent": 10,
    "finance": 10,
    "approvals": 5,
    "market": 15,
    "other": 10,
}


def create(apps, schema_editor):
    cadence = apps.get_model("partners", "VisitCadenceRule")
    for group, days in CADENCE.items():
        cadence.objects.get_or_create(group=group, defaults={"days": days})
    deadline = apps.get_model("partners", "RequestDeadlineRule")
    for category, days in DEADLINES.items():
        deadline.objects.get_or_create(category=category, defaults={"working_days": days})


def remove(apps, schema_editor):
    apps.get_model("partners", "VisitCadenceRule").objects.all().delete()
    apps.get_model("partners", "RequestDeadlineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_engagement")]

    operations = [migrations.RunPython(create, remove)]
