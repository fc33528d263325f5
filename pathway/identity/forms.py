"""The SEND team's answer about a possible match."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukForm
from earlyyears.models import Child


class MatchDecisionForm(GovukForm):
    """Same child (keep one record; managers only) or different children, with a reason."""

    decision = forms.ChoiceField(
        label="Are these the same child?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these are the same child"},
    )
    reason = forms.CharField(
        label="How you checked",
        help_text="For example, who you spoke to. This goes on both records' history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter how you checked"},
    )

    def __init__(self, *args: Any, existing: Child, new: Child, can_merge: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = []
        if can_merge:
            choices += [
                ("keep_existing", f"Same child: keep record {existing.reference}"),
                ("keep_new", f"Same child: keep record {new.reference}"),
            ]
        choices.append(("different", "Different children"))
        self.fields["decision"].choices = choices


class UndoMergeForm(GovukForm):
    reason = forms.CharField(
        label="Why are you undoing this merge?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why you are undoing this merge"},
    )
