"""Staff admin for accounts and places. Child records are deliberately not registered here:
they are reached only through the service's own pages and the access layer."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone

from .models import Area, MessageTemplate, Setting, SettingMembership, User


class SettingMembershipInline(admin.TabularInline):
    model = SettingMembership
    extra = 0
    autocomplete_fields = ["setting"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role in the service", {"fields": ["role", "job_title", "organisation"]}),
    ]
    inlines = [SettingMembershipInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "under_5_population"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ["urn", "name", "provider_type", "postcode", "area", "registration_status"]
    list_filter = ["provider_type", "registration_status", "area"]
    search_fields = ["urn", "name", "postcode"]
    list_select_related = ["area"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """Editors change the words; messages must stay short and never name a child's needs."""

    list_display = ["key", "language", "body", "updated_at"]
    list_filter = ["key", "language"]
    readonly_fields = ["updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
