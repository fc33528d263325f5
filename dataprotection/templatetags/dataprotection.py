"""Showing the subject access record's plain data as readable HTML."""

import datetime
import re

from django import template

from earlyyears.templatetags.govuk_style import govuk_date, govuk_datetime

register = template.Library()

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Kept in the JSON download for completeness, in the codes the service stores them in; the page
# for people shows the same answers in words ("answers") instead.
MACHINE_ONLY = frozenset({"answers_as_recorded"})


@register.filter
def for_people(value: dict) -> list:
    """A record's parts as a person reads them: without the parts kept only for machines."""
    return [(key, item) for key, item in value.items() if key not in MACHINE_ONLY]


@register.filter
def kind(value) -> str:
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, list | tuple):
        return "list"
    return "scalar"


@register.filter
def readable(value) -> str:
    if value is None or value == "" or value == []:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return govuk_datetime(value)
    if isinstance(value, datetime.date):
        return govuk_date(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        # A date kept as text in a concern's answers (a support cycle's start, say).
        return govuk_date(datetime.date.fromisoformat(value))
    return str(value)


@register.filter
def heading(key) -> str:
    """`date_of_birth` becomes "Date of birth"; a question's own words are left alone."""
    text = str(key)
    if text.isidentifier() and text == text.lower():
        return text.replace("_", " ").capitalize()
    return text
