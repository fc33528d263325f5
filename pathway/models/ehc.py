"""The EHC timeline for under-fives: requests, assessments, plans, reviews (issue 24).

One `EhcRequest` is one request for an EHC needs assessment and everything that follows it (the
decision to assess, the draft and final plan, reviews, ceasing or a transfer): one row a
case, so the SEND team's list sorts and filters on its own columns. Each step is a date on the
row, never overwritten once the next step depends on it, so the SEN2 return can report a
decision as first made. Exceptions to the 20 weeks, mediation and tribunal, reviews and
letters are rows of their own. Codes are kept as SEN2 spells them where SEN2 has one."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

__all__ = [
    "EhcDispute",
    "EhcException",
    "EhcLetter",
    "EhcLetterTemplate",
    "EhcRequest",
    "EhcReview",
]


class EhcRequest(models.Model):
    """A request for an EHC needs assessment, and the case it becomes."""

    class Source(models.TextChoices):
        # SEN2 RequestSource: 1 parent or young person, 2 education setting, 3 health,
        # 4 social care, 5 other.
        PARENT = "1", "The child's parent or carer"
        SETTING = "2", "The child's early years setting or school"
        HEALTH = "3", "A health professional"
        SOCIAL_CARE = "4", "A social care professional"
        OTHER = "5", "Someone else"

    class Stage(models.TextChoices):
        REQUESTED = "requested", "Deciding whether to assess"
        NOT_ASSESSING = "not_assessing", "Decided not to assess"
        ASSESSING = "assessing", "Assessing"
        DRAFT_ISSUED = "draft_issued", "Draft plan sent to the family"
        NO_PLAN = "no_plan", "Decided not to issue a plan"
        PLAN = "plan", "Plan in place"
        CEASED = "ceased", "Plan ceased"
        WITHDRAWN = "withdrawn", "Request withdrawn"

    class YesNo(models.TextChoices):
        YES = "Y", "Yes"
        NO = "N", "No"

    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Not known"

    class Ethnicity(models.TextChoices):
        # The main CBDS ethnicity codes SEN2 uses.
        WBRI = "WBRI", "White British"
        WIRI = "WIRI", "White Irish"
        WIRT = "WIRT", "Traveller of Irish heritage"
        WROM = "WROM", "Gypsy or Roma"
        WOTH = "WOTH", "Any other White background"
        MWBC = "MWBC", "White and Black Caribbean"
        MWBA = "MWBA", "White and Black African"
        MWAS = "MWAS", "White and Asian"
        MOTH = "MOTH", "Any other mixed background"
        AIND = "AIND", "Indian"
        APKN = "APKN", "Pakistani"
        ABAN = "ABAN", "Bangladeshi"
        CHNE = "CHNE", "Chinese"
        AOTH = "AOTH", "Any other Asian background"
        BCRB = "BCRB", "Black Caribbean"
        BAFR = "BAFR", "Black African"
        BOTH = "BOTH", "Any other Black background"
        OOTH = "OOTH", "Any other ethnic group"
        REFU = "REFU", "The family chose not to say"
        NOBT = "NOBT", "Not yet known"

    class UpnUnknown(models.TextChoices):
        # CBDS reasons a unique pupil number is not held.
        UN1 = "UN1", "Under 6 and not yet given a unique pupil number"
        UN2 = "UN2", "Never attended a school in England"
        UN3 = "UN3", "Educated at home"
        UN4 = "UN4", "Refugee or asylum seeker"
        UN5 = "UN5", "The numbers held do not match"

    class CeaseReason(models.TextChoices):
        # SEN2 CeaseReason codes that can apply to a child under five.
        NEEDS_MET = "2", "Needs met without a plan"
        TRANSFERRED = "5", "Moved to another council in England"
        OUTSIDE_ENGLAND = "7", "Moved outside England"
        DECEASED = "8", "The child died"
        OTHER = "9", "Another reason"

    child = models.ForeignKey("earlyyears.Child", on_delete=models.CASCADE, related_name="ehc")
    referral = models.ForeignKey(
        "pathway.Referral", on_delete=models.CASCADE, related_name="ehc_requests"
    )
    source = models.CharField("Who made the request", max_length=1, choices=Source.choices)
    requested_by_name = models.CharField(max_length=200, blank=True)
    received_on = models.DateField("Date the request was received")
    # Items SEN2 needs that the child's record does not hold, asked by the SEND team here.
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    upn_unknown = models.CharField(max_length=3, choices=UpnUnknown.choices, blank=True)
    setting_school_urn = models.CharField(
        "School URN of the setting", max_length=8, blank=True
    )  # blank: an early years provider without one (SEN2 setting code EYP)
    transferred_in = models.BooleanField(default=False)
    transferred_in_on = models.DateField(null=True, blank=True)
    transferred_from = models.CharField(max_length=200, blank=True)

    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.REQUESTED)
    assess_decision = models.CharField(max_length=1, choices=YesNo.choices, blank=True)
    assess_decision_on = models.DateField(null=True, blank=True)
    draft_issued_on = models.DateField(null=True, blank=True)
    issue_decision = models.CharField(max_length=1, choices=YesNo.choices, blank=True)
    issue_decision_on = models.DateField(null=True, blank=True)  # plan issued, or told no plan
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    ceased_on = models.DateField(null=True, blank=True)
    cease_reason = models.CharField(max_length=1, choices=CeaseReason.choices, blank=True)
    cease_detail = models.TextField(blank=True)
    transferred_to = models.CharField(max_length=200, blank=True)
    # What is due next, kept on the row so the list sorts and counts by an index.
    next_step = models.CharField(max_length=120, blank=True)
    next_due_on = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey("earlyyears.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["next_due_on", "id"], name="ehc_next_due"),
            models.Index(fields=["child", "-received_on"], name="ehc_child"),
        ]

    def __str__(self) -> str:
        return f"EHC request received {self.received_on:%-d %B %Y}"


class EhcException(models.Model):
    """An exception to the 20 weeks that the SEND Regulations 2014 allow (regulation 13(3)),
    with its reason: the clock shows it rather than an unexplained delay."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Advice was asked for during the setting's holiday"
        CIRCUMSTANCES = "circumstances", "Exceptional personal circumstances of the child or family"
        AWAY = "away", "The child or parent was away from the area for 4 weeks or more"
        APPOINTMENT = "appointment", "The child or parent missed an appointment"

    ehc = models.ForeignKey(EhcRequest, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("earlyyears.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class EhcDispute(models.Model):
    """Mediation or an appeal to the tribunal, and what it was about (SEN2 reports which)."""

    class Kind(models.TextChoices):
        MEDIATION = "mediation", "Mediation"
        TRIBUNAL = "tribunal", "Appeal to the SEND tribunal"

    class About(models.TextChoices):
        REQUEST = "request", "The decision not to assess"
        ASSESSMENT = "assessment", "The decision not to issue a plan"
        OTHER = "other", "The plan's contents or another decision"

    ehc = models.ForeignKey(EhcRequest, on_delete=models.CASCADE, related_name="disputes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    about = models.CharField(max_length=20, choices=About.choices)
    started_on = models.DateField()
    concluded_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey("earlyyears.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class EhcReview(models.Model):
    """A review of the plan: for a child under five every 3 to 6 months, advice gathered
    before the meeting, and the decision sent within 4 weeks of it."""

    class Outcome(models.TextChoices):
        MAINTAIN = "maintain", "Keep the plan as it is"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Stop the plan"

    ehc = models.ForeignKey(EhcRequest, on_delete=models.CASCADE, related_name="reviews")
    due_by = models.DateField()
    advice_requested_on = models.DateField(null=True, blank=True)
    advice_summary = models.TextField(blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    meeting_notes = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("earlyyears.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_by", "pk"]

    def __str__(self) -> str:
        return f"Review due by {self.due_by:%-d %B %Y}"


class EhcLetterTemplate(models.Model):
    """The words of each decision letter, edited by the council (like the message templates).
    Placeholders: {authority}, {child_name}, {date_of_birth}, {date}, {reason}, {due}."""

    class Key(models.TextChoices):
        ASSESS = "assess", "We will carry out an EHC needs assessment"
        NOT_ASSESS = "not_assess", "We will not carry out an EHC needs assessment"
        NO_PLAN = "no_plan", "We will not issue an EHC plan"
        FINAL_PLAN = "final_plan", "The final EHC plan"
        REVIEW = "review", "The decision after a review"
        CEASE = "cease", "We will stop the EHC plan"

    key = models.CharField(max_length=20, choices=Key.choices, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Paragraphs separated by a blank line")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class EhcLetter(models.Model):
    """A decision letter as sent: the words are kept as rendered, so a later edit to the
    template never changes what the family was told."""

    ehc = models.ForeignKey(EhcRequest, on_delete=models.CASCADE, related_name="letters")
    key = models.CharField(max_length=20, choices=EhcLetterTemplate.Key.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    dated = models.DateField()
    created_by = models.ForeignKey("earlyyears.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dated", "pk"]

    def __str__(self) -> str:
        return self.title
