"""The staging area of large Open Referral UK imports (`cms.staging`) and the notes local
editors keep on services that belong to another publisher's feed (`cms.local_notes`).

Registered in `cms.models` (imported at its end) so Django finds them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StagedImport(models.Model):
    """One large import run on a worker: checked into the staging area a chunk at a time,
    built as pages no one can see yet, and swapped in at the end in one short transaction.
    Its counts are the progress an editor sees on the import's page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        CHECKING = "checking", "Checking the records"
        BUILDING = "building", "Importing the records"
        SWAPPING = "swapping", "Publishing the services"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    service_import = models.ForeignKey(
        "cms.ServiceImport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staged",
    )
    feed_run = models.ForeignKey(
        "cms.FeedRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="staged"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("Records in the file", default=0)
    checked = models.PositiveIntegerField("Records checked", default=0)
    imported = models.PositiveIntegerField("Records imported", default=0)
    created = models.PositiveIntegerField("New services", default=0)
    updated = models.PositiveIntegerField("Updated services", default=0)
    kept = models.PositiveIntegerField("Held for approval", default=0)
    unchanged = models.PositiveIntegerField("Unchanged services", default=0)
    # Per record ("Record 12 (Stay and play): ...") or for the whole file, in words.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class StagedRecord(models.Model):
    """A checked record waiting in the staging area, and the page built from it (not live
    until the swap) or the live page it will update."""

    class Action(models.TextChoices):
        NEW = "new", "New"
        UPDATE = "update", "Update"

    staged_import = models.ForeignKey(StagedImport, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    oruk_id = models.UUIDField()
    action = models.CharField(max_length=6, choices=Action.choices)
    record = models.JSONField()
    # For a new service, the page built for it (not live); for an update, the live page.
    page_id = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["staged_import", "number"]
        indexes = [models.Index(fields=["staged_import", "action", "number"])]

    def __str__(self) -> str:
        return f"Record {self.number} of {self.staged_import}"


class LocalNote(models.Model):
    """The council's own note on a service, kept apart from the service's record so that a
    feed's next pull (which rewrites the record and the page's fields) never overwrites it.
    Shown on the public service page as the council's note; not in the Open Referral UK API,
    which carries the publisher's data only."""

    service = models.OneToOneField(
        "cms.ServicePage", on_delete=models.CASCADE, related_name="local_note"
    )
    text = models.TextField("Note from the council", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Local note on {self.service_id}"
