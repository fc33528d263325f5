"""People and places: the records every part of the pathway shares."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from .dates import age_in_months, age_words
from .postcodes import normalise_postcode
from .roles import SEND_TEAM_ROLES, Role
from .validators import (
    normalise_uk_mobile,
    validate_nhs_number,
    validate_ofsted_urn,
    validate_postcode,
    validate_uk_mobile,
)


class User(AbstractUser):
    """A member of staff. Families do not sign in: professionals act and families get SMS."""

    class ReminderChannel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        BOTH = "both", "Email and text message"

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    mobile_phone = models.CharField(
        max_length=20, blank=True, validators=[validate_uk_mobile], help_text="For text reminders"
    )
    reminder_channel = models.CharField(
        max_length=10, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def is_send_team(self) -> bool:
        return self.role in SEND_TEAM_ROLES


def display_name(user: User | None, nobody: str = "the service") -> str:
    """The name people see for a member of staff: their full name, or their username when no
    name was given; `nobody` for what the service did by itself."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()


class Area(models.Model):
    """A planning geography. Areas nest: county, district (locality), ward."""

    class Kind(models.TextChoices):
        COUNTY = "county", "County"
        DISTRICT = "district", "District"
        LOCALITY = "locality", "Locality"
        WARD = "ward", "Ward"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON geometry (Polygon or MultiPolygon), WGS84"
    )
    under_5_population = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"


class Setting(models.Model):
    """An early years provider, identified by its Ofsted unique reference number."""

    class ProviderType(models.TextChoices):
        DAY_NURSERY = "day_nursery", "Day nursery"
        PRE_SCHOOL = "pre_school", "Pre-school"
        CHILDMINDER = "childminder", "Childminder"
        SCHOOL_NURSERY = "school_nursery", "School nursery class"

    class RegistrationStatus(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        RESIGNED = "resigned", "Resigned"

    urn = models.CharField(
        "Ofsted URN", max_length=10, unique=True, validators=[validate_ofsted_urn]
    )
    name = models.CharField(max_length=200)
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    address_line_1 = models.CharField(max_length=200)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="settings")
    registration_status = models.CharField(
        max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    def clean(self) -> None:
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)
        self.urn = (self.urn or "").upper()


class SettingMembership(models.Model):
    """A practitioner works at a setting; this is what scopes their view of children."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="setting_memberships")
    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="memberships")
    is_senco = models.BooleanField("Special educational needs coordinator (SENCO)", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "setting"], name="one_membership_per_setting")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.setting}"


class Child(models.Model):
    reference = models.CharField(
        max_length=20, unique=True, help_text="The authority's reference for this child"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="resident_children")
    setting = models.ForeignKey(
        Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    languages = models.JSONField(default=list, blank=True, help_text="Languages spoken at home")
    nhs_number = models.CharField(
        "NHS number", max_length=12, blank=True, validators=[validate_nhs_number]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class RecordStatus(models.TextChoices):
        ACTIVE = "active", "Active"
        PROVISIONAL = "provisional", "Possible match to check"
        MERGED = "merged", "Merged into another record"

    record_status = models.CharField(
        max_length=12, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aliases",
        help_text="Set when the SEND team found this was the same child as another record",
    )
    # Safeguarding flags, set by the SEND team; every page, export, PDF and message obeys them.
    address_withheld = models.BooleanField(
        "Address must not be disclosed",
        default=False,
        help_text="For example, the family lives in a refuge",
    )
    looked_after = models.BooleanField(
        "Looked after by the local authority",
        default=False,
        help_text="The local authority shares parental responsibility",
    )
    court_order = models.BooleanField(
        "A court order restricts information about this child", default=False
    )
    safeguarding_note = models.TextField(
        "What the SEND team needs to know",
        blank=True,
        help_text="Shown only to the SEND team",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["setting", "last_name", "first_name"]),
            models.Index(fields=["date_of_birth", "last_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)
        self.nhs_number = "".join((self.nhs_number or "").split())

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_merged(self) -> bool:
        return self.record_status == self.RecordStatus.MERGED

    @property
    def has_safeguarding_flags(self) -> bool:
        return self.address_withheld or self.looked_after or self.court_order

    def age_in_months(self, on: datetime.date | None = None) -> int:
        return age_in_months(self.date_of_birth, on or timezone.localdate())

    @property
    def age_description(self) -> str:
        """'11 months', '1 year', '4 years, 1 month' (GOV.UK style, never '1 months')."""
        return age_words(self.age_in_months())


class CaseloadMembership(models.Model):
    """A child on a portage worker's caseload."""

    portage_worker = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="caseload_memberships"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="caseload_memberships")
    since = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["portage_worker", "child"], name="child_once_per_caseload"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} on {self.portage_worker}'s caseload"


