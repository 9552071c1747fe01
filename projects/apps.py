from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Major projects")

    def ready(self) -> None:
        # Registers rules, importers and the report (the worker refreshes it).
        from projects import importers, permissions, reports_api  # noqa: F401
