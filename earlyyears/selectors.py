"""Reads that views share; child data always comes through the access layer first."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Q

from .access import children_for
from .models import Child


def search_children(user, query: str = "", page_number: str | int = 1, per_page: int = 50) -> Page:
    """A page of the children the user may see, optionally filtered by name or reference."""
    # Each child once: a record merged into another is reached from the one kept.
    children = (
        children_for(user)
        .exclude(record_status=Child.RecordStatus.MERGED)
        .select_related("setting", "area")
    )
    query = (query or "").strip()
    if query:
        terms = Q()
        for word in query.split():
            terms &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(reference__iexact=word)
            )
        children = children.filter(terms)
    return Paginator(children.order_by("last_name", "first_name", "pk"), per_page).get_page(
        page_number
    )
