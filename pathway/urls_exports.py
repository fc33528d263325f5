from django.urls import path

from . import views_exports

urlpatterns = [
    path("exports/referrals/", views_exports.referrals_export, name="referrals-export"),
]
