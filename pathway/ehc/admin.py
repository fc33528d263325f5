"""The decision letters' words, edited by the council in the Django admin like the message
templates. Letters already written keep the words they were sent with."""

from django.contrib import admin
from django.utils import timezone

from pathway.models import EhcLetterTemplate


@admin.register(EhcLetterTemplate)
class EhcLetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "updated_at"]
    readonly_fields = ["key", "updated_at"]
    fields = ["key", "title", "body", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # one template per decision, seeded by the migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
