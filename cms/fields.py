"""A list of choice codes in one text column, filterable on every database.

JSONField containment lookups do not work on SQLite, so the codes are stored as ",a,b," and a
filter for code ``a`` is ``field__contains=",a,"``: one column, one index-free LIKE, portable.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


class ChoiceListField(models.CharField):
    """A list of codes from ``choices``, edited as checkboxes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 255:
            del kwargs["max_length"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    @staticmethod
    def split(value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple | set):
            return [str(v) for v in value if str(v)]
        return [part for part in str(value).split(",") if part]

    def from_db_value(self, value, expression, connection):
        return self.split(value)

    def to_python(self, value):
        return self.split(value)

    def get_prep_value(self, value):
        if isinstance(value, str) and value.startswith(","):
            return value  # already in stored form (e.g. a lookup value)
        codes = self.split(value)
        return f",{','.join(codes)}," if codes else ""

    def value_to_string(self, obj) -> str:
        return ",".join(self.split(self.value_from_object(obj)))

    def validate(self, value, model_instance) -> None:
        allowed = {str(code) for code, _ in self.flatchoices}
        unknown = [code for code in self.split(value) if code not in allowed]
        if unknown:
            raise ValidationError(f"Unknown value: {', '.join(unknown)}")
        if not self.blank and not self.split(value):
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs: Any):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.choices,
            "required": not self.blank,
            "widget": forms.CheckboxSelectMultiple,
            "label": self.verbose_name.capitalize(),
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        # Bypass CharField.formfield, which would build a single-choice field from `choices`.
        form_class = defaults.pop("form_class")
        defaults.pop("choices_form_class", None)
        return form_class(**defaults)
