"""Forms for families (every word translated) and for the SEND team's family access controls."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from earlyyears.models import FamilyContact, FamilyMember

SHIPPED_LANGUAGES = ("en", "cy", "pl")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6 numbers in the text we just sent you."),
        max_length=12,
        error_messages={"required": _("Enter the code from the text we sent you.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if not ch.isspace())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 numbers from the text, like 123456."))
        return code


class PreferencesForm(forms.Form):
    texts = forms.ChoiceField(
        label=_("When should we text you?"),
        choices=[
            ("all", _("When anything changes")),
            ("fewer", _("Only when a decision is made")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when we should text you.")},
    )
    language = forms.ChoiceField(
        label=_("Which language do you want?"),
        choices=FamilyContact.Language.choices,
        error_messages={
            "required": _("Choose a language."),
            "invalid_choice": _("Choose a language from the list."),
        },
    )

    @classmethod
    def for_member(cls, data, member: FamilyMember) -> PreferencesForm:
        return cls(
            data,
            initial={
                "texts": "fewer" if member.fewer_texts else "all",
                "language": member.preferred_language,
            },
        )


class BlockForm(forms.Form):
    reason = forms.CharField(
        label="Why are you blocking family access?",
        help_text="Only the SEND team sees this. The family is told to call the SEND team.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why family access is blocked"},
    )
