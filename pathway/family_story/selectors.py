"""Reads for what the family tells us. Every read starts from the access layer
(pathway.access.story): staff see a child's family contributions only where the family agrees
to share with their agency; a family sees only their own children's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from earlyyears.access import AnyUser, FamilyIdentity
from earlyyears.models import Child
from earlyyears.roles import SEND_TEAM_ROLES
from pathway.access.story import (
    all_about_me_for,
    family_all_about_me_for,
    family_home_observations_for,
    family_questions_asked_by_team,
    family_questions_to_answer_for,
    home_observations_for,
    may_review_home_observations,
    story_children_for,
)
from pathway.models import AllAboutMe, FamilyQuestion, HomeObservation, Referral

from .services import written_by_words


def long_date(day: datetime.date | datetime.datetime | None) -> str:
    """'7 August 2026' in the page's language."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day)
    return formats.date_format(day, "j E Y")


def staff_headings() -> list[tuple[str, str]]:
    return [
        ("what_people_like_about_me", "What people like about me"),
        ("what_is_important_to_me", "What is important to me"),
        ("how_i_communicate", "How I communicate"),
        ("strengths", "What I am good at"),
        ("what_works", "What works for me"),
        ("what_is_hard", "What is hard for me"),
        ("hopes", "What we hope for"),
    ]


def family_headings() -> list[tuple[str, str]]:
    return [
        ("what_people_like_about_me", _("What people like about me")),
        ("what_is_important_to_me", _("What is important to me")),
        ("how_i_communicate", _("How I communicate")),
        ("strengths", _("What I am good at")),
        ("what_works", _("What works for me")),
        ("what_is_hard", _("What is hard for me")),
        ("hopes", _("What we hope for")),
    ]


@dataclass
class Version:
    record: AllAboutMe
    who: str
    when: str
    sections: list[tuple[str, str]]


def _version(record: AllAboutMe, headings: list[tuple[str, str]], who: str) -> Version:
    return Version(
        record=record,
        who=who,
        when=long_date(record.written_at),
        sections=[(title, getattr(record, field)) for field, title in headings],
    )


def versions_for_staff(user: AnyUser, child: Child) -> list[Version]:
    """Every version, newest first, with who wrote it and when: one query."""
    rows = (
        all_about_me_for(user)
        .filter(child=child)
        .select_related("written_by_member", "assisted_by")
        .order_by("-version")
    )
    headings = staff_headings()
    return [_version(r, headings, _upper_first(written_by_words(r))) for r in rows]


def family_who(record: AllAboutMe) -> str:
    if record.assisted_by_id:
        name = record.assisted_by.get_full_name() or record.assisted_by.username
        return _("Completed with %(family)s, helped by %(worker)s (portage worker)") % {
            "family": record.completed_with,
            "worker": name,
        }
    if record.written_by_member_id:
        return _("Written by %(name)s") % {"name": record.written_by_member.name}
    return _("Written by your family")


def versions_for_family(family: FamilyIdentity, child: Child) -> list[Version]:
    rows = (
        family_all_about_me_for(family)
        .filter(child=child)
        .select_related("written_by_member", "assisted_by")
        .order_by("-version")
    )
    headings = family_headings()
    return [_version(r, headings, family_who(r)) for r in rows]


def staff_home_observations(user: AnyUser, child: Child) -> QuerySet[HomeObservation]:
    return (
        home_observations_for(user)
        .filter(child=child)
        .select_related("added_by", "reviewed_by")
        .order_by("-added_at", "-pk")
    )


def waiting_home_observations(user: AnyUser) -> QuerySet[HomeObservation]:
    """Home observations waiting for this user's setting or the SEND team to look at them."""
    if not may_review_home_observations(user):
        return HomeObservation.objects.none()
    return home_observations_for(user).filter(status=HomeObservation.Status.WAITING)


def family_home_observations(family: FamilyIdentity, child: Child) -> QuerySet[HomeObservation]:
    return (
        family_home_observations_for(family)
        .filter(child=child)
        .select_related("added_by")
        .order_by("-added_at", "-pk")
    )


def family_questions(family: FamilyIdentity, child: Child) -> list[FamilyQuestion]:
    return list(
        family_questions_to_answer_for(family)
        .filter(referral__child=child)
        .order_by("-asked_at", "-pk")
    )


