"""URLs for the settings a child attends, addressed by the child's id."""

from django.urls import path

from pathway.attendance import views

urlpatterns = [
    path("children/<int:child_id>/settings/", views.child_settings, name="child-settings"),
    path("children/<int:child_id>/settings/add/", views.add_setting, name="child-settings-add"),
    path("children/<int:child_id>/settings/move/", views.record_move, name="child-settings-move"),
    path(
        "children/<int:child_id>/settings/<int:attendance_id>/plan-sharing/",
        views.plan_sharing,
        name="child-settings-plan-sharing",
    ),
    path(
        "children/<int:child_id>/settings/<int:attendance_id>/end/",
        views.end_attendance,
        name="child-settings-end",
    ),
    path(
        "children/<int:child_id>/settings/<int:attendance_id>/lead/",
        views.change_lead,
        name="child-settings-lead",
    ),
]
