"""Checking a family contact, and the SEND team's safeguarding flags."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime

from earlyyears.forms import GovukForm
from earlyyears.models import Child, FamilyContact

VERDICTS = [("confirm", "Confirm"), ("reject", "Reject"), ("", "Leave for now")]


class CheckContactForm(GovukForm):
    """One question for the person (if not yet confirmed) and one for each waiting detail. A
    withheld address is left out for anyone but the SEND team: only they may see it to check it."""

    def __init__(
        self,
        *args: Any,
        contact: FamilyContact,
        withhold_addresses: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.contact = contact
        if not contact.is_confirmed:
            self.fields["person"] = forms.ChoiceField(
                label=(
                    f"Is {contact.name} the child's {contact.get_relationship_display().lower()}?"
                ),
                choices=[
                    ("yes", "Yes, confirm them as a family contact"),
                    ("no", "No, they are not this family's contact"),
                    ("", "Leave for now"),
                ],
                widget=forms.RadioSelect,
                required=False,
                initial="",
            )
        for detail in contact.waiting_details:
            if withhold_addresses and detail.kind == detail.Kind.ADDRESS:
                continue
            when = date_format(localtime(detail.submitted_at), "j F Y")
            consent = ""
            if detail.kind == detail.Kind.MOBILE:
                consent = " They said the family agreed to texts." if detail.sms_consent else ""
            self.fields[f"detail_{detail.pk}"] = forms.ChoiceField(
                label=f"{detail.get_kind_display()}: {detail.value}",
                help_text=(f"Given by {detail.get_source_display().lower()} on {when}.{consent}"),
                choices=VERDICTS,
                widget=forms.RadioSelect,
                required=False,
                initial="",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError("Select at least one answer, or go back")
        return cleaned

    def answers(self) -> tuple[bool | None, dict[int, str]]:
        person = {"yes": True, "no": False}.get(self.cleaned_data.get("person") or "")
        details = {
            int(name.removeprefix("detail_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("detail_") and value
        }
        return person, details


class ChildFlagsForm(GovukForm):
    address_withheld = forms.BooleanField(
        label="The child's address must not be disclosed",
        help_text="For example, the family lives in a refuge. Only the SEND team will see it.",
        required=False,
    )
    looked_after = forms.BooleanField(
        label="The child is looked after by the local authority",
        help_text="The local authority shares parental responsibility.",
        required=False,
    )
    court_order = forms.BooleanField(
        label="A court order restricts information about the child", required=False
    )
    safeguarding_note = forms.CharField(
        label="What the SEND team needs to know",
        help_text="Only the SEND team sees this. Do not write the address here.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "address_withheld": child.address_withheld,
                "looked_after": child.looked_after,
                "court_order": child.court_order,
                "safeguarding_note": child.safeguarding_note,
            },
        )
        super().__init__(*args, **kwargs)


class ContactFlagsForm(GovukForm):
    no_parental_responsibility = forms.BooleanField(
        label="Does not have parental responsibility", required=False
    )
    do_not_contact = forms.BooleanField(label="Do not contact", required=False)
    address_withheld = forms.BooleanField(
        label="Their address must not be disclosed", required=False
    )
    court_order = forms.BooleanField(
        label="A court order restricts what they may be told", required=False
    )

    def __init__(self, *args: Any, contact: FamilyContact, **kwargs: Any):
        kwargs.setdefault("prefix", f"contact-{contact.pk}")
        kwargs.setdefault(
            "initial",
            {
                "no_parental_responsibility": not contact.has_parental_responsibility,
                "do_not_contact": contact.do_not_contact,
                "address_withheld": contact.address_withheld,
                "court_order": contact.court_order,
            },
        )
        super().__init__(*args, **kwargs)
        self.contact = contact
