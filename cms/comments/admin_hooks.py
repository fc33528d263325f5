"""Wagtail admin URLs and menu items for comments and review flags (imported by
`cms.wagtail_hooks`, which Wagtail loads)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_comment_urls():
    return [
        path("local-offer/comments/", admin_views.comment_list, name="cms_comments"),
        path(
            "local-offer/comments/<int:comment_id>/",
            admin_views.comment_moderate,
            name="cms_comment",
        ),
        path(
            "local-offer/comments/years/<int:year>/",
            admin_views.year_publish,
            name="cms_comment_year",
        ),
        path("local-offer/not-reviewed/", admin_views.not_reviewed, name="cms_not_reviewed"),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_comments_menu_item():
    return ModeratorMenuItem("Comments", reverse("cms_comments"), icon_name="comment", order=352)


@hooks.register("register_admin_menu_item")
def register_not_reviewed_menu_item():
    return ModeratorMenuItem(
        "Not reviewed", reverse("cms_not_reviewed"), icon_name="warning", order=353
    )
