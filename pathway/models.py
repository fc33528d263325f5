"""The pathway's records: observations, concern drafts, referrals, routing rules, events."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

from earlyyears.models import Area, Child, Setting, User
from earlyyears.needs import EYFSArea


class PrivateStorage(FileSystemStorage):
    """Uploads live outside MEDIA_ROOT and have no URL: streamed only through the access layer.

    The location is read from PRIVATE_MEDIA_ROOT each time, so it follows the setting."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL: stream them through the access layer")


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class ShareWith(models.TextChoices):
    """Who a family agreed to share a referral with."""

    SEND_TEAM = "send_team", "The Early Years SEND team"
    PORTAGE = "portage", "The portage service"
    EARLY_HELP = "early_help", "Early help services"
    HEALTH = "health", "Health professionals (for example health visitor, therapists)"


class Route(models.TextChoices):
    SEND_TEAM = "send_team", "Early Years SEND team"
    PORTAGE = "portage", "Portage"
    EARLY_HELP = "early_help", "Early Help Assessment"
    LOCAL_OFFER = "local_offer", "Signpost to the local offer"


def observation_upload_to(instance: Observation, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"observations/{instance.child_id}/{uuid.uuid4().hex}.{suffix}"


class Observation(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="observations")
    setting = models.ForeignKey(
        Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )
    eyfs_area = models.CharField("Area of learning", max_length=40, choices=EYFSArea.choices)
    observed_on = models.DateField()
    what_was_seen = models.TextField()
    strengths = models.TextField(blank=True)
    observer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="observations")
    attachment = models.FileField(
        upload_to=observation_upload_to, storage=private_storage, blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-observed_on", "-created_at"]
        indexes = [models.Index(fields=["child", "-observed_on"])]

    def __str__(self) -> str:
        return f"{self.get_eyfs_area_display()} on {self.observed_on:%d %B %Y}"


class RoutingRuleSet(models.Model):
    """A versioned set of routing rules. One is published at a time; published sets never change,
    so every referral can say exactly which rules decided it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True, help_text="What changed in this version, and why")
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="published"),
                name="one_published_rule_set",
            )
        ]

    def __str__(self) -> str:
        return f"Routing rules version {self.version} ({self.get_status_display().lower()})"


class RoutingRule(models.Model):
    rule_set = models.ForeignKey(RoutingRuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, help_text="Plain words: shown in every explanation")
    route = models.CharField(max_length=20, choices=Route.choices)
    conditions = models.JSONField(
        default=list,
        blank=True,
        help_text='All must hold. A list of {"fact": ..., "op": ..., "value": ...}; '
        "an empty list matches every referral.",
    )
    fallback = models.BooleanField(
        default=False,
        help_text="Only considered when no other rule matched; the first matching fallback wins",
    )

    class Meta:
        ordering = ["rule_set", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class ConcernDraft(models.Model):
    """A concern being written. Lives in the database, not the session, so a practitioner can
    stop and carry on later on another device; keyed by its id in the URL so two tabs with two
    children never share answers."""

    class Mode(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner"
        WITH_FAMILY = "with_family", "Completed with the family"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="concern_drafts")
    setting = models.ForeignKey(
        Setting, null=True, blank=True, on_delete=models.CASCADE, related_name="concern_drafts"
    )
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="concern_drafts"
    )
    child_name = models.CharField(max_length=200, blank=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.PRACTITIONER)
    data = models.JSONField(default=dict, blank=True)
    current_step = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "submitted_at", "-updated_at"])]

    def __str__(self) -> str:
        return f"Draft concern about {self.child_name or 'a child'}"

    @property
    def is_expired(self) -> bool:
        return self.submitted_at is None and self.expires_at <= timezone.now()


class Referral(models.Model):
    """One way in for every route: a setting's concern, a health notification or a family's
    request all land here, with their source, and go through the same routing."""

    class Source(models.TextChoices):
        SETTING_CONCERN = "setting_concern", "Concern from an early years setting"
        HEALTH_NOTIFICATION = "health_notification", "Health notification (section 23)"
        PARENT_REQUEST = "parent_request", "Request from a parent or carer"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for triage"
        IN_TRIAGE = "in_triage", "Being triaged"
        MORE_INFORMATION = "more_information", "More information requested"
        ACCEPTED = "accepted", "Accepted"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    setting = models.ForeignKey(
        Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=30, choices=Source.choices)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="referrals")
    submitted_at = models.DateTimeField(default=timezone.now)
    draft = models.OneToOneField(
        ConcernDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="referral"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    answers = models.JSONField(default=dict, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    routes = models.JSONField(default=list, blank=True)
    routing_reasons = models.JSONField(default=list, blank=True)
    rule_set = models.ForeignKey(RoutingRuleSet, on_delete=models.PROTECT, related_name="referrals")
    broad_areas_of_need = models.JSONField(default=list, blank=True)
    ehc_assessment_requested = models.BooleanField(default=False)
    consent_given_by = models.CharField(max_length=200, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    share_with = models.JSONField(default=list, blank=True)
    sms_consent = models.BooleanField(default=False)
    completed_with_family = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["setting", "-submitted_at"]),
            models.Index(fields=["area", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"Referral {self.pk}"

    @property
    def share_with_labels(self) -> list[str]:
        return [ShareWith(code).label for code in self.share_with if code in ShareWith.values]

    @property
    def route_labels(self) -> list[str]:
        return [Route(route).label for route in self.routes if route in Route.values]


class ReferralRoute(models.Model):
    """A route a referral is on now. Starts as the rules decided; triage may change it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="current_routes")
    route = models.CharField(max_length=20, choices=Route.choices)
    decided_by_rules = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "route"], name="route_once_per_referral")
        ]
        indexes = [models.Index(fields=["route", "referral"])]

    def __str__(self) -> str:
        return f"{self.referral} on {self.get_route_display()}"


class ReferralEvent(models.Model):
    """Every change to a case is an event; the case timeline is built from them."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ROUTED = "routed", "Routed"
        VIEWED = "viewed", "Record viewed"
        STATUS_CHANGED = "status_changed", "Status changed"
        NOTE = "note", "Note"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"
