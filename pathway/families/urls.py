from django.urls import path

from . import views

urlpatterns = [
    path("family/", views.home, name="family-home"),
    path("family/sign-in/<str:token>/", views.open_link, name="family-link"),
    path("family/code/", views.enter_code, name="family-code"),
    path("family/code/new/", views.resend_code, name="family-new-code"),
    path("family/children/<int:child_id>/", views.child, name="family-child"),
    path("family/texts/", views.preferences, name="family-preferences"),
    path("family/language/", views.switch_language, name="family-language"),
    path("family/privacy/", views.privacy, name="family-privacy"),
    path("family/sign-out/", views.sign_out, name="family-sign-out"),
    path("children/<int:child_id>/family-access/", views.family_access, name="family-access"),
]
