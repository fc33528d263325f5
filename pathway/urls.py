from django.urls import include, path

from . import views
from .wizard import ConcernWizard

concern_wizard = ConcernWizard.as_view()

urlpatterns = [
    path("children/", views.children, name="children"),
    path("children/<int:child_id>/", views.child_record, name="child-detail"),
    path(
        "children/<int:child_id>/observations/new/", views.add_observation, name="add-observation"
    ),
    path(
        "observations/<int:observation_id>/attachment/",
        views.observation_attachment,
        name="observation-attachment",
    ),
    path("concerns/", views.my_concerns, name="my-concerns"),
    path("concerns/new/", views.start_concern, name="start-concern"),
    path("concerns/<uuid:draft_id>/delete/", views.discard_draft, name="discard-draft"),
    path("concerns/<uuid:draft_id>/<str:step>/", concern_wizard, name="concern-step"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral-detail"),
    path(
        "referrals/<int:referral_id>/sent/",
        views.referral_confirmation,
        name="referral-confirmation",
    ),
    path("notifications/health/new/", views.health_notification, name="health-notification"),
    path("requests/family/new/", views.parent_request, name="parent-request"),
    path("register/", views.notification_register, name="notification-register"),
    path("routing/", include("pathway.rulebook.urls")),
    path("", include("pathway.casework.urls")),
    path("", include("pathway.panels.urls")),
    path("", include("pathway.portage.urls")),
    path("", include("pathway.early_help.urls")),
    path("", include("pathway.tac.urls")),
    path("", include("pathway.advice.urls")),
    path("", include("pathway.ehc.urls")),
    path("", include("pathway.planning.urls")),
    path("", include("pathway.exports.urls")),
    path("", include("pathway.contacts.urls")),
    path("", include("pathway.families.urls")),
    path("", include("pathway.family_story.urls")),
    path("", include("pathway.consent.urls")),
    path("", include("pathway.funds.urls")),
    path("", include("pathway.support_plans.urls")),
    path("", include("pathway.attendance.urls")),
    path("children/", include("pathway.identity.urls")),
    path("", include("pathway.school_move.urls")),
    path("", include("pathway.sen2.urls")),
    path("", include("pathway.caseload.urls")),
    path("", include("pathway.case_reviews.urls")),
    path("", include("pathway.inspection.urls")),
    path("", include("pathway.self_evaluation.urls")),
    path("", include("pathway.family_survey.urls")),
]
