from django.urls import path

from pathway.exports import views as views_exports

urlpatterns = [
    path("exports/referrals/", views_exports.referrals_export, name="referrals-export"),
]
