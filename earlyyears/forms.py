"""GOV.UK Design System form rendering, on Django's own template-based form rendering.

A form that mixes in GovukFormMixin renders labels, hints, error messages and inputs in the
GOV.UK pattern; `govuk/error_summary.html` lists its errors at the top of the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


def _input_class(widget: forms.Widget) -> str | None:
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return None
    if isinstance(widget, forms.CheckboxInput):
        return "govuk-checkboxes__input"
    if isinstance(widget, forms.Textarea):
        return "govuk-textarea"
    if isinstance(widget, forms.Select):
        return "govuk-select"
    if isinstance(widget, forms.FileInput):
        return "govuk-file-upload"
    if isinstance(widget, forms.widgets.Input):
        return "govuk-input"
    return None


class GovukBoundField(BoundField):
    """Adds GOV.UK classes and points aria-describedby at the hint and error message."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget=None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = _input_class(widget)
        if css:
            classes = [css, attrs.get("class", "")]
            if self.errors and css != "govuk-checkboxes__input":
                classes.append(f"{css}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}-hint")
        if self.errors:
            described_by.append(f"{self.auto_id}-error")
        if described_by and not isinstance(
            widget, forms.RadioSelect | forms.CheckboxSelectMultiple
        ):
            attrs["aria-describedby"] = " ".join(described_by)
        else:
            attrs.pop("aria-describedby", None)
        return attrs


class GovukFormMixin:
    default_renderer = GovukFormRenderer()
    bound_field_class = GovukBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.template_name = "govuk/widgets/radios.html"
            elif isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.template_name = "govuk/widgets/checkboxes.html"

    @property
    def first_field_id(self) -> str:
        for bound in self:  # type: ignore[attr-defined]
            if not bound.is_hidden:
                return bound.id_for_label
        return ""


class GovukForm(GovukFormMixin, forms.Form):
    pass


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Contact your service administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
