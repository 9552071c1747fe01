from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.health import healthz
from partners.urls import partner_patterns

admin.site.site_header = admin.site.site_title = _("Fengtai Development Partner CRM")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api")),
    path("accounts/", include("accounts.urls")),
    path("", include("partners.urls")),
    path("partners/", include((partner_patterns, "partners"))),
    path("projects/", include("projects.urls")),
    path("chains/", include("chains.urls")),
    path("imports/", include("core.imports.urls")),
]

handler403 = "core.web.views.permission_denied"
handler404 = "core.web.views.page_not_found"
