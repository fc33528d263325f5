"""URLs for support plans: one plan per child, addressed by the child's id."""

from django.urls import path

from pathway.support_plans import views as views

urlpatterns = [
    path("support-plans/schema.json", views.plan_schema, name="support-plan-schema"),
    path("children/<int:child_id>/support-plan/", views.plan, name="support-plan"),
    path("children/<int:child_id>/support-plan/new/", views.plan_new, name="support-plan-new"),
    path("children/<int:child_id>/support-plan/change/", views.plan_edit, name="support-plan-edit"),
    path(
        "children/<int:child_id>/support-plan/review/",
        views.plan_review,
        name="support-plan-review",
    ),
    path(
        "children/<int:child_id>/support-plan/next-cycle/",
        views.plan_next_cycle,
        name="support-plan-next-cycle",
    ),
    path(
        "children/<int:child_id>/support-plan/plan.json",
        views.plan_json,
        name="support-plan-json",
    ),
    path("children/<int:child_id>/support-plan/plan.pdf", views.plan_pdf, name="support-plan-pdf"),
]
