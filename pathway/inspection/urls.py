from django.urls import path

from . import views

urlpatterns = [
    path("inspection/", views.inspection_evidence, name="inspection-evidence"),
    path("inspection/children.csv", views.inspection_list_csv, name="inspection-list-csv"),
]
