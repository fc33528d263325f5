"""Forms for observations, the concern wizard's steps, and the other ways in.

Forms validate; the wizard view only moves between them; services turn their answers into a
referral. Every choice of child is limited to the children the user may see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from earlyyears import uploads
from earlyyears.forms import GovukBoundField, GovukDateField, GovukForm, QuickSelect
from earlyyears.models import Area, Child, FamilyContact
from earlyyears.needs import PRIME_AREAS, SPECIFIC_AREAS, BroadAreaOfNeed, ConcernLevel, EYFSArea
from earlyyears.postcodes import normalise_postcode
from earlyyears.validators import normalise_uk_mobile, validate_nhs_number

from .models import Observation, ShareWith
from .routing import DEVELOPMENTAL_BANDS

YES_NO = [("yes", "Yes"), ("no", "No")]
NEW_CHILD = "new"


def _yes(value: str | None) -> bool:
    return value == "yes"


class ObservationForm(GovukForm):
    eyfs_area = forms.ChoiceField(
        label="Area of learning", choices=EYFSArea.choices, widget=forms.RadioSelect
    )
    observed_on = GovukDateField(
        label="Date of the observation", past_only=True, help_text="For example, 27 3 2026"
    )
    what_was_seen = forms.CharField(
        label="What did you see?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Describe what the child did and said, not what you think it means.",
    )
    strengths = forms.CharField(
        label="What is the child good at, or enjoying?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    attachment = forms.FileField(
        label="Photo or document (optional)",
        required=False,
        help_text="A JPG, PNG or PDF, up to 10 MB. Do not include other children.",
    )

    def clean_observed_on(self):
        value = self.cleaned_data.get("observed_on")
        if value is None:
            raise forms.ValidationError("Enter the date of the observation")
        return value

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return upload
        uploads.check_upload(upload, max_bytes=django_settings.UPLOAD_MAX_BYTES)
        return upload


# --- The concern wizard -------------------------------------------------------------------

# A question rendered empty is the same HTML for everyone: its label, hint, input names and
# choices come from the code. The wizard renders most of its pages empty (each step is seen
# first without answers), so that HTML is made once per process and reused. Never for a field
# whose choices come from the data (children, observations, contacts: `per_request_fields`),
# nor for a form with answers or errors, which are rendered each time.
_EMPTY_FIELDS: dict[tuple, str] = {}
_EMPTY_FIELDS_MAX = 2000


class WizardBoundField(GovukBoundField):
    @property
    def widget_type(self) -> str:
        # The radios built in Python are radios to the GOV.UK field template (a fieldset).
        if isinstance(self.field.widget, WizardRadios):
            return "radioselect"
        return super().widget_type

    def as_field_group(self):
        form = self.form
        field = self.field
        if (
            form.is_bound
            or self.name in getattr(form, "per_request_fields", ())
            or isinstance(field, forms.ModelChoiceField)  # choices from the database
        ):
            return super().as_field_group()
        key = (
            type(form).__qualname__,
            self.html_name,
            self.auto_id,
            str(self.label),
            str(self.help_text),
            field.required,
            type(field.widget).__qualname__,
            tuple(getattr(field, "choices", ())),
        )
        html = _EMPTY_FIELDS.get(key)
        if html is None:
            html = super().as_field_group()
            if len(_EMPTY_FIELDS) < _EMPTY_FIELDS_MAX:
                _EMPTY_FIELDS[key] = html
        return html


_RADIO = (
    '\n  <div class="govuk-radios__item">\n'
    '    <input class="govuk-radios__input" type="radio" name="{}" value="{}" id="{}"{}{}>\n'
    '    <label class="govuk-label govuk-radios__label" for="{}">{}</label>\n'
    "  </div>\n"
)


class WizardRadios(forms.RadioSelect):
    """GOV.UK radios (`govuk/widgets/radios.html`, the same HTML) built in Python. Django
    renders a template for every option; the child step lists every child at the setting and
    is rendered afresh on each request, answered steps too, so that was most of their time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        required = " required" if widget["required"] else ""
        items = [
            format_html(
                _RADIO,
                option["name"],
                "%s" % (option["value"],),  # noqa: UP031 - as the template's stringformat:'s'
                option["attrs"].get("id", ""),
                " checked" if option["selected"] else "",
                required,
                option["attrs"].get("id", ""),
                option["label"],
            )
            for _group, options, _index in widget["optgroups"]
            for option in options
        ]
        return mark_safe(  # noqa: S308 - every part is escaped by format_html above
            '<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">\n'
            + "".join(items)
            + "\n</div>"
        )


