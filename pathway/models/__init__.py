"""The pathway's records: observations, concern drafts, referrals, routing rules, events."""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage
from django.db import models
from django.dispatch import Signal
from django.utils import timezone

from earlyyears import storage
from earlyyears.models import Area, Child, Setting, User
from earlyyears.needs import EYFSArea


def private_storage() -> Storage:
    """Observation files are child files: the `private` storage alias (earlyyears.storage), on
    the local disk outside MEDIA_ROOT or in the object store's private bucket, never given a
    URL, streamed only through the access layer. (Named in migrations: keep the name.)"""
    return storage.private()


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
    allocated_to = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_referrals"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    next_due_on = models.DateField(
        null=True, blank=True, help_text="When the most urgent running clock falls due"
    )
    next_due_soon_from = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            # The triage queue's order, over waiting referrals only: the first page reads 25
            # index entries instead of sorting every waiting referral.
            models.Index(
                fields=["next_due_on", "submitted_at", "id"],
                condition=models.Q(status__in=["submitted", "in_triage", "more_information"]),
                name="waiting_queue_order",
            ),
            # The queue sorted by when it was received, either way; covering the counts, so
            # that the counts of the queue filtered by waiting time read a range of it only.
            models.Index(
                fields=["submitted_at", "id"],
                include=["allocated_to", "next_due_on", "next_due_soon_from", "status"],
                condition=models.Q(status__in=["submitted", "in_triage", "more_information"]),
                name="waiting_queue_received",
            ),
            # The queue's counts: every column they read, so they are an index-only scan; narrow,
            # so the planner also walks it for the due soon filter (its two dates are here).
            models.Index(
                fields=["allocated_to", "next_due_on", "next_due_soon_from", "status", "id"],
                condition=models.Q(status__in=["submitted", "in_triage", "more_information"]),
                name="waiting_queue_counts",
            ),
            # The same keys with every column a filter tests
            # (INCLUDE, PostgreSQL only), so the counts of the queue filtered by route, area,
            # setting, need, waiting time or child are an index-only scan of the waiting
            # referrals, never a read of the table (migration 0015).
            models.Index(
                fields=["allocated_to", "next_due_on", "next_due_soon_from", "status", "id"],
                include=[
                    "setting",
                    "area",
                    "child",
                    "submitted_at",
                    "routes",
                    "broad_areas_of_need",
                ],
                condition=models.Q(status__in=["submitted", "in_triage", "more_information"]),
                name="waiting_queue_filters",
            ),
            # The waiting referrals at a setting, with the columns the counts read: without
            # it the planner takes the needs GIN index for "waiting" and reads all of it.
            models.Index(
                fields=["setting", "id"],
                include=["allocated_to", "next_due_on", "next_due_soon_from", "status"],
                condition=models.Q(status__in=["submitted", "in_triage", "more_information"]),
                name="waiting_queue_setting",
            ),
            # The same for an area (a district filter names its wards), with the columns the
            # other filters test, so the counts with an area are an index-only range.
            models.Index(
                fields=["area", "id"],
                include=[
                    "allocated_to",
                    "next_due_on",
                    "next_due_soon_from",
                    "status",
                    "submitted_at",
                    "routes",
                    "broad_areas_of_need",
                ],
                condition=models.Q(status__in=["submitted", "in_triage", "more_information"]),
                name="waiting_queue_area",
            ),
            # The waiting referrals without a setting, by id: the run after the last setting
            # when the queue is sorted by setting.
            models.Index(
                fields=["id"],
                condition=models.Q(
                    status__in=["submitted", "in_triage", "more_information"],
                    setting__isnull=True,
                ),
                name="waiting_queue_no_setting",
            ),
            models.Index(fields=["allocated_to", "status"]),
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

    @property
    def is_waiting(self) -> bool:
        return self.status in Referral.WAITING


Referral.WAITING = (
    Referral.Status.SUBMITTED,
    Referral.Status.IN_TRIAGE,
    Referral.Status.MORE_INFORMATION,
)


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
        CLAIMED = "claimed", "Claimed"
        ALLOCATED = "allocated", "Allocated"
        DECISION = "decision", "Decision"
        INFORMATION_REQUESTED = "information_requested", "More information requested"
        INFORMATION_GIVEN = "information_given", "More information given"
        FUNDING_AWARDED = "funding_awarded", "Inclusion funding awarded"
        CLOCK = "clock", "Clock"
        PANEL = "panel", "Panel"
        EARLY_HELP = "early_help", "Early help"
        EHC = "ehc", "EHC needs assessment and plan"
        ADVICE = "advice", "Advice"
        TEAM_AROUND_THE_CHILD = "tac", "Team Around the Child"
        PORTAGE = "portage", "Portage"
        CONSENT = "consent", "Consent to share"
        CHILD_RECORD = "child_record", "Child's record"

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


