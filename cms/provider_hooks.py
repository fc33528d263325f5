"""Wagtail admin URLs and menu items for providers' accounts and Ofsted's register (loaded by
`cms.wagtail_hooks`)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import provider_admin
from .admin_views import _can_publish


@hooks.register("register_admin_urls")
def register_provider_urls():
    return [
        path("local-offer/providers/", provider_admin.provider_accounts, name="cms_providers"),
        path("local-offer/ofsted-register/", provider_admin.register_upload, name="cms_register"),
        path(
            "local-offer/ofsted-register/<int:import_id>/",
            provider_admin.register_preview,
            name="cms_register_preview",
        ),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return _can_publish(request.user)


@hooks.register("register_admin_menu_item")
def register_providers_menu_item():
    return ModeratorMenuItem("Providers", reverse("cms_providers"), icon_name="group", order=352)


@hooks.register("register_admin_menu_item")
def register_ofsted_menu_item():
    return ModeratorMenuItem(
        "Ofsted register", reverse("cms_register"), icon_name="list-ul", order=353
    )
