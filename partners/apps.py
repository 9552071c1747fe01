from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Development partners")

    def ready(self) -> None:
        from partners import (  # noqa: F401 - registers rules, receivers and importers
            importers,
            permissions,
            signals,
        )
