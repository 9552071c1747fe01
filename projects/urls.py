"""Pages of the project pipeline (written by the pipeline-board work)."""

from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.project_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/move/", views.move, name="move"),
]
