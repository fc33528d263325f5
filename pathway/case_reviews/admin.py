"""The reasons reviewers can give, which the council extends in the staff admin. A reason in use
is retired (not offered any more), never deleted, so past findings keep their words."""

from django.contrib import admin

from pathway.models import ReviewCause


@admin.register(ReviewCause)
class ReviewCauseAdmin(admin.ModelAdmin):
    list_display = ["label", "description", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.findings.exists()
