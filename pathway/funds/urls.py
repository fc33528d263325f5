from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:child_id>/funding/new/", views.choose_fund, name="funds-choose"),
    path("children/<int:child_id>/funding/new/<int:fund_id>/", views.apply, name="funds-apply"),
    path("funding/applications/", views.applications, name="funds-applications"),
    path(
        "funding/applications/<int:application_id>/",
        views.application_detail,
        name="funds-application",
    ),
    path("funding/applications/<int:application_id>/decide/", views.decide, name="funds-decide"),
    path("funding/evidence/<int:evidence_id>/", views.evidence_file, name="funds-evidence"),
    path("funding/payments/", views.payments, name="funds-payments"),
    path("funding/payments/payment-file.csv", views.payment_file, name="funds-payment-file"),
    path(
        "funding/payments/<int:payment_id>/approve/",
        views.approve_payment,
        name="funds-payment-approve",
    ),
    path("funding/payments/<int:payment_id>/paid/", views.record_paid, name="funds-payment-paid"),
    path("funding/budgets/", views.budgets, name="funds-budgets"),
]
