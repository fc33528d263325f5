from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views, views_accounts, webhooks

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("children/", views.children, name="children"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz/", views.health, name="health"),
    path("readyz/", views.readiness, name="readiness"),
    path("sign-in/code/", views_accounts.verify, name="two-factor-verify"),
    path("sign-in/set-up/", views_accounts.set_up, name="two-factor-set-up"),
    path("account/two-factor/", views_accounts.two_factor, name="two-factor"),
    path(
        "account/two-factor/recovery-codes/",
        views_accounts.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path(
        "account/two-factor/recovery-codes/new/",
        views_accounts.new_recovery_codes,
        name="two-factor-new-recovery-codes",
    ),
    path("session/keep-alive/", views_accounts.keep_alive, name="keep-alive"),
    path("webhooks/twilio/status/", webhooks.twilio_status, name="twilio-status"),
    path("webhooks/twilio/inbound/", webhooks.twilio_inbound, name="twilio-inbound"),
    path("messages/", views.message_log, name="message-log"),
    path("messages/<int:message_id>/retry/", views.retry_message, name="retry-message"),
    path("", include("pathway.urls")),
    path("", include("dataprotection.urls")),
    path("", include("earlyyears.urls_invitations")),
    path("", include("earlyyears.urls_account_changes")),
    path("", include("training.urls")),
    path("", include("cms.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the pages trainers and editors publish (training, the local offer).
urlpatterns += [path("", include(wagtail_urls))]

handler403 = "earlyyears.errors.permission_denied"
handler404 = "earlyyears.errors.page_not_found"
handler500 = "earlyyears.errors.server_error"
