"""The child page's line about family access (issue 21): whether the family can follow the
child online and when they last looked, for the SEND team. Two small queries."""

from __future__ import annotations

from django import template
from django.db.models import Count, Max, Q

from earlyyears.models import Child, FamilyAccessBlock, FamilyLink
from pathway.families.selectors import long_date

register = template.Library()


@register.inclusion_tag("pathway/families/child_page_line.html")
def family_access_line(child: Child) -> dict:
    found = FamilyLink.objects.filter(child=child).aggregate(
        open=Count("pk", filter=Q(ended_at__isnull=True)),
        last=Max("last_viewed_at"),
    )
    return {
        "child": child,
        "following": found["open"] or 0,
        "last_looked": long_date(found["last"]) if found["last"] else "",
        "blocked": FamilyAccessBlock.objects.filter(child=child, lifted_at__isnull=True).exists(),
    }
