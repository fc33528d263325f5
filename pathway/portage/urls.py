"""URLs for portage: the caseload, home visits and "All about me"."""

from django.urls import path

from pathway.portage import views as views

urlpatterns = [
    path("portage/", views.caseload, name="portage-caseload"),
    path("portage/children/<int:child_id>/visits/", views.visits, name="portage-visits"),
    path(
        "portage/children/<int:child_id>/visits/new/",
        views.record_visit,
        name="portage-visit-new",
    ),
    path("portage/visits/<int:visit_id>/edit/", views.edit_visit, name="portage-visit-edit"),
    path(
        "portage/children/<int:child_id>/all-about-me/",
        views.paperwork,
        name="portage-paperwork",
    ),
    path(
        "portage/children/<int:child_id>/all-about-me/edit/",
        views.edit_paperwork,
        name="portage-paperwork-edit",
    ),
    path(
        "portage/children/<int:child_id>/all-about-me/saved/",
        views.paperwork_saved,
        name="portage-paperwork-saved",
    ),
    path(
        "portage/children/<int:child_id>/all-about-me.pdf",
        views.paperwork_pdf,
        name="portage-paperwork-pdf",
    ),
]
