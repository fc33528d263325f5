from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/code/", views.verify, name="two-factor-verify"),
    path("sign-in/set-up/", views.set_up, name="two-factor-set-up"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path(
        "account/two-factor/recovery-codes/",
        views.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path(
        "account/two-factor/recovery-codes/new/",
        views.new_recovery_codes,
        name="two-factor-new-recovery-codes",
    ),
    path("session/keep-alive/", views.keep_alive, name="keep-alive"),
    path("invitations/<str:token>/", views.set_password, name="invitation"),
    path("account-changes/", views.account_changes, name="account-changes"),
    path("account-changes/<int:change_id>/", views.account_change, name="account-change"),
]
