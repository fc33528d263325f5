"""URLs for the Early Years panel: /panels/, names prefixed panel-."""

from django.urls import path

from pathway.panels import views as views

urlpatterns = [
    path("panels/", views.panel_list, name="panel-list"),
    path("panels/new/", views.panel_schedule, name="panel-schedule"),
    path("panels/<int:meeting_id>/", views.panel_detail, name="panel-detail"),
    path("panels/<int:meeting_id>/edit/", views.panel_edit, name="panel-edit"),
    path(
        "panels/<int:meeting_id>/schedule-next/",
        views.panel_schedule_following,
        name="panel-schedule-following",
    ),
    path("panels/<int:meeting_id>/members/", views.panel_members, name="panel-members"),
    path(
        "panels/<int:meeting_id>/members/copy/",
        views.panel_copy_members,
        name="panel-copy-members",
    ),
    path(
        "panels/<int:meeting_id>/members/<int:member_id>/remove/",
        views.panel_remove_member,
        name="panel-remove-member",
    ),
    path("panels/<int:meeting_id>/attendance/", views.panel_attendance, name="panel-attendance"),
    path("panels/<int:meeting_id>/agenda/add/", views.panel_add_items, name="panel-add-items"),
    path("panels/<int:meeting_id>/agenda/<int:item_id>/", views.panel_item, name="panel-item"),
    path(
        "panels/<int:meeting_id>/agenda/<int:item_id>/defer/",
        views.panel_defer_item,
        name="panel-defer-item",
    ),
    path(
        "panels/<int:meeting_id>/agenda/<int:item_id>/discussion/",
        views.panel_item_discussion,
        name="panel-item-discussion",
    ),
    path(
        "panels/<int:meeting_id>/agenda/<int:item_id>/move/",
        views.panel_move_item,
        name="panel-move-item",
    ),
    path(
        "panels/<int:meeting_id>/agenda/<int:item_id>/remove/",
        views.panel_remove_item,
        name="panel-remove-item",
    ),
    path("panels/<int:meeting_id>/held/", views.panel_mark_held, name="panel-mark-held"),
    path("panels/<int:meeting_id>/minutes/", views.panel_minutes, name="panel-minutes"),
    path(
        "panels/<int:meeting_id>/minutes/notes/",
        views.panel_minutes_notes,
        name="panel-minutes-notes",
    ),
    path(
        "panels/<int:meeting_id>/minutes/publish/",
        views.panel_publish_minutes,
        name="panel-publish-minutes",
    ),
]
