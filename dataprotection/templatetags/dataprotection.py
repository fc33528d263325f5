"""Showing the subject access record's plain data as readable HTML."""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


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
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


@register.filter
def heading(key) -> str:
    """`date_of_birth` becomes "Date of birth"; a question's own words are left alone."""
    text = str(key)
    if text.isidentifier() and text == text.lower():
        return text.replace("_", " ").capitalize()
    return text
