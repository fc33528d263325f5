"""URLs for planning: need by area against provision and trained staff."""

from django.urls import path

from pathway.planning import views as views

urlpatterns = [
    path("planning/", views.need_by_area, name="planning"),
    path("planning/areas.geojson", views.areas_geojson, name="planning-geojson"),
    path("planning/starting-school/", views.school_entry, name="planning-school-entry"),
    path("planning/need-by-area.csv", views.need_by_area_csv, name="planning-csv"),
]
