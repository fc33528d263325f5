from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .oidc import views as council_sign_in
from .uploads import public_media

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    # Ends the council provider's session too, for someone signed in with it (issue 28).
    path("sign-out/", council_sign_in.SignOutView.as_view(), name="sign-out"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz/", views.health, name="health"),
    path("readyz/", views.readiness, name="readiness"),
    path("", include("earlyyears.accounts.urls")),
    path("", include("earlyyears.oidc.urls")),
    path("", include("earlyyears.access_review.urls")),
    path("", include("earlyyears.messaging.urls")),
    path("", include("pathway.urls")),
    path("", include("dataprotection.urls")),
    path("", include("training.urls")),
    path("", include("cms.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Wagtail's images and renditions, in every mode (DEBUG or not), from the default store; nothing
# else under MEDIA_ROOT, nothing of the private store (earlyyears.uploads.public_media).
if settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", public_media, name="public-media")
    ]

# Wagtail serves the pages trainers and editors publish (training, the local offer).
urlpatterns += [path("", include(wagtail_urls))]

handler403 = "earlyyears.errors.permission_denied"
handler404 = "earlyyears.errors.page_not_found"
handler500 = "earlyyears.errors.server_error"
