"""Pages of the industry chains (written by the chain-pages work)."""

from django.urls import path

from chains import views

app_name = "chains"
urlpatterns: list = [
    path("", views.chain_list, name="list"),
    path("<int:pk>/", views.chain_detail, name="detail"),
]
