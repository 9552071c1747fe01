from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Major projects")

    def ready(self) -> None:
        from projects import importers, permissions  # noqa: F401 - registers rules and importers
