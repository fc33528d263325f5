"""Wagtail admin URLs for large imports' progress and feed services' local notes (imported by
`cms.wagtail_hooks`, which Wagtail loads)."""

from django.urls import path
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
    ]
