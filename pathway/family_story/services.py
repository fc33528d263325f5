"""Writes for what the family tells us (issue 22): a new version of "All about me", a home
observation with its photo or video, the setting's or SEND team's review of it, and the SEND
team's questions to the family with their answers. Each write is one transaction; a file is
stored inside it and removed again if the transaction fails, so nothing is half-saved."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from earlyyears.access import open_family_links
from earlyyears.messaging.services import queue_message
from earlyyears.models import Child, FamilyMember, User, display_name
from earlyyears.needs import EYFSArea
from pathway.models import AllAboutMe, FamilyQuestion, HomeObservation, Referral, ReferralEvent
from pathway.timeline import record_event, record_event_on_latest

from . import media

# The sections in the order the family reads them: (field, heading). Headings are marked for
# translation where they are shown (selectors.section_headings).
ABOUT_ME_FIELDS = ("what_people_like_about_me", "what_is_important_to_me", "how_i_communicate")
MATTERS_FIELDS = ("strengths", "what_works", "what_is_hard", "hopes")
STORY_FIELDS = ABOUT_ME_FIELDS + MATTERS_FIELDS
NOTE_LENGTH = 2000
ANSWER_LENGTH = 4000


class StoryError(ValueError):
    """Something the rules do not allow; the message says why, in plain words."""


def send_team_phone() -> str:
    return getattr(settings, "SEND_TEAM_PHONE", "") or "the council"


# --- All about me -----------------------------------------------------------------------------


def latest_version(child: Child) -> AllAboutMe | None:
    return AllAboutMe.objects.filter(child=child).order_by("-version").first()


def save_all_about_me(
    child: Child,
    fields: dict[str, Any],
    *,
    member: FamilyMember | None = None,
    assisted_by: User | None = None,
    completed_with: str = "",
    relationship: str = "",
) -> AllAboutMe:
    """A new version, written by a family member (`member`) or by the family with their portage
    worker (`assisted_by`, naming who in the family it was completed with). Earlier versions are
    never changed. Refused if nothing is written or nothing changed."""
    if (member is None) == (assisted_by is None):
        raise TypeError("A version is written by a family member or assisted by a worker")
    unknown = set(fields) - set(STORY_FIELDS)
    if unknown:
        raise TypeError(f"Not an All about me field: {', '.join(sorted(unknown))}")
    values = {name: (fields.get(name) or "").strip() for name in STORY_FIELDS}
    if not any(values.values()):
        raise StoryError(_("Write something in at least one of the boxes"))
    completed_with = (completed_with or "").strip()
    relationship = (relationship or "").strip()
    if assisted_by is not None and not completed_with:
        raise StoryError(_("Enter the name of the family member you completed this with"))
    with transaction.atomic():
        # One writer at a time per child, so two saves never take the same version number.
        Child.objects.select_for_update().filter(pk=child.pk).first()
        latest = latest_version(child)
        if latest is not None and all(getattr(latest, n) == v for n, v in values.items()):
            raise StoryError(_("You have not changed anything"))
        version = AllAboutMe.objects.create(
            child=child,
            version=(latest.version + 1) if latest else 1,
            written_by_member=member,
            assisted_by=assisted_by,
            completed_with=completed_with if assisted_by else "",
            relationship=relationship if assisted_by else "",
            **values,
        )
        record_event_on_latest(
            child,
            ReferralEvent.Kind.CHILD_RECORD,
            assisted_by,
            f"“All about me” version {version.version}: {written_by_words(version)}",
            all_about_me=version.pk,
        )
    return version


def written_by_words(version: AllAboutMe) -> str:
    """Who wrote a version, in the words staff see (no codes)."""
    if version.assisted_by_id:
        who = version.completed_with
        if version.relationship:
            who = f"{who} ({version.relationship})"
        return f"completed with the family ({who}), assisted by {display_name(version.assisted_by)}"
    if version.written_by_member_id:
        return f"written by {version.written_by_member.name} (family)"
    return "written by the family"


# --- Home observations ------------------------------------------------------------------------


def add_home_observation(
    child: Child,
    member: FamilyMember,
    *,
    eyfs_area: str,
    note: str,
    upload: File | None = None,
) -> HomeObservation:
    """The family's observation, waiting for the setting or SEND team to look at it. The file's
    type is checked from its bytes before anything is stored; the file is stored in the same
    transaction and deleted again if the row is not saved."""
    note = (note or "").strip()
    if not note:
        raise StoryError(_("Write what you saw"))
    if len(note) > NOTE_LENGTH:
        raise StoryError(
            _("What you saw must be %(count)s characters or fewer") % {"count": NOTE_LENGTH}
        )
    if eyfs_area not in EYFSArea.values:
        raise StoryError(_("Choose the area of development it is about"))
    found = None
    if upload is not None:
        try:
            found = media.check(upload)
        except ValidationError as error:
            raise StoryError(error.messages[0]) from error
    stored = ""
    observation = HomeObservation(
        child=child, added_by=member, eyfs_area=eyfs_area, note=note, added_at=timezone.now()
    )
    try:
        with transaction.atomic():
            if upload is not None and found is not None:
                upload.seek(0)
                observation.media.save(f"upload.{found.extension}", upload, save=False)
                stored = observation.media.name
                observation.media_name = (getattr(upload, "name", "") or "")[:200]
                observation.media_type = found.content_type
            observation.save()
            record_event_on_latest(
                child,
                ReferralEvent.Kind.CHILD_RECORD,
                None,
                f"The family added a home observation ({EYFSArea(eyfs_area).label}); "
                "waiting to be looked at",
                home_observation=observation.pk,
            )
    except Exception:
        if stored:
            with contextlib.suppress(Exception):
                observation.media.storage.delete(stored)
        raise
    return observation


def review_home_observation(
    observation: HomeObservation, *, by: User, accept: bool, reason: str = ""
) -> HomeObservation:
    """Accept (it joins the child's record) or decline with a reason the family can read."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise StoryError("Enter why it is not being added, in words the family will read")
    with transaction.atomic():
        locked = HomeObservation.objects.select_for_update().get(pk=observation.pk)
        if locked.status != HomeObservation.Status.WAITING:
            raise StoryError("Someone has already looked at this home observation")
        locked.status = (
            HomeObservation.Status.ACCEPTED if accept else HomeObservation.Status.DECLINED
        )
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.decline_reason = "" if accept else reason
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "decline_reason"])
        area = EYFSArea(locked.eyfs_area).label
        record_event_on_latest(
            locked.child,
            ReferralEvent.Kind.CHILD_RECORD,
            by,
            f"Home observation ({area}) "
            + ("added to the record" if accept else "not added")
            + f" by {display_name(by)}",
            home_observation=locked.pk,
        )
    return locked


