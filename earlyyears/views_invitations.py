"""A new member of staff sets their own password from the link in their invitation.

Following the NCSC's password guidance: at least 12 characters, no rules about character types,
checked against a list of common passwords, pasting allowed (password managers), and the link
works once and expires."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    UserAttributeSimilarityValidator,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .forms import GovukForm
from .imports import accept_invitation, invitation_for_token

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


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: never send it on to another site (a stricter policy,
    no-referrer, would make the browser send "Origin: null" and fail the CSRF check)."""
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def set_password(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return _private(
            render(
                request,
                "earlyyears/invitations/invalid.html",
                {"page_title": "This link has expired or has already been used"},
                status=404,
            )
        )
    form = SetPasswordForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        user = accept_invitation(token, form.cleaned_data["password"])
        if user is None:
            return _private(
                render(
                    request,
                    "earlyyears/invitations/invalid.html",
                    {"page_title": "This link has expired or has already been used"},
                    status=404,
                )
            )
        messages.success(request, "Your password is set. Sign in with your username and it.")
        return _private(redirect("sign-in"))
    return _private(
        render(
            request,
            "earlyyears/invitations/set_password.html",
            {
                "page_title": "Set your password",
                "form": form,
                "invited_user": invitation.user,
                "expires_at": invitation.expires_at,
            },
            status=400 if form.errors else 200,
        )
    )
