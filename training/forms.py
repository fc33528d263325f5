"""Forms for the trainers' pages. Learners' knowledge checks are read by `services.check_answers`
(their questions come from the lesson's content, not a fixed form)."""

from __future__ import annotations

from django import forms

from earlyyears.forms import GovukForm
from earlyyears.models import Area

from .importing import ImportFileError, detect_format, load_dataset
from .models import TrainingModulePage


class CoverageFilterForm(GovukForm):
    module = forms.ModelChoiceField(
        queryset=TrainingModulePage.objects.order_by("path"),
        empty_label=None,
        required=False,
        error_messages={"invalid_choice": "Select a module from the list"},
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.filter(settings__isnull=False).distinct().order_by("name"),
        empty_label="All areas",
        required=False,
        label="Settings in",
        error_messages={"invalid_choice": "Select an area from the list"},
    )


class ExportForm(GovukForm):
    file_format = forms.ChoiceField(
        label="File type",
        choices=[
            ("csv", "CSV (opens in Excel and other spreadsheets)"),
            ("xlsx", "Excel workbook (.xlsx)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a file type",
            "invalid_choice": "Select a file type",
        },
    )


class AttendanceUploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a register",
        help_text=(
            "A CSV or Excel (.xlsx) file with the headings Email or username, Module and "
            "Date attended (day/month/year), one row for each person at a session."
        ),
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > 2 * 1024 * 1024:
            self.add_error("file", "The selected file must be smaller than 2 MB")
            return cleaned
        content = upload.read()
        try:
            file_format = detect_format(upload.name, content)
            load_dataset(content, file_format)
        except ImportFileError as error:
            self.add_error("file", str(error))
            return cleaned
        cleaned["content"] = content
        cleaned["file_format"] = file_format
        return cleaned