class Attendance(models.Model):
    """A child attending a setting, with dates (issue 23): a child may attend two settings at
    once, one of them the lead for SEN support, and may move. `Child.setting` is the current
    lead, kept in step by pathway.attendance.services. An ended attendance is kept: it is the
    child's history. `sees_plan` records the family's agreement that this setting may see the
    support plan (a setting the child moved to without it does not)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="attendances")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="attendances")
    started_on = models.DateField()
    ended_on = models.DateField(
        null=True, blank=True, help_text="The last day the child attended this setting"
    )
    is_lead = models.BooleanField(default=False, help_text="Leads the child's SEN support")
    sees_plan = models.BooleanField(
        default=False, help_text="The family agreed this setting may see the support plan"
    )
    plan_consent_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-ended_on", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(is_lead=True, ended_on__isnull=True),
                name="one_lead_setting_per_child",
            ),
            models.UniqueConstraint(
                fields=["child", "setting"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_attendance_per_setting",
            ),
        ]
        indexes = [models.Index(fields=["setting", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.child} at {self.setting}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class Provenance(models.TextChoices):
    """Who gave us a contact detail. Only the setting and the SEND team confirm details: they
    know the family; anyone else's detail waits for them to check it."""

    SETTING = "setting", "The child's setting"
    SEND_TEAM = "send_team", "The SEND team"
    HEALTH = "health", "A health professional"
    PORTAGE = "portage", "A portage worker, with the family"
    FAMILY = "family", "The family"
    IMPORT = "import", "An import of existing records"


CONFIRMING_SOURCES = frozenset({Provenance.SETTING, Provenance.SEND_TEAM})


class FamilyContact(models.Model):
    """A parent or carer of a child. The mobile, email and address here are the confirmed
    ones only: a detail from anyone else waits as a ContactDetail until the setting or the SEND
    team checks it, and nothing is ever sent to it in the meantime."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        OTHER = "other", "Other"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        WELSH = "cy", "Welsh (Cymraeg)"
        POLISH = "pl", "Polish (Polski)"
        URDU = "ur", "Urdu"
        PUNJABI = "pa", "Punjabi"
        ROMANIAN = "ro", "Romanian"
        ARABIC = "ar", "Arabic"

    class Confirmation(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        UNCONFIRMED = "unconfirmed", "Waiting to be checked"
        REJECTED = "rejected", "Not this family's contact"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    mobile_phone = models.CharField(
        max_length=20, blank=True, validators=[validate_uk_mobile], help_text="UK mobile for SMS"
    )
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_language = models.CharField(
        max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    sms_consent = models.BooleanField("Agreed to updates by text message", default=False)
    sms_consent_recorded_at = models.DateTimeField(null=True, blank=True)
    sms_opted_out_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When they replied STOP to texts they had agreed to; START undoes it",
    )
    is_primary = models.BooleanField(default=False)
    source = models.CharField(
        "Where this contact came from",
        max_length=12,
        choices=Provenance.choices,
        default=Provenance.SETTING,
    )
    added_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    confirmation = models.CharField(
        max_length=12, choices=Confirmation.choices, default=Confirmation.CONFIRMED
    )
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Safeguarding flags, set by the SEND team.
    has_parental_responsibility = models.BooleanField(default=True)
    do_not_contact = models.BooleanField("Do not contact", default=False)
    address_withheld = models.BooleanField("Address must not be disclosed", default=False)
    court_order = models.BooleanField(
        "A court order restricts what this person may be told", default=False
    )

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display().lower()})"

    def clean(self) -> None:
        if self.mobile_phone:
            self.mobile_phone = normalise_uk_mobile(self.mobile_phone)
        if self.sms_consent and not self.mobile_phone:
            raise ValidationError({"sms_consent": "Give a mobile number to send text messages to"})
        if self.sms_consent and self.sms_consent_recorded_at is None:
            self.sms_consent_recorded_at = timezone.now()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmation == self.Confirmation.CONFIRMED

    @property
    def may_be_contacted(self) -> bool:
        """Whether anything may be sent to this person at all (before consent and channel)."""
        return (
            self.is_confirmed
            and not self.do_not_contact
            and not self.court_order
            and self.has_parental_responsibility
        )

    @property
    def has_safeguarding_flags(self) -> bool:
        return (
            self.do_not_contact
            or self.address_withheld
            or self.court_order
            or not self.has_parental_responsibility
        )


class FamilyMember(models.Model):
    """A person with parental responsibility who follows their children's referrals (issue 21).

    Not a User: a family signs in with a link and a code sent to a confirmed mobile, never with a
    password, and never reaches a staff page. What they may see is decided by their links, read
    again on every request (`earlyyears.access.children_for`)."""

    name = models.CharField(max_length=200)
    mobile_phone = models.CharField(
        max_length=20, validators=[validate_uk_mobile], help_text="The confirmed mobile codes go to"
    )
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(
        max_length=5, choices=FamilyContact.Language.choices, default=FamilyContact.Language.ENGLISH
    )
    fewer_texts = models.BooleanField(
        "Only text me about decisions", default=False, help_text="Chosen by the family"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class FamilyLink(models.Model):
    """A family member may follow one child: made only from a confirmed contact with parental
    responsibility and no do-not-contact or court order flag, by the member of staff named here.
    Never inferred from a matching phone number or name. Ends rather than being deleted."""

    member = models.ForeignKey(FamilyMember, on_delete=models.CASCADE, related_name="links")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_links")
    contact = models.ForeignKey(
        FamilyContact, on_delete=models.CASCADE, related_name="family_links"
    )
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "child"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_family_link_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} follows {self.child}"


class FamilyAccessBlock(models.Model):
    """The SEND team stopped every family member seeing this child (safeguarding). Lifted
    rather than deleted, so the record of who blocked and why stays."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_blocks")
    reason = models.TextField()
    blocked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    blocked_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-blocked_at"]

    def __str__(self) -> str:
        return f"Family access blocked for {self.child}"


