"""The SEND manager configures funds in the staff admin (the "Funding managers" group): a fund,
its bands and application windows on one page, and budgets by year and area. Applications,
evidence and payments are never edited here: they go through the service's own pages."""

from __future__ import annotations

from django.contrib import admin

from pathway.models import FundBand, FundBudget, FundType, FundWindow


class FundBandInline(admin.TabularInline):
    model = FundBand
    extra = 1


class FundWindowInline(admin.TabularInline):
    model = FundWindow
    extra = 1


@admin.register(FundType)
class FundTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "yearly_amount", "uses_windows", "review_months", "active"]
    list_filter = ["kind", "active"]
    inlines = [FundBandInline, FundWindowInline]


@admin.register(FundBudget)
class FundBudgetAdmin(admin.ModelAdmin):
    list_display = ["fund_type", "financial_year", "area", "amount"]
    list_filter = ["fund_type", "financial_year"]
    list_select_related = ["fund_type", "area"]
    raw_id_fields = ["area"]
