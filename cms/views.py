"""Public URLs of the local offer: the directory's (served by its index page). The Open
Referral UK API is `cms.api`."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from .models import LocalOfferIndexPage


@require_GET
def directory(request):
    """The local offer's own URL: the live index page serves it (its context is the directory),
    whatever its slug; before an editor has made one, a stand-in page titled "Local offer"."""
    index = LocalOfferIndexPage.objects.live().first() or LocalOfferIndexPage(title="Local offer")
    return index.serve(request)
