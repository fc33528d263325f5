"""Forms for SEND casework. A form checks the shape of the answer; the rules about which
decision is allowed live in pathway.casework, whose errors the view adds to the form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from earlyyears.forms import GovukDateField, GovukForm, QuickSelect
from earlyyears.models import User, display_name
from earlyyears.needs import AgeBand, BroadAreaOfNeed
from pathway.casework.services import ROUTE_CHOICES_FOR, FundingTerms, decisions_open_to
from pathway.models import Decision, Referral, Route


class DecisionForm(GovukForm):
    """One form for every decision, by an officer or at panel: what was decided and why."""

    kind = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    routes = forms.MultipleChoiceField(
        label="Routes",
        help_text="For accept or re-route: the route or routes the child goes on to",
        choices=Route.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the decision",
        help_text="Plain words: the family and the setting may read this",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Enter the reason for the decision"},
    )
    question = forms.CharField(
        label="Question for the setting",
        help_text="Only if you ask the setting for more information",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    amount = forms.DecimalField(
        label="Funding amount in pounds",
        help_text="Only if you award inclusion funding. For example, 1200.00",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100000"),
        decimal_places=2,
        error_messages={"invalid": "Enter the amount as a number of pounds, like 1200.00"},
    )
    hours_per_week = forms.DecimalField(
        label="Hours of extra support a week",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("60"),
        decimal_places=1,
        error_messages={"invalid": "Enter hours a week as a number, like 5 or 7.5"},
    )
    starts_on = GovukDateField(label="Funding start date", required=False)
    ends_on = GovukDateField(label="Funding end date", required=False)
    review_on = GovukDateField(label="Review date", required=False)

    FUNDING_FIELDS = ("amount", "hours_per_week", "starts_on", "ends_on", "review_on")

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral
        allowed = decisions_open_to(referral)
        self.fields["kind"].choices = [(kind, Decision.Kind(kind).label) for kind in allowed]
        self.fields["kind"].error_messages["required"] = "Select the decision"
        route_choices = {route for kind in allowed for route in ROUTE_CHOICES_FOR.get(kind, [])}
        self.fields["routes"].choices = [
            (value, label) for value, label in Route.choices if value in route_choices
        ]
        self.has_choices = bool(allowed)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind in ROUTE_CHOICES_FOR and not data.get("routes"):
            self.add_error("routes", "Select at least one route")
        if kind == Decision.Kind.MORE_INFORMATION and not (data.get("question") or "").strip():
            self.add_error("question", "Enter the question for the setting")
        if kind == Decision.Kind.FUNDING:
            messages = {
                "amount": "Enter the funding amount",
                "hours_per_week": "Enter the hours of extra support a week",
                "starts_on": "Enter the funding start date",
                "ends_on": "Enter the funding end date",
                "review_on": "Enter the review date",
            }
            for name in self.FUNDING_FIELDS:
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, messages[name])
        return data

    def funding_terms(self) -> FundingTerms | None:
        data = self.cleaned_data
        if data.get("kind") != Decision.Kind.FUNDING:
            return None
        return FundingTerms(
            amount=data["amount"],
            hours_per_week=data["hours_per_week"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            review_on=data["review_on"],
        )

    def decide_kwargs(self) -> dict[str, Any]:
        """The keyword arguments for casework.decide, from the cleaned answers."""
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "routes": data.get("routes") or [],
            "question": data.get("question") or "",
            "funding": self.funding_terms(),
        }


class AllocationForm(GovukForm):
    officer = forms.ModelChoiceField(
        label="Officer",
        queryset=User.objects.none(),
        empty_label="Choose an officer",
        error_messages={"required": "Select the officer", "invalid_choice": "Select the officer"},
    )
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=300,
        help_text="For example, caseload balance or the officer's knowledge of the family",
    )

    def __init__(self, *args: Any, officers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = display_name


class AnswerForm(GovukForm):
    answer = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        error_messages={"required": "Enter your answer"},
    )


class NoteForm(GovukForm):
    text = forms.CharField(
        label="Case note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Enter the note"},
    )


class TriageFilterForm(GovukForm):
    """The queue's filters, from the query string; a bad value is reported, never a 500.

    The setting is a text field (a name or an Ofsted URN, matched on the server) so the page
    does not list every setting in the county; with JavaScript it suggests settings as it is
    typed (GOV.UK's accessible autocomplete), and an old link's `?setting=<id>` still filters."""

    route = forms.ChoiceField(label="Route", required=False)
    area = forms.TypedChoiceField(label="Area", required=False, coerce=int, empty_value=None)
    setting = forms.CharField(
        label="Setting",
        help_text="Name or Ofsted URN",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    age_band = forms.ChoiceField(label="Age", required=False)
    need = forms.ChoiceField(label="Broad area of need", required=False)
    waiting = forms.ChoiceField(label="Waiting", required=False)
    clock = forms.ChoiceField(
        label="Clock",
        required=False,
        choices=[("", "Any"), ("overdue", "Overdue"), ("due_soon", "Due soon")],
    )
    allocated = forms.ChoiceField(label="Allocated to", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), ("more_information", "Waiting for the setting")],
    )
    sort = forms.ChoiceField(label="Sort by", required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        areas,
        officers,
        waiting,
        settings_matching,
        sorts,
        setting_search_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.settings_matching = settings_matching
        if setting_search_url:  # suggestions as it is typed, where JavaScript runs
            self.fields["setting"].widget.attrs.update(
                {"data-module": "app-setting-autocomplete", "data-source-url": setting_search_url}
            )
        self.fields["route"].choices = [("", "Any route"), *Route.choices]
        self.fields["area"].choices = [("", "Any area")] + [(a.pk, a.name) for a in areas]
        self.fields["age_band"].choices = [("", "Any age"), *AgeBand.choices]
        self.fields["need"].choices = [("", "Any need"), *BroadAreaOfNeed.choices]
        self.fields["waiting"].choices = [("", "Any time")] + [
            (key, label) for key, (label, _, _) in waiting.items()
        ]
        self.fields["allocated"].choices = [
            ("", "Anyone or no one"),
            ("me", "Me"),
            ("none", "No one yet"),
        ] + [(str(o.pk), display_name(o)) for o in officers]
        self.fields["sort"].choices = [("", "")] + [
            (f"{way}{name}", name) for name in sorts for way in ("", "-")
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget = QuickSelect(choices=field.choices)
            label = field.label.lower()
            field.error_messages["invalid_choice"] = f"Choose a {label} from the list"
        self.fields["sort"].error_messages["invalid_choice"] = "Choose a column to sort by"

    def clean_setting(self) -> str | int | None:
        text = " ".join(self.cleaned_data["setting"].split())
        if not text:
            return None
        found = list(self.settings_matching(text).values_list("pk", "urn")[:2])
        if not found:
            raise forms.ValidationError(
                "No setting matches that name or Ofsted URN", code="no_match"
            )
        if text.isdigit() and any(pk == int(text) for pk, _ in found):
            # An old link's setting id: show the setting's URN in the box, filter by the id.
            pk, urn = next((pk, urn) for pk, urn in found if pk == int(text))
            self.data = self.data.copy()
            self.data["setting"] = urn
            return pk
        return text


class UndoAllocationForm(GovukForm):
    """Why a claim or allocation was a mistake: the reason goes on the timeline."""

    reason = forms.CharField(
        label="Why was it a mistake?",
        help_text="For example, claimed the wrong referral or allocated to the wrong officer",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
        error_messages={
            "required": "Enter why it was a mistake",
            "max_length": "Reason must be 300 characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why it was a mistake", code="required")
        return reason


class SharingForm(GovukForm):
    """Withdraw a family's consent to share, or record a lawful basis to share without it."""

    service = forms.ChoiceField(
        label="Service",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the service"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], reason_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services
        self.fields["reason"].label = reason_label
