from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz/", views.health, name="health"),
    path("readyz/", views.readiness, name="readiness"),
    path("", include("earlyyears.accounts.urls")),
    path("", include("earlyyears.messaging.urls")),
    path("messages/", views.message_log, name="message-log"),
    path("messages/<int:message_id>/retry/", views.retry_message, name="retry-message"),
    path("", include("pathway.urls")),
    path("", include("dataprotection.urls")),
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
