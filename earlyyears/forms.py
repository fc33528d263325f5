"""GOV.UK Design System form rendering, on Django's own template-based form rendering.

A form that mixes in GovukFormMixin renders labels, hints, error messages and inputs in the
GOV.UK pattern; `govuk/error_summary.html` lists its errors at the top of the page.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join


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

    @property
    def anchor_id(self) -> str:
        """Where the error summary links to: the input, or a date's day box."""
        return self.id_for_label or (f"{self.auto_id}_0" if self.auto_id else "")

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        # CheckboxSelectMultiple is a RadioSelect subclass, so it is tested first.
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.template_name = "govuk/widgets/checkboxes.html"
        elif isinstance(widget, forms.RadioSelect):
            widget.template_name = "govuk/widgets/radios.html"
        return super().as_widget(widget, attrs, only_initial)

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

    @property
    def first_field_id(self) -> str:
        for bound in self:  # type: ignore[attr-defined]
            if not bound.is_hidden:
                return bound.anchor_id
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


class QuickSelect(forms.Select):
    """A select built in Python. Django renders each option through a template (about 0.1 ms an
    option), which for a filter of hundreds of settings was most of a page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        values = value if isinstance(value, list | tuple) else [value]
        chosen = {str(v) for v in values if v not in (None, "")}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option), " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "govuk/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        def box(width: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                }
            )

        super().__init__({"day": box(2), "month": box(2), "year": box(4)}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date from three boxes, with the GOV.UK error messages for each way it can be wrong."""

    widget = GovukDateWidget

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        parts = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> datetime.date | None:
        if not data_list or all(not (part or "").strip() for part in data_list):
            return None
        label = (self.label or "Date").lower()
        names = ("a day", "a month", "a year")
        missing = [name for name, part in zip(names, data_list, strict=True) if not part]
        if missing:
            raise forms.ValidationError(
                f"The {label} must include {' and '.join(missing)}", code="incomplete"
            )
        parts = [str(part).strip() for part in data_list]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError(f"The {label} must be a real date", code="invalid")
        try:
            day, month, year = (int(part) for part in parts)
            value = datetime.date(year, month, day)
        except (ValueError, OverflowError):
            raise forms.ValidationError(
                f"The {label} must be a real date", code="invalid"
            ) from None
        if year < 1900:
            raise forms.ValidationError(f"The {label} must be a real date", code="invalid")
        if self.past_only and value > timezone.localdate():
            raise forms.ValidationError(f"The {label} must be today or in the past", code="future")
        return value
