from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/twilio/status/", views.twilio_status, name="twilio-status"),
    path("webhooks/twilio/inbound/", views.twilio_inbound, name="twilio-inbound"),
    path("messages/", views.message_log, name="message-log"),
    path("messages/<int:message_id>/retry/", views.retry, name="retry-message"),
]
