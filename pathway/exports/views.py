"""The referrals export page, where SEND team members work (not the staff admin)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from earlyyears.exports import download
from earlyyears.forms import GovukDateField, GovukForm
from pathway.exports import services as exports


class ReferralExportForm(GovukForm):
    kind = forms.ChoiceField(
        label="What to include",
        widget=forms.RadioSelect,
        initial=exports.PSEUDONYMISED,
        error_messages={
            "required": "Select what to include",
            "invalid_choice": "Only a SEND team manager can download names, dates of birth "
            "and postcodes",
        },
    )
    date_from = GovukDateField(
        label="Referred from", required=False, help_text="For example, 1 4 2025"
    )
    date_to = GovukDateField(
        label="Referred to", required=False, help_text="For example, 31 3 2026"
    )
    file_format = forms.ChoiceField(
        label="File type",
        widget=forms.RadioSelect,
        initial="csv",
        choices=[
            ("csv", "CSV (opens in Excel and other spreadsheets)"),
            ("xlsx", "Excel workbook (.xlsx)"),
        ],
        error_messages={"required": "Select a file type", "invalid_choice": "Select a file type"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (
                exports.PSEUDONYMISED,
                "Pseudonymised, for planning: no names, NHS numbers, dates of birth or "
                "postcodes (age band, area and a child key instead)",
            )
        ]
        if exports.can_export_full(user):
            choices.append(
                (exports.FULL, "Full: with names, dates of birth and postcodes (recorded)")
            )
        self.fields["kind"].choices = choices

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", "The referred to date must be the same as or after the from date"
            )
        return cleaned


@login_required
def referrals_export(request: HttpRequest) -> HttpResponse:
    if not exports.can_export(request.user):
        raise PermissionDenied
    form = ReferralExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content, _, name = exports.export_referrals(
            request.user,
            kind=data["kind"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            file_format=data["file_format"],
        )
        return download(content, data["file_format"], name)
    return render(
        request,
        "pathway/exports/referrals.html",
        {"page_title": "Download referrals", "form": form},
        status=400 if form.errors else 200,
    )
