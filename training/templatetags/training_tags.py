"""Template helpers for training pages."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
}
OPENING_TAG = re.compile(r"<(p|ul|ol|a|h2|h3|h4)(\s[^>]*)?>")


def _add_class(match: re.Match) -> str:
    tag, attrs = match.group(1), match.group(2) or ""
    if "class=" in attrs:
        return match.group(0)
    return f'<{tag} class="{CLASSES[tag]}"{attrs}>'


@register.filter
def govuk_richtext(value) -> str:
    """Rich text from Wagtail (already expanded and safe) with GOV.UK typography classes."""
    return mark_safe(OPENING_TAG.sub(_add_class, str(value)))  # noqa: S308 - adds classes only


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
