"""URLs of the cms app's own (non-Wagtail) pages: the local offer directory and its ORUK API.

Service pages themselves are Wagtail pages under /local-offer/<slug>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("local-offer/", views.directory, name="local-offer"),
    path("api/services", views.api_services, name="api-services"),
    path("api/services/<str:service_id>", views.api_service, name="api-service"),
]
