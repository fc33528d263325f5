"""Template tags that apply the safeguarding flags (earlyyears.safeguarding), so no template
decides for itself who may see a withheld address or whether to tag a contact."""

from __future__ import annotations

from typing import Any

from django import template

from .. import safeguarding
from ..models import Child, FamilyContact

register = template.Library()


@register.filter
def withheld(value: Any, hidden: bool) -> Any:
    """`{{ contact.mobile_phone|withheld:contact.details_withheld }}`: the word "Withheld"
    instead of a detail that must not be shown here."""
    return safeguarding.WITHHELD if hidden else value


@register.inclusion_tag("earlyyears/includes/safeguarding_tags.html")
def safeguarding_tags(record: Child | FamilyContact | safeguarding.SharedContact) -> dict:
    """GOV.UK tags for a child's or a contact's flags, so nobody phones a person they must not."""
    if isinstance(record, Child):
        flags = safeguarding.child_flags(record)
    elif isinstance(record, FamilyContact):
        flags = safeguarding.contact_flags(record)
    else:
        flags = record.flags
    return {"flags": flags}


@register.inclusion_tag("earlyyears/includes/sharing_warnings.html")
def sharing_warnings(child: Child) -> dict:
    """A GOV.UK warning on a document that may be printed or passed on."""
    return {"warnings": safeguarding.sharing_warnings(child)}