class WizardStepForm(GovukForm):
    """A step of the concern wizard: rendered empty from `_EMPTY_FIELDS` where it can be, its
    radios built in Python (`WizardRadios`)."""

    bound_field_class = WizardBoundField
    per_request_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            old = field.widget
            if type(old) is forms.RadioSelect:  # not its subclass CheckboxSelectMultiple
                field.widget = WizardRadios(attrs=old.attrs, choices=old.choices)
                field.widget.is_required = old.is_required


class ChildStepForm(WizardStepForm):
    """Pick one of the setting's children, or add a new one (checked for duplicates)."""

    per_request_fields = ("child",)

    child = forms.ChoiceField(label="Which child is this concern about?", widget=forms.RadioSelect)
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth", past_only=True, required=False, help_text="For example, 14 6 2023"
    )
    postcode = forms.CharField(label="Home postcode", max_length=8, required=False)
    new_child_fields = ("first_name", "last_name", "date_of_birth", "postcode")

    def __init__(
        self, *args: Any, children: QuerySet[Child], allow_new: bool = True, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.children = children
        choices = [
            (str(child.pk), f"{child.full_name}, born {child.date_of_birth:%-d %B %Y}")
            for child in children
        ]
        if allow_new:
            choices.append((NEW_CHILD, "A child who is not listed here"))
        else:
            for name in self.new_child_fields:
                del self.fields[name]
        self.fields["child"].choices = choices
        for name in self.new_child_fields:
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = "off"
        if "postcode" in self.fields:
            self.fields["postcode"].widget.attrs["class"] = "govuk-input--width-10"
        self.fields["child"].error_messages["required"] = "Select the child, or add a new child"

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return normalise_postcode(value) if value else value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("child") != NEW_CHILD:
            return cleaned
        messages = {
            "first_name": "Enter the child's first name",
            "last_name": "Enter the child's last name",
            "date_of_birth": "Enter the child's date of birth",
            "postcode": "Enter the child's home postcode",
        }
        for name, message in messages.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        if self.errors:
            return cleaned
        duplicate = self.children.filter(
            first_name__iexact=cleaned["first_name"].strip(),
            last_name__iexact=cleaned["last_name"].strip(),
            date_of_birth=cleaned["date_of_birth"],
        ).first()
        if duplicate:
            self.add_error(
                "child",
                f"{duplicate.full_name}, born {duplicate.date_of_birth:%-d %B %Y}, is already "
                "at this setting: choose them from the list",
            )
        return cleaned


def _band_choices() -> list[tuple[str, str]]:
    return [("", "Not assessed")] + [
        (key, label) for key, (_, _, label) in DEVELOPMENTAL_BANDS.items()
    ]


class DevelopmentForm(WizardStepForm):
    """For each area: is there a concern, how much, the child's developmental age, evidence."""

    per_request_fields = ("evidence_observations",)

    areas: tuple[EYFSArea, ...] = PRIME_AREAS

    def __init__(self, *args: Any, observations: QuerySet[Observation] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for area in self.areas:
            self.fields[f"{area.value}_level"] = forms.ChoiceField(
                label=f"{area.label}: is there a concern?",
                choices=ConcernLevel.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select whether there is a concern about {area.label.lower()}"
                },
            )
            self.fields[f"{area.value}_age_band"] = forms.ChoiceField(
                label=f"{area.label}: the age band the child is working within",
                choices=_band_choices(),
                widget=QuickSelect,
                required=False,
                help_text="From your Development Matters assessment",
            )
            self.fields[f"{area.value}_evidence"] = forms.CharField(
                label=f"{area.label}: what have you seen?",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                required=False,
            )
        if observations is not None and observations.exists():
            self.fields["evidence_observations"] = forms.MultipleChoiceField(
                label="Observations to include as evidence",
                choices=[(str(o.pk), f"{o}: {o.what_was_seen[:80]}") for o in observations[:30]],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        for area in self.areas:
            level = cleaned.get(f"{area.value}_level")
            if level and level != ConcernLevel.NONE:
                if not (cleaned.get(f"{area.value}_evidence") or "").strip():
                    self.add_error(
                        f"{area.value}_evidence",
                        f"Describe what you have seen that concerns you about {area.label.lower()}",
                    )
        return cleaned

    def answers(self) -> dict[str, dict[str, Any]]:
        return {
            area.value: {
                "level": self.cleaned_data[f"{area.value}_level"],
                "age_band": self.cleaned_data.get(f"{area.value}_age_band") or None,
                "evidence": self.cleaned_data.get(f"{area.value}_evidence", ""),
            }
            for area in self.areas
        }


class PrimeAreasForm(DevelopmentForm):
    areas = PRIME_AREAS

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["specific_concerns"] = forms.ChoiceField(
            label="Do you also have concerns about literacy, mathematics, understanding the world "
            "or expressive arts and design?",
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": "Select yes if you have concerns about the specific areas"},
        )

    def clean(self):
        cleaned = super().clean()
        levels = [cleaned.get(f"{area.value}_level") for area in PRIME_AREAS]
        if all(levels) and all(level == ConcernLevel.NONE for level in levels):
            if cleaned.get("specific_concerns") == "no":
                raise forms.ValidationError(
                    "Select the level of concern for at least one area of learning"
                )
        return cleaned


class SpecificAreasForm(DevelopmentForm):
    areas = SPECIFIC_AREAS


class SupportCycleForm(WizardStepForm):
    started_on = GovukDateField(label="Plan started", past_only=True, required=False)
    reviewed_on = GovukDateField(label="Plan reviewed", past_only=True, required=False)
    tried = forms.CharField(
        label="What was tried",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
        required=False,
    )
    outcome = forms.ChoiceField(
        label="Outcome at review",
        choices=[
            ("", "Not reviewed yet"),
            ("good_progress", "Good progress: needs are being met"),
            ("some_progress", "Some progress"),
            ("no_progress", "Little or no progress"),
        ],
        widget=QuickSelect,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        started, reviewed = cleaned.get("started_on"), cleaned.get("reviewed_on")
        if reviewed and not started:
            self.add_error("started_on", "Enter the date the plan started")
        if started and reviewed and reviewed < started:
            self.add_error("reviewed_on", "The plan review date must be after the date it started")
        if (started or reviewed or cleaned.get("outcome")) and not cleaned.get("tried"):
            self.add_error("tried", "Describe what was tried in this cycle")
        if cleaned.get("outcome") and not reviewed:
            self.add_error("reviewed_on", "Enter the date the plan was reviewed")
        return cleaned

    def answer(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data or not data.get("tried"):
            return None
        return {
            "started_on": data["started_on"].isoformat() if data.get("started_on") else None,
            "reviewed_on": data["reviewed_on"].isoformat() if data.get("reviewed_on") else None,
            "tried": data["tried"],
            "outcome": data.get("outcome") or None,
            "complete": bool(
                data.get("started_on") and data.get("reviewed_on") and data.get("outcome")
            ),
        }


class BaseSupportCycleFormSet(forms.BaseFormSet):
    """Assess, plan, do, review: each cycle of the setting's SEN support plan, newest first."""

    def answers(self) -> list[dict[str, Any]]:
        return [answer for form in self.forms if (answer := form.answer())]

    @property
    def errors_in_order(self):
        return [(form, field) for form in self.forms for field in form if field.errors]


SupportCycleFormSet = forms.formset_factory(
    SupportCycleForm, formset=BaseSupportCycleFormSet, extra=3, max_num=6, validate_max=True
)


class ChecksForm(WizardStepForm):
    progress_check = forms.ChoiceField(
        label="Has the child had their 2-year progress check?",
        choices=[
            ("not_done", "No, or not yet"),
            ("on_track", "Yes: on track"),
            ("some_concerns", "Yes: some concerns"),
            ("significant_concerns", "Yes: significant concerns"),
        ],
        widget=forms.RadioSelect,
    )
    progress_check_on = GovukDateField(
        label="Date of the progress check", past_only=True, required=False
    )
    wellcomm_result = forms.ChoiceField(
        label="Speech and language screen (for example WellComm): result",
        choices=[
            ("not_done", "Not done"),
            ("green", "Green: no concerns"),
            ("amber", "Amber: some concerns"),
            ("red", "Red: significant concerns"),
        ],
        widget=forms.RadioSelect,
    )
    wellcomm_on = GovukDateField(label="Date of the screen", past_only=True, required=False)

    def clean(self):
        cleaned = super().clean()
        needed = {
            "progress_check_on": ("progress_check", "Enter the date of the progress check"),
            "wellcomm_on": ("wellcomm_result", "Enter the date of the screen"),
        }
        for date_field, (answer, message) in needed.items():
            done = cleaned.get(answer) not in (None, "not_done")
            if done and not cleaned.get(date_field) and date_field not in self.errors:
                self.add_error(date_field, message)
        return cleaned


CHECK_RESULTS = [
    ("not_known", "Not known"),
    ("clear", "Checked: no concerns"),
    ("concern", "Concern or referred"),
]

PROFESSIONALS = [
    ("health_visitor", "Health visitor"),
    ("slt", "Speech and language therapist"),
    ("ot", "Occupational therapist"),
    ("physio", "Physiotherapist"),
    ("paediatrician", "Paediatrician"),
    ("audiology", "Audiology"),
    ("social_worker", "Social worker"),
    ("portage", "Portage worker"),
]


class HealthFamilyForm(WizardStepForm):
    diagnoses = forms.CharField(
        label="Known diagnoses or medical needs",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text="Only what the family has told you. Leave blank if none.",
    )
    professionals = forms.MultipleChoiceField(
        label="Professionals already involved",
        choices=PROFESSIONALS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hearing = forms.ChoiceField(
        label="Hearing check",
        choices=CHECK_RESULTS,
        widget=forms.RadioSelect,
    )
    vision = forms.ChoiceField(
        label="Vision check",
        choices=CHECK_RESULTS,
        widget=forms.RadioSelect,
    )
    family_circumstances = forms.ChoiceField(
        label="Are there family circumstances that may need early help?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="For example housing, money, a parent's health, or caring responsibilities.",
        error_messages={
            "required": "Select yes if there are family circumstances that may need early help"
        },
    )
    ehc_assessment_requested = forms.ChoiceField(
        label="Is the family or setting asking for an EHC needs assessment?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if an EHC needs assessment is being requested"},
    )

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "diagnoses": data.get("diagnoses", ""),
            "professionals": data.get("professionals", []),
            "hearing": data["hearing"],
            "vision": data["vision"],
            "family_circumstances": _yes(data["family_circumstances"]),
            "ehc_assessment_requested": _yes(data["ehc_assessment_requested"]),
        }


EARLY_HELP_NEEDS = [
    ("housing", "Housing"),
    ("money", "Money or debt"),
    ("parent_health", "A parent's physical or mental health"),
    ("caring", "Caring for another family member"),
    ("isolation", "Isolation or lack of support"),
    ("relationships", "Family relationships"),
    ("other", "Something else"),
]


class EarlyHelpForm(WizardStepForm):
    needs = forms.MultipleChoiceField(
        label="What might the family need help with?",
        choices=EARLY_HELP_NEEDS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one thing the family might need help with"},
    )
    details = forms.CharField(
        label="Tell us more",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    family_agrees = forms.ChoiceField(
        label="Has the family agreed to an Early Help Assessment?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the family has agreed to an Early Help Assessment"
        },
    )

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "needs": data["needs"],
            "details": data.get("details", ""),
            "family_agrees": _yes(data["family_agrees"]),
        }


SHARE_WITH = ShareWith.choices


NEW_CONTACT = "new"


class FamilyForm(WizardStepForm):
    """The family's views and consent. For a child who already has contacts, the practitioner
    chooses who gave consent from them, and names someone only when they are new (so a
    submission adds a contact only when there is a new one, with the contact rules of
    `pathway.contacts`)."""

    per_request_fields = ("contact",)
    family_views = forms.CharField(
        label="What does the family say about their child?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="In their words: what their child enjoys, finds hard, and what they would "
        "like to happen.",
        error_messages={"required": "Enter the family's views"},
    )
    contact = forms.ChoiceField(label="Who gave consent?", widget=forms.RadioSelect, required=False)
    consent_given_by = forms.CharField(
        label="Name of the parent or carer who gave consent",
        max_length=200,
        error_messages={"required": "Enter the name of the parent or carer who gave consent"},
    )
    relationship = forms.ChoiceField(
        label="Their relationship to the child",
        choices=FamilyContact.Relationship.choices,
        widget=QuickSelect,
    )
    consent_given_on = GovukDateField(label="Date consent was given", past_only=True)
    share_with = forms.MultipleChoiceField(
        label="Who has the family agreed to share this information with?",
        choices=SHARE_WITH,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select who the family agreed to share with: a concern cannot be sent "
            "without consent to share with the SEND team"
        },
    )
    sms_consent = forms.ChoiceField(
        label="Would they like updates by text message?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they would like text message updates"},
    )
    mobile_phone = forms.CharField(
        label="Mobile number for text messages", max_length=20, required=False
    )
    preferred_language = forms.ChoiceField(
        label="Language for text messages",
        choices=FamilyContact.Language.choices,
        widget=QuickSelect,
    )
    completed_with_family = forms.BooleanField(
        label="I completed this page together with the family", required=False
    )

    def __init__(self, *args: Any, contacts: QuerySet[FamilyContact] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.contacts = {str(contact.pk): contact for contact in contacts or []}
        if not self.contacts:
            del self.fields["contact"]
            return
        field = self.fields["contact"]
        field.required = True
        field.choices = [
            (pk, f"{contact.name} ({contact.get_relationship_display().lower()})")
            for pk, contact in self.contacts.items()
        ] + [(NEW_CONTACT, "Someone else")]
        field.error_messages["required"] = "Select who gave consent, or someone else"
        for name in ("consent_given_by", "relationship"):
            self.fields[name].required = False
        self.fields[
            "consent_given_by"
        ].label = "If someone else: name of the parent or carer who gave consent"
        self.fields["relationship"].label = "If someone else: their relationship to the child"
        self.fields["relationship"].choices = [("", "Choose a relationship")] + list(
            FamilyContact.Relationship.choices
        )
        # The choice comes first on the page.
        self.order_fields(["family_views", "contact"])

    def chosen_contact(self) -> FamilyContact | None:
        return self.contacts.get(self.cleaned_data.get("contact") or "")

    def clean_mobile_phone(self):
        value = self.cleaned_data.get("mobile_phone", "")
        return normalise_uk_mobile(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_given_on") is None and "consent_given_on" not in self.errors:
            self.add_error("consent_given_on", "Enter the date consent was given")
        if self.contacts and "contact" not in self.errors:
            chosen = self.chosen_contact()
            if chosen is not None:
                cleaned["consent_given_by"] = chosen.name
                cleaned["relationship"] = chosen.relationship
            else:
                needed = {
                    "consent_given_by": "Enter the name of the parent or carer who gave consent",
                    "relationship": "Select their relationship to the child",
                }
                for name, message in needed.items():
                    if not cleaned.get(name) and name not in self.errors:
                        self.add_error(name, message)
        shares = cleaned.get("share_with")
        if shares is not None and "send_team" not in shares:
            self.add_error(
                "share_with",
                "A concern can only be sent with consent to share with the Early Years SEND team",
            )
        if cleaned.get("sms_consent") == "yes" and not cleaned.get("mobile_phone"):
            if "mobile_phone" not in self.errors:
                self.add_error("mobile_phone", "Enter a mobile number to send text messages to")
        return cleaned

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "family_views": data["family_views"],
            "consent_given_by": data["consent_given_by"],
            "relationship": data["relationship"],
            "consent_given_on": data["consent_given_on"].isoformat(),
            "share_with": data["share_with"],
            "sms_consent": _yes(data["sms_consent"]),
            "mobile_phone": data.get("mobile_phone", ""),
            "preferred_language": data["preferred_language"],
            "completed_with_family": bool(data.get("completed_with_family")),
            "contact_id": chosen.pk if (chosen := self.chosen_contact()) else None,
        }


class CheckAnswersForm(WizardStepForm):
    """The last step: nothing to fill in; posting it submits the concern."""


# --- Other ways in ------------------------------------------------------------------------


class HealthNotificationForm(GovukForm):
    """Children and Families Act 2014 s23: health bodies tell the authority about a child under
    school age who has, or probably has, SEN or a disability."""

    first_name = forms.CharField(label="Child's first name", max_length=100)
    last_name = forms.CharField(label="Child's last name", max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", past_only=True)
    nhs_number = forms.CharField(label="NHS number", max_length=12, required=False)
    postcode = forms.CharField(label="Home postcode", max_length=8)
    area = forms.ModelChoiceField(
        label="Area where the child lives",
        queryset=Area.objects.filter(kind=Area.Kind.WARD),
        empty_label="Select an area",
    )
    broad_areas_of_need = forms.MultipleChoiceField(
        label="Broad areas of need",
        choices=BroadAreaOfNeed.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    diagnoses = forms.CharField(
        label="Diagnosis or probable SEN or disability",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )
    parents_informed = forms.ChoiceField(
        label="Have the parents been told you are notifying the local authority?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    parent_name = forms.CharField(label="Parent or carer's name", max_length=200)
    parent_mobile = forms.CharField(label="Parent or carer's mobile", max_length=20, required=False)
    sms_consent = forms.ChoiceField(
        label="Have they agreed to updates by text message?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    ehc_assessment_requested = forms.ChoiceField(
        label="Do you think an EHC needs assessment is needed now?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    def clean_nhs_number(self):
        value = "".join(self.cleaned_data.get("nhs_number", "").split())
        if value:
            validate_nhs_number(value)
        return value

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean_parent_mobile(self):
        value = self.cleaned_data.get("parent_mobile", "")
        return normalise_uk_mobile(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("parents_informed") == "no":
            self.add_error(
                "parents_informed",
                "Tell the parents before notifying the local authority (section 23 of the "
                "Children and Families Act 2014)",
            )
        if cleaned.get("sms_consent") == "yes" and not cleaned.get("parent_mobile"):
            if "parent_mobile" not in self.errors:
                self.add_error("parent_mobile", "Enter a mobile number to send text messages to")
        return cleaned


class ParentRequestForm(GovukForm):
    """A family asks for help directly, completed with a portage worker or on their behalf."""

    child = forms.ModelChoiceField(
        label="Which child is the request about?",
        queryset=Child.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    broad_areas_of_need = forms.MultipleChoiceField(
        label="What is the family worried about?",
        choices=BroadAreaOfNeed.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    family_views = forms.CharField(
        label="The family's views, in their words",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    consent_given_by = forms.CharField(label="Parent or carer making the request", max_length=200)
    consent_given_on = GovukDateField(label="Date of the request", past_only=True)
    share_with = forms.MultipleChoiceField(
        label="Who has the family agreed to share this information with?",
        choices=SHARE_WITH,
        widget=forms.CheckboxSelectMultiple,
    )
    ehc_assessment_requested = forms.ChoiceField(
        label="Is the family asking for an EHC needs assessment?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    family_circumstances = forms.ChoiceField(
        label="Are there family circumstances that may need early help?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_given_on") is None and "consent_given_on" not in self.errors:
            self.add_error("consent_given_on", "Enter the date of the request")
        shares = cleaned.get("share_with")
        if shares is not None and "send_team" not in shares:
            self.add_error(
                "share_with",
                "A request can only be sent with consent to share with the Early Years SEND team",
            )
        return cleaned
