"""The database views read through unmanaged models (``projects.database_views``): absent while
migrations run, so that SQLite can rebuild the tables they read, and there again after."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import pre_migrate

from projects.database_views import STAGE_STAY_VIEW
from projects.models import StageChange, StageStay
from projects.services import project_change_stage
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _views() -> set[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.get_table_list(cursor)
    return {table.name for table in tables if table.type == "v"}


def test_the_view_is_dropped_while_migrations_run_and_created_after():
    seen_while_migrating = []

    def look(**kwargs):
        seen_while_migrating.append(STAGE_STAY_VIEW in _views())

    projects = apps.get_app_config("projects")  # after the app's own receiver, which drops it
    pre_migrate.connect(look, sender=projects, dispatch_uid="test_look_at_views")
    try:
        call_command("migrate", verbosity=0)
    finally:
        pre_migrate.disconnect(sender=projects, dispatch_uid="test_look_at_views")

    assert seen_while_migrating == [False]
    assert STAGE_STAY_VIEW in _views()


def test_a_stay_ends_at_the_projects_next_move():
    project = ProjectFactory()
    project_change_stage(project=project, actor=UserFactory(), to_stage="negotiating")
    project_change_stage(project=project, actor=UserFactory(), to_stage="signed")
    changes = list(StageChange.objects.filter(project=project).order_by("changed_at", "pk"))
    stays = {stay.pk: stay for stay in StageStay.objects.filter(project=project)}

    assert [stays[change.pk].left_at for change in changes] == [
        *(following.changed_at for following in changes[1:]),
        None,
    ]
