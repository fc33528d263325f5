"""Consent to share, in one place (issue 22): one current record per child and agency, and
every change to it. The access layer (pathway.access.consent) reads only the current record, so
a change takes effect on the next request everywhere. A SEND manager's lawful basis for sharing
without consent (`SharingOverride`) is a different thing and stays separate."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from earlyyears.models import Child, FamilyMember, User

__all__: list[str] = ["Agency", "ConsentChange", "ConsentHow", "ConsentRecord"]


class Agency(models.TextChoices):
    """Who the family may agree to share with. The values beyond the setting are the referral's
    `ShareWith` values, so the referral's share list maps onto them one for one."""

    SETTING = "setting", "Your child's setting (nursery, pre-school or childminder)"
    SEND_TEAM = "send_team", "The Early Years SEND team"
    PORTAGE = "portage", "The portage service"
    EARLY_HELP = "early_help", "Early help services"
    HEALTH = "health", "Health professionals (for example health visitor, therapists)"


class ConsentHow(models.TextChoices):
    """How a change reached us: said on the record in words, never shown as a code."""

    FAMILY_ONLINE = "family_online", "By the family, on their own pages"
    IN_PERSON = "in_person", "Told to a member of staff in person"
    PHONE = "phone", "Told to a member of staff by phone"
    IN_WRITING = "in_writing", "In writing (letter, email or form)"
    REFERRAL_FORM = "referral_form", "On the referral form"
    PORTAGE_PAPERWORK = "portage_paperwork", "On the portage paperwork"
    TEXT_REPLY = "text_reply", "By replying STOP to a text message"


class ConsentRecord(models.Model):
    """Whether the family agrees, now, to share with one agency. One per child and agency;
    no record means nobody asked yet, which counts as not agreed."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consent_records")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    given = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    # Set when two people with parental responsibility disagree: the SEND team is asked to talk
    # to the family (it shows in My work) until an officer records the outcome.
    talk_to_family_since = models.DateTimeField(null=True, blank=True)
    talk_to_family_about = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["child", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["child", "agency"], name="one_consent_per_agency")
        ]
        # The access rules ask "children who agreed to share with X" on every list page.
        indexes = [models.Index(fields=["agency", "given", "child"], name="consent_given_lookup")]

    def __str__(self) -> str:
        state = "agreed" if self.given else "not agreed"
        return f"{self.get_agency_display()}: {state} for {self.child}"


class ConsentChange(models.Model):
    """One change to a consent record: given or withdrawn, by whom (a family member on their own
    pages, or a member of staff on the family's behalf, naming who told them), when and how.
    Never edited or deleted while the child's record is kept."""

    record = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="changes")
    given = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    how = models.CharField(max_length=20, choices=ConsentHow.choices)
    by_member = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf_of = models.CharField(
        "Who in the family said so",
        max_length=200,
        blank=True,
        help_text="The family member's name, when staff record a change for them",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["record", "at"])]

    def __str__(self) -> str:
        return f"{'Given' if self.given else 'Withdrawn'} on {self.at:%-d %B %Y}"

    @property
    def who(self) -> str:
        """Who made the change, in words."""
        if self.by_member_id:
            return self.by_member.name
        family = self.on_behalf_of or "the family"
        if self.by_staff_id:
            return f"{self.by_staff.get_full_name() or self.by_staff.username} for {family}"
        return family
