"""The early-years part of the SEN2 return: the items the DfE asks for that the EHC timeline
does not otherwise hold (the child's special educational needs, ranked), and every extract
produced, kept as it was sent (issue 24)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["SenNeed", "Sen2Extract"]


class SenNeed(models.Model):
    """A child's primary or secondary special educational need, in the DfE's types (the same
    list as the school census), recorded by the SEND team for the return."""

    class Type(models.TextChoices):
        SLCN = "SLCN", "Speech, language and communication needs"
        ASD = "ASD", "Autistic spectrum disorder"
        SEMH = "SEMH", "Social, emotional and mental health"
        MLD = "MLD", "Moderate learning difficulty"
        SLD = "SLD", "Severe learning difficulty"
        PMLD = "PMLD", "Profound and multiple learning difficulty"
        SPLD = "SPLD", "Specific learning difficulty"
        HI = "HI", "Hearing impairment"
        VI = "VI", "Vision impairment"
        MSI = "MSI", "Multi-sensory impairment"
        PD = "PD", "Physical disability"
        DS = "DS", "Down syndrome"
        OTH = "OTH", "Another difficulty or disability"

    class Rank(models.IntegerChoices):
        PRIMARY = 1, "Primary need"
        SECONDARY = 2, "Secondary need"

    ehc = models.ForeignKey(
        "pathway.EhcRequest", on_delete=models.CASCADE, related_name="sen_needs"
    )
    rank = models.PositiveSmallIntegerField(choices=Rank.choices)
    sen_type = models.CharField(max_length=4, choices=Type.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ehc", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["ehc", "rank"], name="one_need_a_rank_a_request")
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()}: {self.get_sen_type_display()}"


class Sen2Extract(models.Model):
    """One extract of the return as produced: a zip of one CSV a module, with the problems left
    unresolved and why it was produced anyway. Never changed after it is made."""

    collection_year = models.PositiveSmallIntegerField()
    reference_date = models.DateField()
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    produced_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to="sen2/", max_length=200)
    counts = models.JSONField(default=dict)
    problems = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-produced_at", "-pk"]

    def __str__(self) -> str:
        return f"SEN2 {self.collection_year} extract of {self.produced_at:%-d %B %Y}"
