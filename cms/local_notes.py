"""The council's own notes on services from other publishers' feeds: kept in their own table
(`LocalNote`), never in the service's record or page fields, so a feed's next pull cannot
overwrite them and the API does not present them as the publisher's data.

Hiding a feed's service here is Wagtail's *Unpublish*: a pull never publishes a service that
an editor unpublished (its update is held for approval, `cms.feeds.locally_edited`)."""

from __future__ import annotations

from .models import ServicePage
from .staging_models import LocalNote


def save_note(service: ServicePage, text: str, user=None) -> LocalNote | None:
    """Save the note (an empty one removes it)."""
    text = text.strip()
    if not text:
        LocalNote.objects.filter(service=service).delete()
        return None
    note, _ = LocalNote.objects.update_or_create(
        service=service, defaults={"text": text, "updated_by": user}
    )
    return note
