from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/council/", views.StartView.as_view(), name="council-sign-in"),
    path(
        "sign-in/council/callback/",
        views.CallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    path("sign-in/council/refused/", views.refused, name="council-sign-in-refused"),
]
