"""Forms of the providers' pages in Wagtail's admin: the Ofsted register upload, and inviting
someone from an organisation."""

from __future__ import annotations

from django import forms

from earlyyears.models import User

from .models import Organisation


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label="Ofsted's early years register (CSV or Excel .xlsx)",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
        },
    )
    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        self.content = upload.read()
        return upload


class InviteProviderForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        error_messages={"required": "Select the organisation they work for"},
    )
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email address",
        help_text="They are sent a link to set a password; it works once, for 7 days",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    username = forms.CharField(label="Username", max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Someone already has this username: choose another")
        return username