class SharingOverride(models.Model):
    """Sharing a referral with a service the family did not agree to, on a recorded lawful basis
    (for example to keep a child safe). Only a SEND manager records one; it is never silent."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="sharing_overrides"
    )
    service = models.CharField(max_length=20, choices=ShareWith.choices)
    reason = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "service"], name="one_sharing_override_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral} shared with {self.get_service_display()}"


# Sent after clock policies are changed by a write that sends no post_save (an update() or a
# bulk write), so the processes' copies of the policies (pathway.clocks) are read again.
clock_policies_changed = Signal()


class ClockPolicyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        rows = super().update(**kwargs)
        clock_policies_changed.send(sender=self.model)
        return rows

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        clock_policies_changed.send(sender=self.model)
        return created


class ClockPolicy(models.Model):
    """A service-level or statutory clock. Rows, not code, so the LA can change its own targets;
    the statutory ones are seeded and marked so."""

    class Counting(models.TextChoices):
        WORKING_DAYS = "working_days", "Working days (England and Wales bank holidays excluded)"
        CALENDAR_DAYS = "calendar_days", "Calendar days"

    class AppliesTo(models.TextChoices):
        EVERY_REFERRAL = "every_referral", "Every referral"
        EHC_REQUEST = "ehc_request", "Referrals that request an EHC needs assessment"

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    length = models.PositiveSmallIntegerField(help_text="How many days the clock runs")
    counting = models.CharField(max_length=20, choices=Counting.choices)
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices)
    due_soon_days = models.PositiveSmallIntegerField(
        default=3, help_text="Shown as due soon this many days (same counting) before it is due"
    )
    stopped_by = models.JSONField(
        default=list, help_text="Decision kinds that stop this clock (any one of them)"
    )
    statutory = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ClockPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "clock policies"

    def __str__(self) -> str:
        return self.name


class ReferralClock(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="clocks")
    policy = models.ForeignKey(ClockPolicy, on_delete=models.PROTECT, related_name="clocks")
    started_on = models.DateField()
    due_on = models.DateField()
    due_soon_from = models.DateField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "policy"], name="one_clock_per_policy")
        ]
        indexes = [models.Index(fields=["stopped_at", "due_soon_from"])]

    def __str__(self) -> str:
        return f"{self.policy} for {self.referral}"


class PanelMeeting(models.Model):
    """The multi-agency Early Years panel, where referrals are decided together."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        MINUTES_PUBLISHED = "minutes_published", "Minutes published"

    held_on = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="panel_meetings"
    )
    chair = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    notes = models.TextField(blank=True, help_text="General notes for the minutes")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    minutes_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Early Years panel, {self.held_on:%-d %B %Y}"


class PanelMember(models.Model):
    class Agency(models.TextChoices):
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"
        SEND_TEAM = "send_team", "Early Years SEND team"
        PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    role_title = models.CharField("Role", max_length=200, blank=True)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return self.name


class PanelAgendaItem(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="items")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="panel_items")
    position = models.PositiveSmallIntegerField(default=0)
    discussion = models.TextField(blank=True)
    decision = models.OneToOneField(
        "Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="panel_item"
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "referral"], name="referral_once_per_panel")
        ]

    def __str__(self) -> str:
        return f"{self.referral} at {self.meeting}"


class Decision(models.Model):
    """A decision on a referral, by an officer or at panel; the same rules apply to both."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accept onto a route"
        REROUTE = "reroute", "Re-route"
        MORE_INFORMATION = "more_information", "Ask the setting for more information"
        FUNDING = "funding", "Award inclusion funding"
        SIGNPOST = "signpost", "Signpost to the local offer"
        CLOSE = "close", "Close with no further action"
        EHC_ASSESS = "ehc_assess", "Agree to carry out an EHC needs assessment"
        EHC_NOT_ASSESS = "ehc_not_assess", "Decide not to carry out an EHC needs assessment"
        EHC_PLAN_ISSUED = "ehc_plan_issued", "Final EHC plan issued"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    routes = models.JSONField(default=list, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    at_panel = models.ForeignKey(
        PanelMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["referral", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.referral})"


class InformationRequest(models.Model):
    """The SEND team asks the setting a question; the setting answers in the app."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="information_requests"
    )
    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="information_request"
    )
    question = models.TextField()
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"Question about {self.referral}"


