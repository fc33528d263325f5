"""Money as pages show it: "£1,250.00"."""

from __future__ import annotations

from typing import Any

from django import template

from pathway.funds.rules import money

register = template.Library()


@register.filter
def pounds(value: Any) -> str:
    return money(value)
