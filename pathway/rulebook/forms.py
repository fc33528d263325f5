"""Forms for the rule editor, from GOV.UK components. A condition is chosen in two steps: the
fact, then a comparison and value offered only as that fact allows (a yes/no fact is yes or
no; a level is chosen from its levels; a number is a whole number in the fact's range)."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukForm
from pathway.models import Route
from pathway.routing import FACTS, OPERATORS, Fact

# What a whole number may be, and what it counts, for each number fact.
NUMBER_RANGES: dict[str, tuple[int, int, str]] = {
    "age_months": (0, 96, "In months: for example, 36 for 3 years."),
    "prime_areas_with_concern": (0, 3, "A number from 0 to 3 (there are 3 prime areas)."),
    "areas_with_concern": (0, 7, "A number from 0 to 7 (there are 7 areas of learning)."),
    "max_delay_months": (0, 96, "In months: for example, 18."),
    "support_cycles_completed": (0, 20, "A number from 0 to 20."),
}
COMPARISON_WORDS = {
    "eq": "Is exactly",
    "ne": "Is not",
    "lt": "Is under",
    "lte": "Is at most",
    "gt": "Is over",
    "gte": "Is at least",
    "in": "Is one of",
    "contains": "Includes",
}
ORDERED_WORDS = {
    "eq": "Is",
    "ne": "Is not",
    "lt": "Is lower than",
    "lte": "Is at most",
    "gt": "Is higher than",
    "gte": "Is at least",
    "in": "Is one of",
}


class RuleForm(GovukForm):
    name = forms.CharField(
        label="Name of the rule",
        max_length=200,
        help_text="A short name staff see beside each reason, for example “Delay of 18 months "
        "or more”.",
    )
    route = forms.ChoiceField(label="Where it sends the referral", widget=forms.RadioSelect)
    fallback = forms.BooleanField(
        label="Use this rule only when no other rule matches",
        help_text="Fallback rules are tried in order and the first that matches wins. The last "
        "fallback should have no conditions, so that every referral gets a route.",
        required=False,
    )
    position = forms.IntegerField(
        label="Order",
        min_value=0,
        max_value=999,
        help_text="Rules are tried from the lowest number. Order matters for fallback rules.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = Route.choices


class FactForm(GovukForm):
    fact = forms.ChoiceField(
        label="What should the rule test?",
        widget=forms.RadioSelect,
        choices=[(name, fact.label) for name, fact in FACTS.items()],
    )


class NotesForm(GovukForm):
    notes = forms.CharField(
        label="What changed in this version, and why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _words_for(fact: Fact, op: str) -> str:
    table = ORDERED_WORDS if fact.choices else COMPARISON_WORDS
    return table.get(op, OPERATORS[op])


class ConditionForm(GovukForm):
    """The comparison and value for one fact, offering only what that fact allows."""

    def __init__(self, fact_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fact_name = fact_name
        self.fact = fact = FACTS[fact_name]
        if fact.kind is bool:
            self.fields["holds"] = forms.ChoiceField(
                label=fact.label,
                widget=forms.RadioSelect,
                choices=[
                    ("yes", f"When {fact.staff_yes}"),
                    ("no", f"When {fact.staff_no}"),
                ],
                error_messages={"required": "Select when the rule applies"},
            )
        elif fact.kind is int:
            self.fields["op"] = forms.ChoiceField(
                label="Comparison",
                widget=forms.RadioSelect,
                choices=[(op, _words_for(fact, op)) for op in fact.operators],
                error_messages={"required": "Select a comparison"},
            )
            low, high, hint = NUMBER_RANGES.get(fact_name, (0, 999, "A whole number."))
            self.fields["number"] = forms.CharField(
                label="Value",
                help_text=hint + " For “is one of”, separate numbers with commas.",
                max_length=60,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
                error_messages={"required": "Enter a value"},
            )
            self.number_range = (low, high)
        elif fact.kind is list:
            self.fields["item"] = forms.ChoiceField(
                label=f"{fact.label} include",
                widget=forms.RadioSelect,
                choices=[(value, fact.word(value).capitalize()) for value in fact.choices],
                error_messages={"required": "Select one"},
            )
        else:
            self.fields["op"] = forms.ChoiceField(
                label="Comparison",
                widget=forms.RadioSelect,
                choices=[(op, _words_for(fact, op)) for op in fact.operators],
                error_messages={"required": "Select a comparison"},
            )
            self.fields["values"] = forms.MultipleChoiceField(
                label="Value",
                help_text="Select one, or more than one for “is one of”.",
                widget=forms.CheckboxSelectMultiple,
                choices=[(value, fact.word(value).capitalize()) for value in fact.choices],
                error_messages={"required": "Select a value"},
            )

    @classmethod
    def initial_for(cls, condition: dict[str, Any]) -> dict[str, Any]:
        """The form's initial answers for a stored condition."""
        fact, op, value = FACTS[condition["fact"]], condition["op"], condition["value"]
        if fact.kind is bool:
            return {"holds": "yes" if (op == "eq") == bool(value) else "no"}
        if fact.kind is int:
            numbers = value if isinstance(value, list) else [value]
            return {"op": op, "number": ", ".join(str(n) for n in numbers)}
        if fact.kind is list:
            return {"item": value}
        return {"op": op, "values": value if isinstance(value, list) else [value]}

    def clean_number(self) -> list[int]:
        low, high = self.number_range
        numbers = []
        for part in self.cleaned_data["number"].replace(" ", "").split(","):
            if not part.isdigit():
                raise forms.ValidationError("Enter a whole number, like 18")
            number = int(part)
            if not low <= number <= high:
                raise forms.ValidationError(f"Enter a number from {low} to {high}")
            numbers.append(number)
        return numbers

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        op = data.get("op")
        if "number" in data and op:
            if op != "in" and len(data["number"]) != 1:
                self.add_error("number", "Enter one number, or choose “is one of”")
        if "values" in data and op:
            if op != "in" and len(data["values"]) != 1:
                self.add_error("values", "Select one value, or choose “is one of”")
        return data

    @property
    def condition(self) -> dict[str, Any]:
        """The valid answers as a stored condition."""
        data, fact = self.cleaned_data, self.fact
        if fact.kind is bool:
            return {"fact": self.fact_name, "op": "eq", "value": data["holds"] == "yes"}
        if fact.kind is list:
            return {"fact": self.fact_name, "op": "contains", "value": data["item"]}
        op = data["op"]
        values = data["number"] if fact.kind is int else data["values"]
        return {"fact": self.fact_name, "op": op, "value": values if op == "in" else values[0]}
