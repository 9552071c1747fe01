"""Pages of spreadsheet imports, under ``/imports/`` (no namespace: ``imports``,
``import_detail``, ``import_status``, ``import_confirm``)."""

from django.urls import path

from core.imports import views

urlpatterns = [
    path("", views.import_list, name="imports"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/status/", views.import_status, name="import_status"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
]
