from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.health import healthz

admin.site.site_header = admin.site.site_title = _("Fengtai Development Partner CRM")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api")),
]
