"""Wagtail's user admin (/admin/users/) under the same rules as the staff admin
(`earlyyears.accounts`): no password fields (WAGTAILUSERS_PASSWORD_ENABLED is off), a change
to anyone who can see children waits for a SEND manager, nobody changes their own access, and
a new account that can see children cannot sign in until it is approved."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import CreateView, EditView, UserViewSet

from ..models import Role
from . import selectors, services

GUARDED_FIELDS = ("email", "role", "is_active", "is_superuser", "groups")


class AccountCreationForm(UserCreationForm):
    role = forms.ChoiceField(
        label="Role in the service",
        choices=Role.choices,
        initial=Role.TRAINER,
        help_text="A role that sees children's records needs a SEND team manager's approval",
    )

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"role"}


class AccountEditForm(UserEditForm):
    role = forms.ChoiceField(label="Role in the service", choices=Role.choices)

    def __init__(self, *args, **kwargs):
        editing_self = kwargs.get("editing_self", False)
        super().__init__(*args, **kwargs)
        if editing_self:
            self.fields["role"].disabled = True
            self.fields["groups"].disabled = True

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"role"}


class AccountCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        if services.new_account_made(self.request.user, instance):
            messages.warning(
                self.request,
                f"{instance.username} can see children's records, so they cannot sign in until "
                "a SEND team manager approves the new account.",
            )
        return instance


class AccountEditView(EditView):
    def save_instance(self):
        form = self.form
        proposed = {
            key: form.cleaned_data[key] for key in GUARDED_FIELDS if key in form.changed_data
        }
        try:
            result = services.review(self.request.user, form.instance, proposed)
        except services.AccountRuleBroken as error:
            raise PermissionDenied(str(error)) from error
        for key in result.held:
            if key in services.SCALAR_KEYS:
                setattr(form.instance, key, result.before[key])
            else:
                form.cleaned_data[key] = result.before[key]
        instance = super().save_instance()
        if services.hold(self.request.user, instance, result):
            labels = ", ".join(selectors.LABELS[key].lower() for key in result.held)
            messages.warning(
                self.request,
                f"The change to {labels} waits for a SEND team manager to approve it. "
                f"{instance.username}'s email address has been told.",
            )
        return instance


class AccountUserViewSet(UserViewSet):
    add_view_class = AccountCreateView
    edit_view_class = AccountEditView

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm
