"""Wagtail admin URLs for large imports' progress and feed services' local notes (imported by
`cms.wagtail_hooks`, which Wagtail loads)."""

from django.urls import path, reverse
from wagtail import hooks

from . import staging_views


@hooks.register("register_admin_urls")
def register_staging_urls():
    return [
        path(
            "local-offer/import/progress/<int:staged_id>/",
            staging_views.import_progress,
            name="cms_import_progress",
        ),
        path(
            "local-offer/services/<int:page_id>/local-note/",
            staging_views.local_note,
            name="cms_local_note",
        ),
    ]


def _local_note_button(page, user):
    from wagtail.admin.widgets import Button

    from .models import ServicePage

    if page.specific_class is ServicePage and staging_views._can_publish(user):
        yield Button(
            "Local note",
            reverse("cms_local_note", args=[page.pk]),
            icon_name="comment",
            priority=60,
        )


@hooks.register("register_page_listing_more_buttons")
def local_note_listing_button(page, user, next_url=None):
    yield from _local_note_button(page, user)


@hooks.register("register_page_header_buttons")
def local_note_header_button(page, user, view_name, next_url=None):
    yield from _local_note_button(page, user)
