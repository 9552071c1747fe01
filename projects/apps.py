from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Major projects")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        # Registers rules, importers and the report (the worker refreshes it).
        from projects import importers, permissions, reports_api  # noqa: F401
        from projects.database_views import create_views, drop_views

        pre_migrate.connect(drop_views, sender=self, dispatch_uid="projects_drop_views")
        post_migrate.connect(create_views, sender=self, dispatch_uid="projects_create_views")
