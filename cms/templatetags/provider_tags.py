"""The Ofsted registration shown on a service page (the local offer side of the link between a
setting and its entry, by URN; `cms.register.setting_for` is the same read for Python code).
Template tags import no other cms module: `cms.models` imports this package's filters."""

from __future__ import annotations

from django import template

from earlyyears.models import Setting

register = template.Library()


@register.simple_tag
def ofsted_registration(page):
    """The setting on Ofsted's register this entry is, or None (one query, only with a URN)."""
    urn = (getattr(page, "ofsted_urn", "") or "").strip()
    if not urn:
        return None
    return Setting.objects.filter(urn__iexact=urn).first()