class FundingBudget(models.Model):
    """Inclusion (top-up) funding available for a financial year, county-wide or for one area."""

    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2026 means April 2026 to March 2027"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="funding_budgets"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["-financial_year", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "area"], name="one_budget_per_area"),
            models.UniqueConstraint(
                fields=["financial_year"],
                condition=models.Q(area__isnull=True),
                name="one_county_budget_per_year",
            ),
        ]

    def __str__(self) -> str:
        end = (self.financial_year + 1) % 100
        return f"{self.area or 'County'} {self.financial_year}-{end:02d}"


class FundingAward(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="funding_awards")
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="funding_award"
    )
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="funding_awards")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="funding_awards")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    starts_on = models.DateField()
    ends_on = models.DateField()
    review_on = models.DateField()
    financial_year = models.PositiveSmallIntegerField()
    awarded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-awarded_at"]
        indexes = [
            models.Index(fields=["financial_year", "setting"]),
            models.Index(fields=["financial_year", "area"]),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} to {self.setting}"


class PortageVisit(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="portage_visits")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="portage_visits")
    visited_on = models.DateField()
    goals = models.TextField(help_text="What you and the family are working towards")
    progress = models.TextField(help_text="What the child did and how it went")
    next_steps = models.TextField(blank=True)
    next_visit_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["child", "-visited_on"])]

    def __str__(self) -> str:
        return f"Home visit on {self.visited_on:%-d %B %Y}"


class FamilyPaperwork(models.Model):
    """ "All about me" and the family's consent, completed with the family by their portage
    worker. One current version per child; each save is an event on the child's referrals."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="family_paperwork")
    completed_by = models.CharField("Completed with (family member's name)", max_length=200)
    relationship = models.CharField("Their relationship to the child", max_length=100)
    what_people_like_about_me = models.TextField()
    what_is_important_to_me = models.TextField()
    how_best_to_support_me = models.TextField()
    how_i_communicate = models.TextField(blank=True)
    family_hopes = models.TextField("The family's hopes for the future", blank=True)
    family_worries = models.TextField(blank=True)
    consent_to_share = models.JSONField(default=list, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "family paperwork"

    def __str__(self) -> str:
        return f"All about me: {self.child}"


class EarlyHelpHandoff(models.Model):
    """A referral routed to an Early Help Assessment, and what the coordinator did with it."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Waiting for the early help coordinator"
        ACCEPTED = "accepted", "Accepted by early help"
        DECLINED = "declined", "Declined by early help"
        CLOSED = "closed", "Closed with an outcome"

    class Outcome(models.TextChoices):
        EHA_COMPLETED = "eha_completed", "Early Help Assessment completed, plan in place"
        FAMILY_SUPPORT = "family_support", "Family support without a full assessment"
        STEPPED_UP = "stepped_up", "Stepped up to children's social care"
        FAMILY_DECLINED = "family_declined", "The family declined early help"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="early_help_handoff"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    coordinator = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"Early help hand-off for {self.referral}"


class Discipline(models.TextChoices):
    """Who sits around the table, and who gives advice."""

    SLT = "slt", "Speech and language therapy"
    OT = "ot", "Occupational therapy"
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
    PAEDIATRICS = "paediatrics", "Paediatrics"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    PORTAGE = "portage", "Portage"
    SETTING_SENCO = "setting_senco", "Setting SENCO"
    SOCIAL_CARE = "social_care", "Social care"
    EARLY_HELP = "early_help", "Early help"
    SEND_TEAM = "send_team", "Early Years SEND team"
    PARENT = "parent", "Parent or carer"
    OTHER = "other", "Other"


class TacMeeting(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="tac_meetings")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["child", "-held_on"])]

    def __str__(self) -> str:
        return f"Team Around the Child meeting, {self.held_on:%-d %B %Y}"


class TacAttendee(models.Model):
    meeting = models.ForeignKey(TacMeeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    discipline = models.CharField(max_length=30, choices=Discipline.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    present = models.BooleanField(default=True)

    class Meta:
        ordering = ["discipline", "name"]

    def __str__(self) -> str:
        return self.name


class TacAction(models.Model):
    meeting = models.ForeignKey(TacMeeting, on_delete=models.CASCADE, related_name="actions")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="tac_actions")
    description = models.TextField()
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="tac_actions"
    )
    owner_name = models.CharField(
        max_length=200, blank=True, help_text="For an owner without an account (a parent)"
    )
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.description[:60]


