"""The local offer's import and export pages in Wagtail's admin menu."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import (
    admin_views,
    staging_hooks,  # noqa: F401 - large imports' progress, feed services' local notes
)
from .comments import admin_hooks  # noqa: F401 - comments and review flags


@hooks.register("register_admin_urls")
def register_local_offer_urls():
    return [
        path("local-offer/import/", admin_views.import_services, name="cms_import"),
        path(
            "local-offer/import/<int:import_id>/",
            admin_views.import_preview,
            name="cms_import_preview",
        ),
        path("local-offer/feeds/", admin_views.feed_list, name="cms_feeds"),
        path("local-offer/feeds/<int:feed_id>/pull/", admin_views.feed_pull, name="cms_feed_pull"),
        path(
            "local-offer/feeds/runs/<int:run_id>/approve/",
            admin_views.feed_approve,
            name="cms_feed_approve",
        ),
        path(
            "local-offer/export/<str:file_format>/",
            admin_views.export_services,
            name="cms_export",
        ),
    ]


class LocalOfferImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views._can_publish(request.user)


@hooks.register("register_admin_menu_item")
def register_local_offer_menu_item():
    return LocalOfferImportMenuItem(
        "Import services", reverse("cms_import"), icon_name="upload", order=350
    )


@hooks.register("register_admin_menu_item")
def register_local_offer_feeds_menu_item():
    return LocalOfferImportMenuItem("Feeds", reverse("cms_feeds"), icon_name="link", order=351)


# Providers' accounts and Ofsted's register: their own module.
from . import provider_hooks  # noqa: E402, F401
