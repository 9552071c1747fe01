from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "chains"
    verbose_name = _("Industries and chains")

    def ready(self) -> None:
        # Registers rules, importers and the reports (the worker refreshes them).
        from chains import chain_map_api, importers, permissions, reports_api  # noqa: F401
