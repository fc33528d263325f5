"""The link between a staff account and the council's identity provider.

A person signing in with their organisation is matched on the provider's issuer and subject
(`iss` and `sub`: stable, never reassigned), never on email, which a provider lets people
change and which two providers could both claim.

The link is also a django-otp device: when the provider says the person used a second factor
(the token's `amr` claim), signing in marks the session verified with this device, so
`user.is_verified()` and the two-factor middleware treat it like an authenticator code. Without
such a claim the service's own second step still applies. It has no code of its own:
`verify_token` always refuses, so it cannot be used on the code page.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_otp.models import Device


class OIDCIdentity(Device):
    """One person at one identity provider, linked to one account."""

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
