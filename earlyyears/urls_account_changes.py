from django.urls import path

from . import views_account_changes

urlpatterns = [
    path("account-changes/", views_account_changes.account_changes, name="account-changes"),
    path(
        "account-changes/<int:change_id>/",
        views_account_changes.account_change,
        name="account-change",
    ),
]
