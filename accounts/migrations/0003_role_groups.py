"""The role groups. Their rights are declared as rules in each app's permissions.py, so the
groups carry no permission rows: membership is what counts."""

from django.db import migrations

ROLES = ("administrator", "manager", "staff", "chain_leader", "auditor")


def create_groups(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
