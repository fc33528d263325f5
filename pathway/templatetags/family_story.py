"""The family's child page's links to what they can tell us (issue 22): All about me, what
they have seen at home, and questions waiting for their answer (one small query)."""

from __future__ import annotations

from django import template

from earlyyears.models import Child
from pathway.access.story import family_questions_to_answer_for

register = template.Library()


@register.inclusion_tag("pathway/family_story/_family_child_links.html", takes_context=True)
def family_story_links(context, child: Child) -> dict:
    request = context.get("request")
    family = getattr(request, "family", None)
    waiting = 0
    if family is not None:
        waiting = (
            family_questions_to_answer_for(family)
            .filter(referral__child=child, answered_at__isnull=True, closed_at__isnull=True)
            .count()
        )
    return {"child": child, "waiting": waiting}
