from django.urls import path

from . import views

urlpatterns = [
    path(
        "family/children/<int:child_id>/who-sees-what/",
        views.family_consent,
        name="family-consent",
    ),
    path("children/<int:child_id>/consent/", views.staff_consent, name="child-consent"),
]
