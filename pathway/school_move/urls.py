from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:child_id>/school/", views.school_move, name="school-move"),
    path(
        "children/<int:child_id>/school/hand-over/new/",
        views.new_handover,
        name="school-handover-new",
    ),
    path(
        "children/<int:child_id>/school/hand-over/<int:handover_id>/",
        views.handover,
        name="school-handover",
    ),
    path(
        "children/<int:child_id>/school/hand-over/<int:handover_id>/pdf/",
        views.handover_pdf,
        name="school-handover-pdf",
    ),
]
