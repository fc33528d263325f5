"""Retention runs are shown read-only in the staff admin: counts, no personal data.

The access audit trail is deliberately not registered here: it is child-level data, searched
by the SEND manager on /audit/, and the admin must offer no way to edit or delete it."""

from django.contrib import admin

from .models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "held_children", "counts"]
    readonly_fields = ["started_at", "finished_at", "rules", "counts", "lines", "held_children"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
