from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "chains"
    verbose_name = _("Industries and chains")

    def ready(self) -> None:
        from chains import importers, permissions  # noqa: F401 - registers rules and importers
