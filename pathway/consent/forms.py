"""The consent pages' forms: a family member's one-button change, and a member of staff's record
of what the family told them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from earlyyears.forms import GovukForm
from pathway.models import Agency, ConsentHow

DECISIONS = [("give", "The family agrees"), ("withdraw", "The family withdraws consent")]
STAFF_HOW = [
    (ConsentHow.IN_PERSON, ConsentHow.IN_PERSON.label),
    (ConsentHow.PHONE, ConsentHow.PHONE.label),
    (ConsentHow.IN_WRITING, ConsentHow.IN_WRITING.label),
]


class FamilyChangeForm(GovukForm):
    """One button on the family's page: give or withdraw for one agency. Its words are in the
    family's language (gettext_lazy); the staff form below is English, as staff pages are."""

    agency = forms.ChoiceField(
        choices=Agency.choices, error_messages={"required": _("Choose who to change")}
    )
    decision = forms.ChoiceField(
        choices=[("give", _("Give consent")), ("withdraw", _("Withdraw consent"))],
        error_messages={"required": _("Choose whether to give or withdraw consent")},
    )


class StaffChangeForm(GovukForm):
    """A member of staff records a change the family asked for."""

    agency = forms.ChoiceField(
        label="Who is it about?",
        choices=Agency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the change is about"},
    )
    decision = forms.ChoiceField(
        label="What did the family decide?",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family agrees or withdraws consent"},
    )
    on_behalf_of = forms.CharField(
        label="Who in the family told you?",
        help_text="Their name, for example Grace Okafor (mother)",
        max_length=200,
        error_messages={"required": "Enter the name of the family member who told you"},
    )
    how = forms.ChoiceField(
        label="How did they tell you?",
        choices=STAFF_HOW,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the family told you"},
    )
    note = forms.CharField(
        label="Anything else to record (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
