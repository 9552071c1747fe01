from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = admin.site.site_title = "丰台发展伙伴 CRM"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
