from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared infrastructure")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from core import checks  # noqa: F401 - registers the deployment checks
        from core.data_version import install_triggers
        from core.imports import permissions  # noqa: F401 - registers the rules
        from core.sql import register_sqlite_aggregates
        from core.web.sessions import stamp_session

        connection_created.connect(register_sqlite_aggregates, dispatch_uid="sqlite_aggregates")
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="data_version_triggers")
        user_logged_in.connect(stamp_session, dispatch_uid="stamp_session")
