"""Saving pages of the local offer, shared by the importers (`cms.services` for ORUK JSON,
`cms.resources` for CSV): a free slug under a parent, and publishing a change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import slugify

if TYPE_CHECKING:
    from wagtail.models import Page


def unique_slug(parent: Page, title: str, taken: set[str] | None = None) -> str:
    if taken is None:
        taken = set(parent.get_children().values_list("slug", flat=True))
    base = (slugify(title) or "service")[:200]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def publish(page: Page, user=None) -> None:
    """Record the change as a revision and make it live (imports are published directly)."""
    page.save_revision(user=user, log_action=True).publish(user=user)
