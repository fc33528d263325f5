from django.urls import path

from . import views

urlpatterns = [
    path("family-surveys/", views.survey_list, name="family-surveys"),
    path("family-surveys/new/", views.survey_new, name="family-survey-new"),
    path("family-surveys/<int:survey_id>/", views.survey_detail, name="family-survey"),
    path("family-surveys/<int:survey_id>/change/", views.survey_edit, name="family-survey-edit"),
    path(
        "family-surveys/<int:survey_id>/preview/<str:language>/",
        views.survey_preview,
        name="family-survey-preview",
    ),
    path("family-surveys/<int:survey_id>/send/", views.survey_send, name="family-survey-send"),
    path(
        "family-surveys/<int:survey_id>/results/",
        views.survey_results,
        name="family-survey-results",
    ),
    path(
        "family-surveys/<int:survey_id>/results.csv",
        views.survey_results_csv,
        name="family-survey-results-csv",
    ),
    path(
        "children/<int:child_id>/contacts/<int:contact_id>/feedback/",
        views.contact_feedback_consent,
        name="contact-feedback-consent",
    ),
    path("family/feedback/", views.family_feedback_consent, name="family-feedback-consent"),
    path("feedback/thank-you/", views.thanks, name="family-survey-thanks"),
    path("feedback/<str:token>/", views.answer, name="family-survey-answer"),
]
