from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Development partners")

    def ready(self) -> None:
        # Registers rules, receivers, importers and the reports (the worker refreshes them).
        from partners import importers, permissions, signals  # noqa: F401
        from partners.reports import api  # noqa: F401
