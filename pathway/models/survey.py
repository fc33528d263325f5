"""The family survey (issue 27): consent to be asked for feedback, the council's surveys, the
invitations texted to families, and the anonymous answers.

Consent to be asked for feedback is its own consent, per family contact: not consent to text
updates (`FamilyContact.sms_consent`) and not consent to share (`ConsentRecord`).

Answers are anonymous by construction: a `SurveyResponse` has no link to the invitation, the
contact, the child or the family, and records only the month it came in. The invitation only
records that it was used (not when), so the two cannot be matched by time either."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from earlyyears.models import FamilyContact, FamilyMember, User

from .consent import ConsentHow

__all__: list[str] = [
    "FamilySurvey",
    "FeedbackConsent",
    "FeedbackConsentChange",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyQuestion",
    "SurveyResponse",
]


class FeedbackConsent(models.Model):
    """Whether a family contact agrees, now, to be asked for feedback. One per contact; no
    record means nobody asked, which counts as not agreed. Kept (and deleted) with the
    contact."""

    contact = models.OneToOneField(
        FamilyContact, on_delete=models.CASCADE, related_name="feedback_consent"
    )
    given = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["given", "contact"], name="feedback_consent_given")]

    def __str__(self) -> str:
        return f"{self.contact}: {'agreed' if self.given else 'not agreed'} to feedback"


class FeedbackConsentChange(models.Model):
    """One change to a contact's feedback consent: given or withdrawn, when, how, and by whom
    (the family on their own pages, or a member of staff who was told)."""

    consent = models.ForeignKey(FeedbackConsent, on_delete=models.CASCADE, related_name="changes")
    given = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    how = models.CharField(max_length=20, choices=ConsentHow.choices)
    by_member = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{'Agreed' if self.given else 'Withdrawn'} on {self.at:%d %B %Y}"


class FamilySurvey(models.Model):
    """A short survey the council chose, sent by text to families who agreed to feedback."""

    title = models.CharField(max_length=200)
    closes_on = models.DateField("Closing date")
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sent(self) -> bool:
        return self.first_sent_at is not None

    def is_open(self, today=None) -> bool:
        return (today or timezone.localdate()) <= self.closes_on


class SurveyQuestion(models.Model):
    """One question, worded in English and optionally in Welsh and Polish (the page falls back
    to English)."""

    class Kind(models.TextChoices):
        RATING = "rating", "A rating from 1 (very poor) to 5 (very good)"
        YES_NO = "yes_no", "Yes or no"
        TEXT = "text", "A short answer in their own words"

    survey = models.ForeignKey(FamilySurvey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    wording_en = models.CharField("Question in English", max_length=300)
    wording_cy = models.CharField("Question in Welsh", max_length=300, blank=True)
    wording_pl = models.CharField("Question in Polish", max_length=300, blank=True)

    class Meta:
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.wording_en

    def wording(self, language: str) -> str:
        """The question in that language, or in English when it has no translation."""
        return getattr(self, f"wording_{language}", "") or self.wording_en


class SurveyInvitation(models.Model):
    """A survey texted to one family contact. Personal (it names the contact): deleted a year
    after the survey closes. Holds a hash of the link's token, never the token, and only
    whether it was used, never when."""

    survey = models.ForeignKey(FamilySurvey, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(
        FamilyContact, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=5, default="en")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "contact"], name="one_invitation_per_contact")
        ]

    def __str__(self) -> str:
        return f"{self.survey} to {self.contact}"


class SurveyResponse(models.Model):
    """One family's answers. Anonymous: no link to who answered, and only the month."""

    survey = models.ForeignKey(FamilySurvey, on_delete=models.CASCADE, related_name="responses")
    received_in = models.DateField(help_text="The first day of the month the answers came in")

    class Meta:
        ordering = ["survey", "received_in"]

    def __str__(self) -> str:
        return f"An answer to {self.survey} ({self.received_in:%B %Y})"


class SurveyAnswer(models.Model):
    """The answer to one question (a question left out has no row)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    yes = models.BooleanField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "pk"]

    def __str__(self) -> str:
        return f"Answer to {self.question}"
