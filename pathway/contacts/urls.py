from django.urls import path

from . import views

urlpatterns = [
    path(
        "children/<int:child_id>/contacts/<int:contact_id>/check/",
        views.check_contact,
        name="check-contact",
    ),
    path("children/<int:child_id>/safeguarding/", views.safeguarding, name="child-safeguarding"),
]
