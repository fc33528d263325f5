"""Data protection records: the access audit trail, legal holds and retention runs.

Audit rows point at children, referrals and users by id without database constraints
(`db_constraint=False`, `DO_NOTHING`): deleting a child under the retention rules must neither
cascade into the audit trail nor update it, and the audit trail keeps its own retention.
"""

from __future__ import annotations

from django.db import connection, models, transaction
from django.utils import timezone

from earlyyears.models import Child, User


class AuditImmutable(Exception):
    """Raised on any attempt to change or delete audit rows through the app."""


class AccessEventQuerySet(models.QuerySet):
    """Append-only: no update or delete through the ORM. The retention job purges old rows
    through `purge_before`, which (on PostgreSQL) also switches the table's trigger to allow it
    for its own transaction only."""

    def update(self, **kwargs):
        raise AuditImmutable("Audit events cannot be changed")

    def delete(self):
        raise AuditImmutable("Audit events cannot be deleted through the app")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutable("Audit events cannot be changed")

    def purge_before(self, cutoff, *, exclude_child_ids=()) -> int:
        """Delete events older than `cutoff` (the retention job only), except those about
        children under a legal hold. Returns how many rows went."""
        doomed = self.filter(at__lt=cutoff)
        if exclude_child_ids:
            doomed = doomed.exclude(child_id__in=list(exclude_child_ids))
        postgresql = connection.vendor == "postgresql"
        with transaction.atomic():
            if postgresql:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('app.audit_purge', 'on', true)")
            try:
                deleted, _ = models.QuerySet.delete(doomed)
            finally:
                # Inside a caller's transaction the setting would outlive this block: end it.
                if postgresql:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('app.audit_purge', 'off', true)")
        return deleted


class AccessEvent(models.Model):
    """Who viewed, changed, exported or downloaded child-level data: when, from where. Changes
    to staff accounts, roles, groups, settings and authenticators are events too (action
    "account", written by `dataprotection.account_audit`): they decide who sees children."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CHANGE = "change", "Changed"
        EXPORT = "export", "Exported"
        DOWNLOAD = "download", "Downloaded"
        ACCOUNT = "account", "Changed an account"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, help_text="As it was at the time")
    role = models.CharField(max_length=32, help_text="The user's role at the time")
    action = models.CharField(max_length=10, choices=Action.choices)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    url_name = models.CharField(max_length=100, blank=True)
    child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    referral_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(
        max_length=500, blank=True, help_text="For account changes: what changed, in words"
    )

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-at"]),
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["username", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.path} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise AuditImmutable("Audit events cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("Audit events cannot be deleted through the app")


class LegalHold(models.Model):
    """While a hold is in place (not lifted), nothing about the child is deleted or anonymised
    by the retention job: litigation, a complaint, an inquiry or an ombudsman's investigation.
    Kept here rather than on the child so the core models stay as they are."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_legal_hold_per_child",
            )
        ]

    def __str__(self) -> str:
        state = "lifted" if self.lifted_at else "in place"
        return f"Legal hold on child {self.child_id} ({state})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RetentionRun(models.Model):
    """What one run of the retention job did. Counts and record types only, never personal
    data, so the log itself can be kept."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rules = models.JSONField(default=dict, help_text="The rules in force for this run")
    counts = models.JSONField(default=dict, help_text="Records deleted or anonymised, per rule")
    lines = models.JSONField(
        default=list, help_text='One {"rule", "record_type", "action", "count"} per record type'
    )
    held_children = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())
