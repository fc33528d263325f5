from django.urls import path

from . import views

urlpatterns = [
    path("possible-matches/", views.possible_matches, name="possible-matches"),
    path("possible-matches/<int:match_id>/", views.possible_match, name="possible-match"),
    path("merges/<int:merge_id>/undo/", views.undo_merge, name="undo-merge"),
]
