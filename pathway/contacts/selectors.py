"""Reads about a family's contacts, for the people who may check or flag them."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from earlyyears.access import AnyUser, family_contacts_for
from earlyyears.models import Child, ContactDetail, FamilyContact, Role

from ..access import is_send_team


def can_check_contacts(user: AnyUser, child: Child) -> bool:
    """The setting and the SEND team know the family: they confirm what others supplied."""
    if is_send_team(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.PRACTITIONER
        and child.setting_id is not None
        and user.setting_memberships.filter(setting_id=child.setting_id).exists()
    )


def contacts_with_details(user: AnyUser, child: Child) -> QuerySet[FamilyContact]:
    """The child's contacts the user may see, each with its waiting details prefetched. A
    contact rejected as not the family's is not listed (it stays on file for the SEND team)."""
    waiting = ContactDetail.objects.filter(status=ContactDetail.Status.UNCONFIRMED)
    return (
        family_contacts_for(user, child)
        .exclude(confirmation=FamilyContact.Confirmation.REJECTED)
        .select_related("feedback_consent")
        .prefetch_related(Prefetch("details", queryset=waiting, to_attr="waiting_details"))
    )


def contact_to_check(user: AnyUser, child: Child, contact_id: int) -> FamilyContact:
    return get_object_or_404(contacts_with_details(user, child), pk=contact_id)
