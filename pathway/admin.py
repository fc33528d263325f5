"""The routing rules editor for the SEND manager (Django admin, routing models only).

Published and retired versions are read-only: a change is a new version, so every referral
keeps pointing at the exact rules that routed it."""

from django import forms
from django.contrib import admin

from .models import RoutingRule, RoutingRuleSet
from .routing import FACTS, OPERATORS, validate_conditions


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["position", "name", "route", "conditions", "fallback"]
        help_texts = {
            "conditions": "All must hold. Facts: "
            + ", ".join(FACTS)
            + ". Operators: "
            + ", ".join(OPERATORS)
            + '. Example: [{"fact": "age_months", "op": "lt", "value": 36}]'
        }

    def clean_conditions(self):
        conditions = self.cleaned_data.get("conditions")
        try:
            validate_conditions(conditions if conditions is not None else [])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return conditions or []


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    form = RoutingRuleForm
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.status == RoutingRuleSet.Status.DRAFT

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == RoutingRuleSet.Status.DRAFT

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == RoutingRuleSet.Status.DRAFT


@admin.register(RoutingRuleSet)
class RoutingRuleSetAdmin(admin.ModelAdmin):
    list_display = ["version", "status", "published_at", "notes"]
    fields = ["version", "status", "notes"]
    readonly_fields = ["version", "status"]
    inlines = [RoutingRuleInline]

    def has_add_permission(self, request):
        return False  # new versions are copies, made on the routing rules page

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == RoutingRuleSet.Status.DRAFT)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and obj is not None and obj.status == RoutingRuleSet.Status.DRAFT
