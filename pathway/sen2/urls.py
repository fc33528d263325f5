from django.urls import path

from . import views

urlpatterns = [
    path("sen2/", views.sen2_return, name="sen2-return"),
    path("sen2/extracts/<int:extract_id>/", views.sen2_download, name="sen2-download"),
    path("sen2/cases/<int:ehc_id>/", views.sen2_details, name="sen2-details"),
]
