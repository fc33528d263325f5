"""What the family tells us once (issue 22): "All about me" and "what matters to us" with every
version kept, home observations the family adds (reviewed before they join the record) and the
SEND team's questions to the family with their answers."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from earlyyears import storage
from earlyyears.models import Child, FamilyMember, User
from earlyyears.needs import EYFSArea

__all__: list[str] = [
    "AllAboutMe",
    "FamilyQuestion",
    "HomeObservation",
    "home_observation_upload_to",
    "home_observation_storage",
]


class AllAboutMe(models.Model):
    """One version of the child's "All about me" and "what matters to us". A change is a new
    version, never an edit: the latest is what professionals see, the rest is its history.
    Written by a family member on their own pages, or by a portage worker sitting with the family
    (then `completed_with` names the family member and `assisted_by` the worker)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="all_about_me")
    version = models.PositiveIntegerField()
    # All about me
    what_people_like_about_me = models.TextField(blank=True)
    what_is_important_to_me = models.TextField(blank=True)
    how_i_communicate = models.TextField(blank=True)
    # What matters to us
    strengths = models.TextField("What I am good at", blank=True)
    what_works = models.TextField("What works for me", blank=True)
    what_is_hard = models.TextField("What is hard for me", blank=True)
    hopes = models.TextField("What we hope for", blank=True)
    # Who wrote it
    written_by_member = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assisted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_with = models.CharField("Family member's name", max_length=200, blank=True)
    relationship = models.CharField(max_length=100, blank=True)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["child", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["child", "version"], name="one_all_about_me_version")
        ]
        verbose_name = "All about me version"

    def __str__(self) -> str:
        return f"All about me, version {self.version}: {self.child}"


def home_observation_upload_to(instance: HomeObservation, filename: str) -> str:
    """A name that says nothing the family chose (the extension is the detected type's)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"home-observations/{instance.child_id}/{uuid.uuid4().hex}.{suffix}"


def home_observation_storage():
    """The private store (never a URL): streamed only through the access layer."""
    return storage.private()


class HomeObservation(models.Model):
    """Something the family saw at home, with an optional photo or short video. It joins the
    child's record only once the setting or the SEND team accepts it."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to be looked at"
        ACCEPTED = "accepted", "Added to the record"
        DECLINED = "declined", "Not added"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="home_observations")
    added_by = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eyfs_area = models.CharField("Area of development", max_length=40, choices=EYFSArea.choices)
    note = models.TextField()
    media = models.FileField(
        upload_to=home_observation_upload_to,
        storage=home_observation_storage,
        blank=True,
        max_length=200,
    )
    media_name = models.CharField(max_length=200, blank=True)
    media_type = models.CharField(max_length=40, blank=True)
    media_removed_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        indexes = [models.Index(fields=["child", "status", "-added_at"])]

    def __str__(self) -> str:
        return f"Home observation: {self.get_eyfs_area_display()}"


class FamilyQuestion(models.Model):
    """The SEND team asks the family something about a referral; the family answers on their
    own pages. A closed question takes no answer."""

    referral = models.ForeignKey(
        "pathway.Referral", on_delete=models.CASCADE, related_name="family_questions"
    )
    question = models.TextField()
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return f"Question to the family about {self.referral}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.closed_at is None