def status_words_for_family(observation: HomeObservation) -> str:
    return {
        HomeObservation.Status.WAITING: _("Waiting to be looked at"),
        HomeObservation.Status.ACCEPTED: _("Added to your child's record"),
        HomeObservation.Status.DECLINED: _("Not added"),
    }[observation.status]


# --- Sections on staff pages (pathway.views collects them) -----------------------------------


def child_section(user: AnyUser, child: Child) -> dict[str, Any]:
    """On the child's page: the latest "All about me" and when it changed, and home
    observations (the ones added to the record, and how many wait to be looked at). Empty for
    anyone the family has not agreed to share with. Three queries."""
    if not story_children_for(user).filter(pk=child.pk).exists():
        return {}
    latest = (
        all_about_me_for(user)
        .filter(child=child)
        .select_related("written_by_member", "assisted_by")
        .order_by("-version")
        .first()
    )
    observations = list(staff_home_observations(user, child)[:20])
    return {
        "child": child,
        "latest": _version(latest, staff_headings(), _upper_first(written_by_words(latest)))
        if latest
        else None,
        "accepted": [o for o in observations if o.status == HomeObservation.Status.ACCEPTED][:5],
        "waiting": sum(1 for o in observations if o.status == HomeObservation.Status.WAITING),
        "can_review": may_review_home_observations(user),
        "assists": user.role == "portage_worker",
    }


def referral_section(user: AnyUser, referral: Referral) -> dict[str, Any]:
    """On the referral page, for the SEND team: questions to the family and their answers."""
    if getattr(user, "role", None) not in SEND_TEAM_ROLES:
        return {}
    questions = list(
        family_questions_asked_by_team(user)
        .filter(referral=referral)
        .select_related("asked_by", "answered_by", "closed_by")
        .order_by("-asked_at", "-pk")
    )
    return {"referral": referral, "questions": questions}


# --- Subject access (dataprotection reads this) ----------------------------------------------


def family_story_subject_access(child: Child) -> dict[str, Any]:
    """Every version of All about me, every home observation (with what happened to its photo
    or video) and every question to the family, in words: three queries."""
    versions = (
        AllAboutMe.objects.filter(child=child)
        .select_related("written_by_member", "assisted_by")
        .order_by("version")
    )
    observations = (
        HomeObservation.objects.filter(child=child)
        .select_related("added_by", "reviewed_by")
        .order_by("added_at", "pk")
    )
    questions = (
        FamilyQuestion.objects.filter(referral__child=child)
        .select_related("referral", "asked_by", "answered_by", "closed_by")
        .order_by("asked_at", "pk")
    )
    media_words = {"photo": "a photo", "video": "a video"}
    return {
        "all_about_me_versions": [
            {
                "version": v.version,
                "written": v.written_at,
                "who": _upper_first(written_by_words(v)),
                **{title: getattr(v, field) for field, title in staff_headings()},
            }
            for v in versions
        ],
        "home_observations": [
            {
                "added": o.added_at,
                "added_by": o.added_by.name if o.added_by else "The family",
                "area_of_development": o.get_eyfs_area_display(),
                "what_they_saw": o.note,
                "photo_or_video": (
                    f"Yes, {media_words.get(_kind(o.media_type), 'a file')} "
                    f"called {o.media_name or 'without a name'} (held; ask for a copy)"
                    if o.media
                    else (
                        f"Removed on {o.media_removed_at:%-d %B %Y} under the retention rules"
                        if o.media_removed_at
                        else "None"
                    )
                ),
                "what_happened": o.get_status_display(),
                "looked_at_by": o.reviewed_by.get_full_name() if o.reviewed_by else "",
                "looked_at": o.reviewed_at,
                "reason_given_to_the_family": o.decline_reason,
            }
            for o in observations
        ],
        "questions_to_the_family": [
            {
                "referral": q.referral.reference,
                "asked": q.asked_at,
                "asked_by": q.asked_by.get_full_name() or q.asked_by.username,
                "question": q.question,
                "answer": q.answer,
                "answered_by": q.answered_by.name if q.answered_by else "",
                "answered": q.answered_at,
                "closed_without_an_answer": q.closed_at,
            }
            for q in questions
        ],
    }


def _kind(content_type: str) -> str:
    return content_type.split("/", 1)[0].replace("image", "photo") if content_type else ""


def _upper_first(words: str) -> str:
    return words[:1].upper() + words[1:]