def remove_media(observation: HomeObservation) -> None:
    """Retention: the photo or video goes, the note and the review stay."""
    name = observation.media.name
    HomeObservation.objects.filter(pk=observation.pk).update(
        media="", media_removed_at=timezone.now()
    )
    if name:
        storage = observation.media.storage
        transaction.on_commit(lambda: storage.delete(name))


# --- Questions to the family ------------------------------------------------------------------


def ask_family(referral: Referral, *, by: User, question: str) -> FamilyQuestion:
    """The SEND team asks; the family is told by text (no words of the question in the text)
    and answers on their own pages."""
    question = (question or "").strip()
    if not question:
        raise StoryError("Enter the question")
    if len(question) > NOTE_LENGTH:
        raise StoryError(f"The question must be {NOTE_LENGTH} characters or fewer")
    with transaction.atomic():
        asked = FamilyQuestion.objects.create(referral=referral, question=question, asked_by=by)
        record_event(
            referral,
            ReferralEvent.Kind.INFORMATION_REQUESTED,
            by,
            f"Asked the family a question ({display_name(by)})",
            family_question=asked.pk,
        )
        for link in (
            open_family_links().filter(child=referral.child).select_related("contact", "member")
        ):
            queue_message(
                key=f"family-question:{asked.pk}:{link.pk}",
                template="family_question_family",
                context={"authority": settings.AUTHORITY_NAME, "phone": send_team_phone()},
                contact=link.contact,
                child=referral.child,
                language=link.member.preferred_language or "en",
            )
    return asked


def close_question(question: FamilyQuestion, *, by: User) -> FamilyQuestion:
    with transaction.atomic():
        locked = FamilyQuestion.objects.select_for_update().get(pk=question.pk)
        if not locked.is_open:
            raise StoryError("This question is already answered or closed")
        locked.closed_by = by
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_by", "closed_at"])
        record_event(
            locked.referral,
            ReferralEvent.Kind.INFORMATION_REQUESTED,
            by,
            f"Closed a question to the family without an answer ({display_name(by)})",
            family_question=locked.pk,
        )
    return locked


def answer_question(
    question: FamilyQuestion, *, member: FamilyMember, answer: str
) -> FamilyQuestion:
    """The family's answer joins the referral (its timeline and the referral page) and the SEND
    team is told by email: whoever asked, and the officer holding the referral."""
    answer = (answer or "").strip()
    if not answer:
        raise StoryError(_("Write your answer"))
    if len(answer) > ANSWER_LENGTH:
        raise StoryError(
            _("Your answer must be %(count)s characters or fewer") % {"count": ANSWER_LENGTH}
        )
    with transaction.atomic():
        locked = (
            FamilyQuestion.objects.select_for_update(of=("self",))
            .select_related("referral", "referral__allocated_to", "referral__child", "asked_by")
            .get(pk=question.pk)
        )
        if locked.closed_at is not None:
            raise StoryError(
                _(
                    "The SEND team has closed this question, so it cannot take an answer now. "
                    "If you still want to tell them something, call %(phone)s."
                )
                % {"phone": send_team_phone()}
            )
        if locked.answered_at is not None:
            raise StoryError(_("You have already answered this question"))
        locked.answer = answer
        locked.answered_by = member
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        referral = locked.referral
        record_event(
            referral,
            ReferralEvent.Kind.INFORMATION_GIVEN,
            None,
            f"The family ({member.name}) answered the SEND team's question",
            family_question=locked.pk,
        )
        told = set()
        for officer in (locked.asked_by, referral.allocated_to):
            if officer is None or officer.pk in told or not officer.email:
                continue
            told.add(officer.pk)
            queue_message(
                key=f"family-question:{locked.pk}:answered:{officer.pk}",
                template="family_answered_staff",
                context={"authority": settings.AUTHORITY_NAME, "reference": referral.reference},
                channel="email",
                user=officer,
                child=referral.child,
            )
    return locked
