from django.urls import path

from . import views

urlpatterns = [
    # The family's pages
    path(
        "family/children/<int:child_id>/all-about-me/",
        views.family_all_about_me,
        name="family-all-about-me",
    ),
    path(
        "family/children/<int:child_id>/seen-at-home/",
        views.family_home_observations,
        name="family-home-observations",
    ),
    path(
        "family/children/<int:child_id>/seen-at-home/new/",
        views.family_home_observation_new,
        name="family-home-observation-new",
    ),
    path(
        "family/seen-at-home/<int:home_observation_id>/file/",
        views.family_home_observation_media,
        name="family-home-observation-media",
    ),
    path(
        "family/children/<int:child_id>/questions/",
        views.family_questions,
        name="family-questions",
    ),
    path("family/questions/<int:question_id>/", views.family_question, name="family-question"),
    # Staff pages
    path("children/<int:child_id>/all-about-me/", views.all_about_me, name="story-all-about-me"),
    path(
        "children/<int:child_id>/all-about-me/with-the-family/",
        views.all_about_me_with_family,
        name="story-all-about-me-with-family",
    ),
    path(
        "children/<int:child_id>/home-observations/",
        views.home_observations,
        name="story-home-observations",
    ),
    path(
        "home-observations/<int:home_observation_id>/",
        views.home_observation,
        name="story-home-observation",
    ),
    path(
        "home-observations/<int:home_observation_id>/file/",
        views.home_observation_media,
        name="story-home-observation-media",
    ),
    path(
        "referrals/<int:referral_id>/family-questions/",
        views.family_questions_for_referral,
        name="story-family-questions",
    ),
    path(
        "family-questions/<int:question_id>/close/",
        views.close_family_question,
        name="story-family-question-close",
    ),
]