class AdviceTemplate(models.Model):
    """The shape advice takes for each discipline, so every professional answers the same
    questions ("we can't write a good plan without good advice")."""

    discipline = models.CharField(max_length=30, choices=Discipline.choices, unique=True)
    title = models.CharField(max_length=200)
    questions = models.JSONField(
        default=list, help_text='A list of {"key": ..., "label": ..., "hint": ...}'
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AdviceRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SUBMITTED = "submitted", "Advice given"
        WITHDRAWN = "withdrawn", "Withdrawn"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="advice_requests")
    template = models.ForeignKey(AdviceTemplate, on_delete=models.PROTECT, related_name="+")
    discipline = models.CharField(max_length=30, choices=Discipline.choices)
    questions = models.JSONField(default=list, help_text="The template's questions when asked")
    professional = models.ForeignKey(User, on_delete=models.PROTECT, related_name="advice_requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True, help_text="What the SEND team wants to know")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["professional", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_discipline_display()} advice on {self.referral}"


class NeedFigure(models.Model):
    """Planning figures, pre-computed so the heatmap never scans referrals (DESIGN rule 5 and
    the scaling note): one row per area (every level of the hierarchy: a district's row counts
    its wards' referrals and its own), calendar month and slice.

    A slice is one need filter crossed with one age band: `broad_area` or `eyfs_area` (never
    both; both blank is every need) and `age_band` (blank is every age). Every figure adds up
    across months and across the areas inside a parent, so quarters, years and totals are sums:
    `children` counts each child once, in the month and area of their *first* concern in the
    slice (children newly raised), `referrals` counts every referral, and `route_*` the
    referrals on each route now. Rebuilt by `pathway.planning.rebuild_need_figures`."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the calendar month")
    broad_area = models.CharField(max_length=40, blank=True)
    eyfs_area = models.CharField(max_length=40, blank=True)
    age_band = models.CharField(max_length=5, blank=True)
    children = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(default=0)
    route_send_team = models.PositiveIntegerField(default=0)
    route_portage = models.PositiveIntegerField(default=0)
    route_early_help = models.PositiveIntegerField(default=0)
    route_local_offer = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month", "broad_area", "eyfs_area", "age_band"],
                name="one_need_figure_per_cell",
            )
        ]
        indexes = [models.Index(fields=["broad_area", "eyfs_area", "month", "area"])]

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m} {self.broad_area or self.eyfs_area or 'all'}"


class NeedFiguresState(models.Model):
    """One row: versions of the planning figures, so suppressed tables worked out from them are
    kept until they change: `version` goes up with every rebuild, and a year's entry in
    `year_versions` with every refresh of a month in that year."""

    version = models.PositiveBigIntegerField(default=0)
    year_versions = models.JSONField(default=dict, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Planning figures version {self.version}"


class NeedFigureRefresh(models.Model):
    """A cell (an area's month) whose planning figures are to be worked out again. Each
    referral's refresh adds its cells here, then takes every cell waiting: in a burst of
    submissions the first refresh to get its turn does them all, once each, and the others
    find nothing left. Areas and months only, never a child."""

    area = models.ForeignKey("earlyyears.Area", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "month"], name="one_refresh_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m}"


class PossibleMatch(models.Model):
    """Two child records that may be the same child: a submission from someone who could not see
    the existing record made its own, provisional one. Only the SEND team decides; nothing about
    the match is ever shown to the person who sent it."""

    class Status(models.TextChoices):
        OPEN = "open", "To check"
        SAME_CHILD = "same_child", "Same child: merged"
        DIFFERENT = "different", "Different children"

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="possible_matches_as_new"
    )
    existing = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="possible_matches_as_existing"
    )
    found_by = models.CharField(max_length=200, help_text="What matched, in words")
    found_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "existing"], name="one_match_per_pair")
        ]
        indexes = [models.Index(fields=["status", "found_at"])]

    def __str__(self) -> str:
        return f"Possible match {self.child_id} and {self.existing_id} ({self.status})"


class ChildMerge(models.Model):
    """A SEND manager found two records were one child. The merged record stays as an alias of
    the survivor; `moved` lists, per model, every row that moved, so an undo puts back exactly
    what the merge took and nothing that was added to the survivor since."""

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_absorbed")
    match = models.ForeignKey(
        PossibleMatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    moved = models.JSONField(default=dict)
    merged_state = models.JSONField(default=dict, help_text="The merged record as it was")
    reason = models.TextField()
    merged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"Child {self.merged_id} merged into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


# Each part of the pathway keeps its records in its own module; Django finds them through here.
from .consent import *  # noqa: E402, F403
from .ehc import *  # noqa: E402, F403
from .families import *  # noqa: E402, F403
from .funds import *  # noqa: E402, F403
from .plans import *  # noqa: E402, F403
from .reviews import *  # noqa: E402, F403
from .school import *  # noqa: E402, F403
from .self_evaluation import *  # noqa: E402, F403
from .sen2 import *  # noqa: E402, F403
from .story import *  # noqa: E402, F403
from .survey import *  # noqa: E402, F403