class ContactDetail(models.Model):
    """One mobile number, email address or postal address for a family contact, with where it
    came from and whether it was checked. A submission never overwrites a detail: a different
    one is added here, unconfirmed, for the setting or the SEND team to confirm or reject."""

    class Kind(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        EMAIL = "email", "Email"
        ADDRESS = "address", "Address"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        UNCONFIRMED = "unconfirmed", "Waiting to be checked"
        REJECTED = "rejected", "Rejected"
        REPLACED = "replaced", "Replaced by a newer detail"

    FIELD_FOR_KIND = {"mobile": "mobile_phone", "email": "email", "address": "address"}

    contact = models.ForeignKey(FamilyContact, on_delete=models.CASCADE, related_name="details")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.TextField()
    source = models.CharField(max_length=12, choices=Provenance.choices)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    sms_consent = models.BooleanField(
        default=False, help_text="The submitter said the family agreed to texts on this number"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contact", "kind", "-submitted_at"]
        indexes = [models.Index(fields=["status", "contact"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.contact} ({self.get_status_display().lower()})"


class OutboxMessage(models.Model):
    """A message to send, written in the same transaction as the change that causes it.

    Nothing is sent inside a request: a Celery task sends pending messages after commit, and the
    idempotency key makes a redelivered task a no-op rather than a second SMS.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        UNDELIVERED = "undelivered", "Not delivered"
        UNKNOWN = "unknown", "Unknown (checking with the provider)"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent (no consent)"
        HELD = "held", "Waiting for the contact's details to be checked"

    idempotency_key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=80)
    language = models.CharField(max_length=5, default="en")
    context = models.JSONField(default=dict, blank=True)
    body = models.TextField(
        blank=True, help_text="The words sent, in the language used, as they were at sending"
    )
    to_phone = models.CharField(max_length=16, blank=True)
    to_email = models.EmailField(blank=True)
    to_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    to_contact = models.ForeignKey(
        FamilyContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=64, blank=True)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["provider_id"]),
            models.Index(fields=["child", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} ({self.status})"


class MessageTemplate(models.Model):
    """The words of each message, per language, editable by the service administrator.

    Messages are short and plain, and never carry a child's health details: a reference and who
    to contact. Placeholders: {authority}, {reference}, {setting}, {child_first_name} (staff
    messages only), {due}."""

    key = models.CharField(max_length=80)
    language = models.CharField(max_length=5, choices=FamilyContact.Language.choices)
    body = models.TextField(max_length=640)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="one_template_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


# Bulk data in and out ---------------------------------------------------------------------------

# Import and export permissions, one pair per resource, checked by the staff admin's import and
# export pages. They are declared on ImportJob (one place) and granted to the "Data officers"
# group by a data migration.
IMPORT_EXPORT_PERMISSIONS = [
    ("import_area", "Can import areas"),
    ("export_area", "Can export areas"),
    ("import_setting", "Can import settings"),
    ("export_setting", "Can export settings"),
    ("import_user", "Can import staff accounts"),
    ("export_user", "Can export staff accounts"),
]


class ImportJob(models.Model):
    """An uploaded file and what became of it, kept in the database (never a local temporary
    file) so that any web process or Celery worker can preview, apply or report on it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        PREVIEWED = "previewed", "Checked, not applied"
        APPLYING = "applying", "Being applied"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Not applied"

    class Mode(models.TextChoices):
        VALID_ROWS = "valid_rows", "Apply all valid rows"
        ALL_OR_NOTHING = "all_or_nothing", "Apply only if every row is valid"

    resource = models.CharField(max_length=40)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="import_jobs")
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    content = models.BinaryField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField(max_length=20, choices=Mode.choices, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0, help_text="Progress of the current step")
    report = models.JSONField(default=dict, blank=True)
    applied_report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = IMPORT_EXPORT_PERMISSIONS

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.APPLYING)

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportExportAudit(models.Model):
    """Who moved which records in or out of the service, when, and how many: one row for
    every preview, import and export, never edited."""

    class Direction(models.TextChoices):
        IMPORT = "import", "Import"
        EXPORT = "export", "Export"

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the account goes")
    resource = models.CharField(max_length=40)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    file_name = models.CharField(max_length=255, blank=True)
    dry_run = models.BooleanField(default=False)
    mode = models.CharField(max_length=20, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = "import or export"
        verbose_name_plural = "imports and exports"
        indexes = [models.Index(fields=["resource", "-at"])]

    def __str__(self) -> str:
        what = "preview" if self.dry_run else self.get_direction_display().lower()
        return f"{self.resource} {what} by {self.username or 'the system'}"


class Invitation(models.Model):
    """A single-use, expiring link for a new member of staff to set their own password.

    Only a SHA-256 hash of the token is stored: the token itself exists in the link alone."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class AccountChange(models.Model):
    """A change to a staff account that waits for a SEND manager: email, role, groups, powers
    or settings of anyone who can see children (before or after the change), or a new such
    account. Until approved the account keeps its old values, so nobody in an admin can turn an
    account into one they control."""

    class Kind(models.TextChoices):
        NEW = "new", "New account"
        CHANGE = "change", "Change to an account"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REPLACED = "replaced", "Replaced by a later request"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    before = models.JSONField(default=dict, help_text="The values when the change was asked for")
    proposed = models.JSONField(default=dict, help_text="The values asked for")
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} ({self.get_status_display().lower()})"


# Council staff sign in with their organisation (issue 28, earlyyears/oidc) ---------------------


class OIDCIdentity(Device):
    """One person at one identity provider, linked to one account.

    Matched on the provider's issuer and subject (`iss`, `sub`: stable, never reassigned),
    never on email. It is also a django-otp device: when the provider says a second factor was
    used (the token's `amr`), signing in marks the session verified with it, so the service's
    own second step is not asked again; `verify_token` always refuses, so it has no code."""

    issuer = models.CharField(max_length=255, help_text="The provider's issuer (iss)")
    subject = models.CharField(max_length=255, help_text="The person's id there (sub)")
    groups = models.JSONField(
        default=list, blank=True, help_text="The provider's groups at the last sign-in"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    last_used_second_factor = models.BooleanField(
        default=False, help_text="Whether the provider said a second factor was used last time"
    )

    class Meta:
        verbose_name = "council sign-in"
        verbose_name_plural = "council sign-ins"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"Council sign-in for {self.user}"

    def verify_token(self, token) -> bool:
        return False


# Accounts that stay clean (issue 28, earlyyears/access_review) ------------------------------


class AccountEnding(models.Model):
    """An account switched off, why, by whom, and how many signed-in sessions that ended."""

    class Reason(models.TextChoices):
        LEAVER = "leaver", "Left, or no longer needs the service"
        DORMANT = "dormant", "Not used for a long time"
        REVIEW = "review", "Ended at an access review"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_endings"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.TextField(blank=True, max_length=500)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_at = models.DateTimeField(default=timezone.now)
    sessions_ended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ended_at", "-pk"]

    def __str__(self) -> str:
        return f"Account {self.user} ended ({self.get_reason_display().lower()})"


class AccessReview(models.Model):
    """One quarter's review of who can see children."""

    quarter_start = models.DateField(help_text="The first day of the quarter reviewed")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Access review from {self.quarter_start:%d/%m/%Y}"


class AccessReviewEntry(models.Model):
    """One person on a review's checklist, and the manager's decision about them."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        KEEP = "keep", "Keep"
        END = "end", "End their account"

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="access_review_entries",
    )
    name = models.CharField(max_length=300)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=32)
    settings_held = models.TextField(blank=True, help_text="Settings, as shown to the manager")
    caseload = models.PositiveIntegerField(default=0)
    council_sign_in = models.BooleanField(default=False)
    last_sign_in = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} in {self.review}"


# Monitoring (issue 28, earlyyears/monitoring) -------------------------------------------------


class Heartbeat(models.Model):
    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%d/%m/%Y %H:%M}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        OUTBOX = "outbox", "Messages waiting too long"
        SMS_FAILURES = "sms", "Texts failing"
        BEAT = "beat", "Scheduled tasks not running"
        WORKER = "worker", "No worker answering"
        CLOCK_REMINDER = "clock", "Clock reminders not sent"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    detail = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["kind", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} since {self.raised_at:%d/%m/%Y %H:%M}"
