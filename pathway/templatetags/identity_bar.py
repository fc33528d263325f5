"""{% identity_bar child referral %}: MOJ's identity bar on every page about a child, one include
fed by one selector (pathway.casework.selectors.identity_of), so every page names the child the
same way."""

from __future__ import annotations

from django import template

from earlyyears.models import Child
from pathway.casework.selectors import identity_of
from pathway.models import Referral

register = template.Library()


@register.inclusion_tag("pathway/includes/identity_bar.html", takes_context=True)
def identity_bar(context, child: Child, referral: Referral | None = None) -> dict:
    """The bar for the person viewing (what they may know of the child decides the setting)."""
    return {"identity": identity_of(context["request"].user, child, referral)}
