"""The forms of signing in's second step, setting a password from an invitation, and deciding a
change to an account.

Setting a password follows the NCSC's password guidance: at least 12 characters, no rules about
character types, checked against a list of common passwords, pasting allowed (password
managers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    UserAttributeSimilarityValidator,
    validate_password,
)
from django.core.exceptions import ValidationError

from ..forms import GovukForm
from ..security import check_code


class TwoFactorCodeForm(GovukForm):
    """The second step of signing in: a code from the user's app, or one of their recovery
    codes. Checking it is the validation, so a wrong or throttled code is a form error."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args: Any, user: Any, device: Any = None, **kwargs: Any) -> None:
        """With `device` (setting up an app) only that app's 6-digit codes are accepted."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        self.verified_device = None
        if device is not None:
            self.fields["code"].help_text = "The 6-digit code your authenticator app shows now"
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        result = check_code(self.user, code, device=self.device)
        if result.throttled:
            raise forms.ValidationError(
                "You have entered too many wrong codes. Wait a minute, then enter the latest "
                "code from your app",
                code="throttled",
            )
        if result.device is None:
            raise forms.ValidationError(
                "The code is not right or has expired. Enter the latest code from your app",
                code="invalid",
            )
        self.verified_device = result.device
        return code


MIN_LENGTH = 12
MAX_LENGTH = 256
VALIDATORS = [
    MinimumLengthValidator(MIN_LENGTH),
    CommonPasswordValidator(),
    UserAttributeSimilarityValidator(),
]
PLAIN = {
    "password_too_short": f"Password must be {MIN_LENGTH} characters or more",
    "password_too_common": (
        "Choose a password that is harder to guess: this one is on a list of common passwords"
    ),
    "password_too_similar": "Password must not be like your name, username or email address",
}


class SetPasswordForm(GovukForm):
    password = forms.CharField(
        label="Create a password",
        help_text=(
            f"Use {MIN_LENGTH} characters or more. Three random words together are long and "
            "easy to remember. You can use a password manager."
        ),
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "spellcheck": "false"}),
        error_messages={
            "required": "Enter a password",
            "max_length": f"Password must be {MAX_LENGTH} characters or fewer",
        },
    )
    confirm = forms.CharField(
        label="Type the password again",
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "spellcheck": "false"}),
        error_messages={"required": "Type the password again"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            validate_password(password, self.user, password_validators=VALIDATORS)
        except ValidationError as error:
            raise ValidationError(
                [PLAIN.get(e.code, e.messages[0]) for e in error.error_list]
            ) from error
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("confirm") is not None:
            if cleaned["password"] != cleaned["confirm"]:
                self.add_error("confirm", "The passwords do not match")
        return cleaned


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you approve this change?",
        choices=[("approve", "Yes, approve it"), ("reject", "No, reject it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve the change"},
    )
    reason = forms.CharField(
        label="If you reject it, say why",
        help_text="The administrator who asked sees this",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are rejecting the change")
        return cleaned
