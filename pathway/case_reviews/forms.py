"""Forms for case reviews: the sample, the panel, a reviewer's findings and a proposed change to
the routing rules."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukDateField, GovukForm
from earlyyears.models import User
from earlyyears.roles import Role
from pathway.models import CaseReview, ReviewCause, ReviewFinding, ReviewPanelMember

from .services import SampleRequest, StageFinding

MAX_SAMPLE = 200

# Who can sit on a review panel: people from education, health and care with their own sign-in,
# and case reviewers from a family's perspective (who can see nothing else in the service).
PANEL_ROLES = (
    Role.SEND_OFFICER,
    Role.SEND_MANAGER,
    Role.PORTAGE_WORKER,
    Role.EARLY_HELP_COORDINATOR,
    Role.PROFESSIONAL,
    Role.CASE_REVIEWER,
)


class NewReviewForm(GovukForm):
    title = forms.CharField(
        label="Name of the review",
        max_length=200,
        help_text="For example, Spring 2027 review of children who waited longest",
        error_messages={"required": "Enter a name for the review"},
    )
    method = forms.ChoiceField(
        label="Which cases to review",
        choices=CaseReview.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which cases to review"},
    )
    referred_from = GovukDateField(
        label="Concerns raised from", error_messages={"required": "Enter the first date"}
    )
    referred_to = GovukDateField(
        label="Concerns raised until", error_messages={"required": "Enter the last date"}
    )
    sample_size = forms.IntegerField(
        label="How many cases",
        min_value=1,
        max_value=MAX_SAMPLE,
        error_messages={
            "required": "Enter how many cases to review",
            "invalid": "How many cases must be a whole number, like 20",
            "min_value": "Review at least 1 case",
            "max_value": f"Review at most {MAX_SAMPLE} cases at once",
        },
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=999_999,
        help_text="Leave blank for a new random sample. Enter an earlier review's seed to "
        "draw the same cases again from the same records.",
        error_messages={
            "invalid": "The seed must be a whole number, like 4821",
            "min_value": "The seed must be 0 or more",
            "max_value": "The seed must be 999999 or less",
        },
    )
    opens_on = GovukDateField(
        label="Reviewers can see the cases from",
        error_messages={"required": "Enter the date the review opens"},
    )
    closes_on = GovukDateField(
        label="Reviewers can see the cases until",
        error_messages={"required": "Enter the date the review closes"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("referred_from"), data.get("referred_to")
        if start and end and end < start:
            self.add_error("referred_to", "The last date must be the same as or after the first")
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The review must close on or after the day it opens")
        return data

    def sample_request(self) -> SampleRequest:
        data = self.cleaned_data
        return SampleRequest(
            title=data["title"],
            method=data["method"],
            referred_from=data["referred_from"],
            referred_to=data["referred_to"],
            sample_size=data["sample_size"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            seed=data.get("seed"),
        )


class MemberForm(GovukForm):
    user = forms.ModelChoiceField(
        label="Who",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose who to add to the panel"},
    )
    perspective = forms.ChoiceField(
        label="Their perspective",
        choices=ReviewPanelMember.Perspective.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the perspective they bring"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, role__in=PANEL_ROLES
        ).order_by("first_name", "last_name", "username")
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.get_role_display()})"
        )


class FindingsForm(GovukForm):
    """One reviewer's answers for every stage of one case."""

    def __init__(self, *args: Any, existing: dict[str, ReviewFinding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        causes = ReviewCause.objects.filter(active=True)
        for stage, label in ReviewFinding.Stage.choices:
            found = existing.get(stage)
            self.fields[f"{stage}_earlier"] = forms.ChoiceField(
                label=f"{label}: could something have been done earlier?",
                choices=ReviewFinding.Earlier.choices,
                widget=forms.RadioSelect,
                initial=found.earlier if found else None,
                error_messages={
                    "required": f"Select whether {label.lower()} could have been earlier"
                },
            )
            self.fields[f"{stage}_causes"] = forms.ModelMultipleChoiceField(
                label="Why (select all that apply)",
                queryset=causes,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=list(found.causes.all()) if found else [],
            )
            self.fields[f"{stage}_notes"] = forms.CharField(
                label="Notes (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=found.notes if found else "",
                help_text="Do not write names: use the initials shown.",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for stage, label in ReviewFinding.Stage.choices:
            if data.get(f"{stage}_earlier") == ReviewFinding.Earlier.YES and not data.get(
                f"{stage}_causes"
            ):
                self.add_error(
                    f"{stage}_causes",
                    f"Select why {label.lower()} could have been earlier",
                )
        return data

    def stages(self) -> list[dict[str, Any]]:
        return [
            {
                "label": label,
                "earlier": self[f"{stage}_earlier"],
                "causes": self[f"{stage}_causes"],
                "notes": self[f"{stage}_notes"],
            }
            for stage, label in ReviewFinding.Stage.choices
        ]

    def findings(self) -> list[StageFinding]:
        data = self.cleaned_data
        return [
            StageFinding(
                stage=stage,
                earlier=data[f"{stage}_earlier"],
                causes=list(data.get(f"{stage}_causes") or []),
                notes=data.get(f"{stage}_notes", ""),
            )
            for stage in ReviewFinding.Stage.values
        ]


class ProposalForm(GovukForm):
    proposal = forms.CharField(
        label="What should change in the routing rules, and why",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what should change in the routing rules"},
    )
