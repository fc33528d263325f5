"""Families in the pathway: sign-in links and one-time codes for family members (issue 21).

The family member and their links to children are people, so they live in earlyyears.models
(`FamilyMember`, `FamilyLink`, `FamilyAccessBlock`), where the access layer answers for them.
Here: how a family member gets in. Neither the link's token nor the code is stored, only a keyed
hash of each, so a copy of the database lets nobody sign in as a family."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from earlyyears.models import FamilyContact, FamilyMember, User

__all__: list[str] = ["FamilySignInCode", "FamilySignInLink"]


class FamilySignInLink(models.Model):
    """The link in a text message. Opening it asks for a code by text to the confirmed mobile
    it was sent to. Five wrong codes lock it for a while; a new link for the member replaces
    the old one (a lost phone)."""

    member = models.ForeignKey(FamilyMember, on_delete=models.CASCADE, related_name="sign_in_links")
    contact = models.ForeignKey(
        FamilyContact, on_delete=models.CASCADE, related_name="sign_in_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.CharField(max_length=20, help_text="The confirmed mobile it was sent to")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)
    failed_codes = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Sign-in link for family member {self.member_id}"


class FamilySignInCode(models.Model):
    """A one-time code sent by text: ten minutes, single use, kept only as a keyed hash."""

    link = models.ForeignKey(FamilySignInLink, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    sent_to = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["link", "-created_at"])]

    def __str__(self) -> str:
        return f"Sign-in code {self.pk} for link {self.link_id}"
