"""URLs for Team Around the Child: a child's meetings, recording one, a meeting, and the
signed-in user's actions."""

from django.urls import path

from pathway.tac import views as views

urlpatterns = [
    path("children/<int:child_id>/tac/", views.meetings, name="tac-meetings"),
    path("children/<int:child_id>/tac/new/", views.new_meeting, name="tac-new"),
    path("tac/<int:meeting_id>/", views.meeting, name="tac-detail"),
    path("actions/", views.my_actions, name="my-actions"),
    path("actions/<int:action_id>/done/", views.complete_action, name="tac-action-done"),
]
