from django.urls import path

from . import views_invitations

urlpatterns = [
    path("invitations/<str:token>/", views_invitations.set_password, name="invitation"),
]
