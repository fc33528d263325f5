"""The caseload import's forms: the file to check, and how to apply it once checked."""

from __future__ import annotations

from django import forms

from earlyyears.forms import GovukForm
from earlyyears.models import ImportJob


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file (as the template) or an Excel .xlsx workbook with the same headings.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )


class ApplyForm(GovukForm):
    mode = forms.ChoiceField(
        label="How do you want to apply the file?",
        choices=[
            (
                ImportJob.Mode.VALID_ROWS,
                "Bring in every row without a problem, and leave out the rest",
            ),
            (ImportJob.Mode.ALL_OR_NOTHING, "Bring in nothing unless every row is right"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to apply the file"},
    )
