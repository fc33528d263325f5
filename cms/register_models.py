"""An upload of Ofsted's early years register, kept between its preview and its application
(in the database, so any web process can finish it; `cms.register`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RegisterImport(models.Model):
    """The file is dropped once applied (Ofsted's rows name childminders at home); the counts
    of what changed are kept as the record of the import."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    content = models.BinaryField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Ofsted register {self.filename} ({self.created_at:%d %b %Y})"
