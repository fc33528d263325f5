"""Who may see what the family tells us (issue 22): "All about me", home observations and the
family's answers. Built on pathway.access: import from there, never the other way round.

Staff reach a child only through `children_for` (their setting's, their caseload's, or the SEND
team's), and then only where the family agrees, now, to share with their agency (the setting,
the portage service or the SEND team: `pathway.access.consent`). Read on every request, so a
withdrawal takes effect on the next page. A family reaches only their own linked children
(`family_children_for`); every staff function here gives a family nothing, and the family
functions give staff nothing."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from earlyyears.access import AnyUser, FamilyIdentity, children_for, family_children_for, is_family
from earlyyears.models import Child
from earlyyears.roles import SEND_TEAM_ROLES, Role
from pathway.access import referrals_for
from pathway.access.consent import consent_q
from pathway.models import Agency, AllAboutMe, FamilyQuestion, HomeObservation

# The agency whose consent lets a role see the family's contributions.
AGENCY_OF_ROLE = {
    Role.PRACTITIONER: Agency.SETTING,
    Role.PORTAGE_WORKER: Agency.PORTAGE,
    Role.SEND_OFFICER: Agency.SEND_TEAM,
    Role.SEND_MANAGER: Agency.SEND_TEAM,
}


def agency_of(user: AnyUser) -> str | None:
    if is_family(user) or not user.is_authenticated or not user.is_active:
        return None
    return AGENCY_OF_ROLE.get(user.role)


def story_children_for(user: AnyUser) -> QuerySet[Child]:
    """Children whose family contributions the user may see: children they already see, whose
    family agrees to share with the user's agency."""
    agency = agency_of(user)
    if agency is None:
        return Child.objects.none()
    return children_for(user).filter(consent_q(agency, "pk"))


def may_see_story(user: AnyUser, child: Child) -> bool:
    return story_children_for(user).filter(pk=child.pk).exists()


def all_about_me_for(user: AnyUser) -> QuerySet[AllAboutMe]:
    return AllAboutMe.objects.filter(child__in=story_children_for(user))


def home_observations_for(user: AnyUser) -> QuerySet[HomeObservation]:
    return HomeObservation.objects.filter(child__in=story_children_for(user))


def may_review_home_observations(user: AnyUser) -> bool:
    """The setting (its practitioners) and the SEND team decide; a portage worker reads."""
    agency = agency_of(user)
    return agency in (Agency.SETTING, Agency.SEND_TEAM)


def home_observation_for(user: AnyUser, observation_id: int) -> HomeObservation:
    return get_object_or_404(
        home_observations_for(user).select_related("child", "added_by", "reviewed_by"),
        pk=observation_id,
    )


def family_questions_asked_by_team(user: AnyUser) -> QuerySet[FamilyQuestion]:
    """The SEND team's questions to families, on the referrals they see. Only the SEND team
    asks and reads them: the answers are the family's words to the team."""
    if agency_of(user) != Agency.SEND_TEAM or user.role not in SEND_TEAM_ROLES:
        return FamilyQuestion.objects.none()
    return FamilyQuestion.objects.filter(referral__in=referrals_for(user))


# --- The family's side ------------------------------------------------------------------------


def family_story_child_for(family: FamilyIdentity, child_id: int) -> Child:
    """One of the family's own children, or 404."""
    return get_object_or_404(family_children_for(family).select_related("setting"), pk=child_id)


def family_all_about_me_for(family: FamilyIdentity) -> QuerySet[AllAboutMe]:
    return AllAboutMe.objects.filter(child__in=family_children_for(family))


def family_home_observations_for(family: FamilyIdentity) -> QuerySet[HomeObservation]:
    return HomeObservation.objects.filter(child__in=family_children_for(family))


def family_questions_to_answer_for(family: FamilyIdentity) -> QuerySet[FamilyQuestion]:
    """Questions the SEND team asked about the family's own children."""
    return FamilyQuestion.objects.filter(
        Q(referral__child__in=family_children_for(family))
    ).select_related("referral")
