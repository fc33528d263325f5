"""The family's comment form (no account) with a check that works without JavaScript, and the
moderators' forms."""

from __future__ import annotations

import time

from django import forms
from django.core import signing

from earlyyears.forms import GovukForm

from ..comment_models import LocalOfferComment

TOKEN_SALT = "cms.comments.form-started"  # noqa: S105 - a salt, not a secret
# A person takes longer than this to read the form and write a comment; a robot does not.
FASTEST_SECONDS = 3
# After this the form has expired (the token cannot be saved and replayed for ever).
SLOWEST_SECONDS = 24 * 60 * 60
MAX_CHARACTERS = 3000


def started_token(at: float | None = None) -> str:
    """A signed note of when the form was shown."""
    return signing.dumps({"t": int(time.time() if at is None else at)}, salt=TOKEN_SALT)


def seconds_since(token: str, now: float | None = None) -> float | None:
    """How long ago the form was shown, or None when the token is not ours."""
    try:
        started = signing.loads(token, salt=TOKEN_SALT)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return (time.time() if now is None else now) - started


class CommentForm(GovukForm):
    """What a family writes. `website` is a trap: it is in a hidden part of the page that
    people never see (and screen readers skip); a robot filling every box fills it."""

    about = forms.ChoiceField(
        label="What is your comment about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what your comment is about"},
    )
    comment = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_CHARACTERS,
        help_text="Tell us what works, what does not and what is missing. Do not include your "
        "name, your child's name or anything else that could identify you or your family.",
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {MAX_CHARACTERS:,} characters or fewer",
        },
    )
    website = forms.CharField(label="Leave this empty", required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, service=None, now: float | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self.now = now
        choices = [("offer", "The local offer as a whole")]
        if service is not None:
            choices.insert(0, ("service", service.title))
        self.fields["about"].choices = choices
        if service is not None and not self.is_bound:
            self.initial.setdefault("about", "service")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.is_robot = False

    def clean_comment(self) -> str:
        text = self.cleaned_data["comment"].strip()
        if not text:
            raise forms.ValidationError("Enter your comment")
        return text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            self.is_robot = True
        elapsed = seconds_since(cleaned.get("started") or "", self.now)
        if elapsed is None or elapsed > SLOWEST_SECONDS:
            raise forms.ValidationError(
                "This page has expired. Check your comment and send it again"
            )
        if elapsed < FASTEST_SECONDS:
            raise forms.ValidationError(
                "That was sent too quickly to be from a person. Wait a few seconds, check "
                "your comment and send it again"
            )
        return cleaned


class ModerateForm(GovukForm):
    """A moderator's redaction and response, and what to do with the comment."""

    ACTIONS = [
        ("save", "Save and come back to it"),
        ("publish", "Publish the redacted comment with our response"),
        ("not_published", "Do not publish it"),
    ]

    redacted = forms.CharField(
        label="Comment to publish",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=MAX_CHARACTERS,
        help_text="Remove names, addresses, dates of birth and anything else that could "
        "identify someone. Only this version is ever published.",
    )
    response = forms.CharField(
        label="Our response",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_CHARACTERS,
        help_text="What the council has done or will do. Published under the comment.",
    )
    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=ACTIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to do"},
    )
    reason = forms.CharField(
        label="Why it is not published",
        required=False,
        max_length=255,
        help_text="For example: spam, abusive, or a complaint about one person passed on",
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "publish":
            if not cleaned.get("redacted", "").strip():
                self.add_error("redacted", "Enter the comment to publish")
            if not cleaned.get("response", "").strip():
                self.add_error("response", "Enter our response before publishing")
        if action == "not_published" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter why it is not published")
        return cleaned


class PublishYearForm(GovukForm):
    introduction = forms.CharField(
        label="Introduction",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_CHARACTERS,
        help_text="Shown above the comments, for example what changed most this year",
    )


def status_label(status: str) -> str:
    return str(dict(LocalOfferComment.Status.choices).get(status, status))
