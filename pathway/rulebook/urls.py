"""The rule editor's URLs, under /routing/: versions by number, rules by id within a draft."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.routing_rules, name="routing-rules"),
    path("<int:version>/copy/", views.copy_rule_set, name="copy-rule-set"),
    path("<int:version>/test/", views.test_rule_set, name="test-rule-set"),
    path("<int:version>/notes/", views.edit_notes, name="rule-set-notes"),
    path("<int:version>/rules/new/", views.add_rule, name="add-rule"),
    path("<int:version>/rules/<int:rule_id>/", views.edit_rule, name="edit-rule"),
    path("<int:version>/rules/<int:rule_id>/remove/", views.delete_rule, name="delete-rule"),
    path(
        "<int:version>/rules/<int:rule_id>/conditions/new/",
        views.choose_fact,
        name="choose-fact",
    ),
    path(
        "<int:version>/rules/<int:rule_id>/conditions/new/<str:fact>/",
        views.add_condition,
        name="add-condition",
    ),
    path(
        "<int:version>/rules/<int:rule_id>/conditions/<int:index>/",
        views.change_condition,
        name="change-condition",
    ),
    path(
        "<int:version>/rules/<int:rule_id>/conditions/<int:index>/remove/",
        views.remove_condition,
        name="remove-condition",
    ),
]
