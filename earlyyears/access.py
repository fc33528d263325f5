"""The access layer for people and places: the only way to reach child-level data.

Every view asks here (or in pathway.access, built on these) for what the signed-in user may see.
Functions return querysets already scoped to the user, so a foreign id in a URL finds nothing
(404) rather than another family. Least privilege: a role not named here sees no child at all.
Relationships are read at every request: a practitioner who leaves a setting, a child who moves
to another setting, a family that leaves a caseload changes what is seen on the next request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    SEND_TEAM_ROLES,
    Attendance,
    Child,
    FamilyAccessBlock,
    FamilyContact,
    FamilyLink,
    OutboxMessage,
    Role,
    Setting,
    User,
)
from .roles import DIRECT_CHILD_ROLES

FAMILY_ROLE = "family"


@dataclass(frozen=True)
class FamilyIdentity:
    """A signed-in family member (issue 21): not a User, and never `request.user`.

    It carries only the member's id. `family_children_for` reads the member's links from the
    database when called, so a link ended, a contact flagged or a child blocked takes effect on
    the next call. `is_authenticated` and `is_active` are False and the role is no staff role,
    so every staff access function (`children_for` included) gives a family nothing;
    tests/pathway/families/test_access.py calls each public one with a family identity."""

    member_id: int
    role: str = FAMILY_ROLE
    is_authenticated: bool = False
    is_active: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None


AnyUser = User | AnonymousUser | FamilyIdentity


def is_family(user: object) -> bool:
    return isinstance(user, FamilyIdentity)


def open_family_links(member_id: int | None = None) -> QuerySet[FamilyLink]:
    """Links that still let a family member see a child: not ended; the contact it was made
    from still confirmed, with parental responsibility and no do-not-contact or court order;
    the child not blocked by the SEND team and not merged into another record."""
    links = FamilyLink.objects.filter(
        ended_at__isnull=True,
        contact__child_id=F("child_id"),
        contact__confirmation=FamilyContact.Confirmation.CONFIRMED,
        contact__has_parental_responsibility=True,
        contact__do_not_contact=False,
        contact__court_order=False,
    ).exclude(child__record_status=Child.RecordStatus.MERGED)
    links = links.exclude(
        Exists(
            FamilyAccessBlock.objects.filter(child_id=OuterRef("child_id"), lifted_at__isnull=True)
        )
    )
    if member_id is not None:
        links = links.filter(member_id=member_id)
    return links


def family_children_for(family: FamilyIdentity) -> QuerySet[Child]:
    """Exactly the children a family member's open links name; nothing for anyone else.

    Kept apart from `children_for` on purpose: staff access functions build on `children_for`
    (observations, Team Around the Child, support plans, funds), and a family reaching it
    would reach every one of them."""
    if not is_family(family):
        return Child.objects.none()
    return Child.objects.filter(pk__in=open_family_links(family.member_id).values("child_id"))


def family_may_see(child: Child) -> bool:
    """Whether the SEND team has not blocked family access to this child."""
    return not FamilyAccessBlock.objects.filter(child=child, lifted_at__isnull=True).exists()


def settings_for(user: AnyUser) -> QuerySet[Setting]:
    """Settings whose children the user may see."""
    if not user.is_authenticated or not user.is_active:
        return Setting.objects.none()
    if user.role in SEND_TEAM_ROLES:
        return Setting.objects.all()
    if user.role == Role.PRACTITIONER:
        return Setting.objects.filter(memberships__user=user)
    return Setting.objects.none()


def children_for(user: AnyUser) -> QuerySet[Child]:
    """Children the user may see: their setting's, their caseload's, or all for the SEND team.
    A family gets none here (`is_authenticated` is False): their children come only from
    `family_children_for`, so no staff function built on this one can reach a family."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    if user.role in SEND_TEAM_ROLES:
        return Child.objects.all()
    # A record merged into another is an alias: only the SEND team, who can undo the merge,
    # still opens it; everyone else finds the child under the record that was kept.
    live = Child.objects.exclude(record_status=Child.RecordStatus.MERGED)
    if user.role == Role.PRACTITIONER:
        # The child's lead setting, or any setting the child attends now (issue 23): a second
        # setting sees the child; a setting the child moved from does not.
        mine = Setting.objects.filter(memberships__user=user)
        attending = Attendance.objects.filter(
            child=OuterRef("pk"), ended_on__isnull=True, setting__in=mine
        )
        return live.filter(Q(setting__in=mine) | Exists(attending))
    if user.role == Role.PORTAGE_WORKER:
        return live.filter(caseload_memberships__portage_worker=user)
    # Early help coordinators and professionals see children through the referrals routed or
    # the advice asked of them (the pathway's access functions); planners, trainers and
    # administrators see no child.
    return Child.objects.none()


def children_led_by(user: AnyUser, setting: Setting) -> QuerySet[Child]:
    """The children whose lead setting is `setting`, as `children_for(user).filter(setting=
    setting)`. For a practitioner it is built from their membership of that one setting rather
    than from the whole rule: the concern wizard lists them on every visit to its first step."""
    if user.is_authenticated and user.is_active and user.role == Role.PRACTITIONER:
        return Child.objects.exclude(record_status=Child.RecordStatus.MERGED).filter(
            setting=setting, setting__memberships__user=user
        )
    return children_for(user).filter(setting=setting)


def child_for(user: AnyUser, child_id: int) -> Child:
    """One child the user may see, or 404."""
    return get_object_or_404(
        children_for(user).select_related("setting", "area").defer("area__boundary"),
        pk=child_id,
    )


def family_contacts_for(user: AnyUser, child: Child) -> QuerySet[FamilyContact]:
    """The child's family contacts, for staff who may see the child. A family member sees no
    contact record (another parent's number or address is not theirs to see)."""
    if is_family(user):
        return FamilyContact.objects.none()
    return FamilyContact.objects.filter(child__in=children_for(user).filter(pk=child.pk))


def messages_for(user: AnyUser) -> QuerySet[OutboxMessage]:
    """Messages the service sent or tried to send (they name the child and the family's phone):
    the SEND team's message log only."""
    if not user.is_authenticated or not user.is_active or user.role not in SEND_TEAM_ROLES:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.all()


def can_see_child_records(user: AnyUser) -> bool:
    """Whether the role works with individual children at all (for navigation, not for access)."""
    return bool(user.is_authenticated) and user.role in DIRECT_CHILD_ROLES
