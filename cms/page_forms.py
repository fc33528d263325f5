"""The edit form of a local offer service in Wagtail's admin: a provider's account may only
keep the service with its own organisation (it cannot hand a service to another one)."""

from __future__ import annotations

from django import forms
from django.apps import apps
from wagtail.admin.forms import WagtailAdminPageForm

from earlyyears.roles import Role


class ServicePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        field = self.fields.get("organisation")
        if field is None or user is None or getattr(user, "role", None) != Role.PROVIDER:
            return
        Organisation = apps.get_model("cms", "Organisation")
        field.queryset = Organisation.objects.filter(provider_group__user=user)
        field.required = True
        field.empty_label = None
        # A plain list of one: the snippet chooser would list every organisation.
        field.widget = forms.Select(choices=field.choices)
