"""The Ofsted registration shown on a service page (the local offer side of the link between a
setting and its entry, by URN)."""

from __future__ import annotations

from django import template

from ..register import setting_for

register = template.Library()


@register.simple_tag
def ofsted_registration(page):
    """The setting on Ofsted's register this entry is, or None (one query, only with a URN)."""
    return setting_for(page)
