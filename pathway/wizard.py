"""The concern wizard: django-formtools' NamedUrlWizardView, one URL a step, answers kept in a
ConcernDraft row (keyed by the draft id in the URL) rather than the session."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import NamedUrlWizardView, WizardView

from earlyyears.access import children_for, children_led_by, family_contacts_for
from earlyyears.models import FamilyContact, Role

from . import forms as steps
from .access import draft_for, observations_for
from .guidance import signs_for, training_lesson
from .services import save_draft_progress, submit_concern

STEP_TITLES = {
    "child": "About the child",
    "development": "The child's development",
    "specific_areas": "Literacy, mathematics, understanding the world, expressive arts",
    "support": "What the setting has already tried",
    "checks": "Checks and screens",
    "health_family": "Health and family",
    "early_help": "Help for the family",
    "family": "The family's views and consent",
    "check": "Check your answers before sending the concern",
}

# The caption above each question: the part of the concern it belongs to. The number of steps
# depends on the answers (the specific areas and early help are asked only when they apply),
# so the pages name their section rather than a "step N of M" that would change mid-way
# (the GOV.UK pattern for question pages).
SECTIONS = {
    "child": "About the child",
    "development": "Development",
    "specific_areas": "Development",
    "support": "Support so far",
    "checks": "Support so far",
    "health_family": "Health and family",
    "early_help": "Health and family",
    "family": "The family",
    "check": "Check and send",
}


class DraftStorage(BaseStorage):
    """formtools storage backed by the ConcernDraft row the view has loaded."""

    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        self.draft = request.concern_draft
        # The draft was read for this request alone: its answers need no copy.
        self.data = self.draft.data or None
        if not self.data:
            self.init_data()
        self._saved = json.dumps(self.data, sort_keys=True, default=str)

    def update_response(self, response):
        super().update_response(response)
        if self.draft.submitted_at is not None:
            return  # sent: the answers are the referral's now, and a sent draft is never saved
        if json.dumps(self.data, sort_keys=True, default=str) != self._saved:
            save_draft_progress(self.draft, self.data)


# Where the draft remembers which steps were valid, and with which answers (formtools' extra data).
VALID_STEPS = "valid_steps"
# Where it keeps each valid step's answers as check your answers shows them, with the same digest.
SHOWN_ANSWERS = "shown_answers"
# Steps whose shown answers come from the answers alone, whichever child is chosen. The others
# name records (the child, observations, family contacts) when the child is already known, and
# a record can change between the step and the check, so those are shown afresh.
ANSWERS_ONLY_STEPS = frozenset({"support", "checks", "health_family", "early_help"})
# Steps whose validity depends on another step's answers (the child chosen decides which
# observations may be cited as evidence).
DEPENDS_ON = {"development": ("child",), "specific_areas": ("child",), "family": ("child",)}


def _posted_value(wizard: ConcernWizard, step: str, field: str) -> str | None:
    # Read the stored raw answer rather than re-validating the step (formtools #220, #264).
    data = wizard.storage.get_step_data(step) or {}
    return data.get(f"{step}-{field}")


def wants_specific_areas(wizard: ConcernWizard) -> bool:
    return _posted_value(wizard, "development", "specific_concerns") == "yes"


def family_circumstances_flagged(wizard: ConcernWizard) -> bool:
    return _posted_value(wizard, "health_family", "family_circumstances") == "yes"


class ConcernWizard(LoginRequiredMixin, NamedUrlWizardView):
    storage_name = "pathway.wizard.DraftStorage"
    form_list = [
        ("child", steps.ChildStepForm),
        ("development", steps.PrimeAreasForm),
        ("specific_areas", steps.SpecificAreasForm),
        ("support", steps.SupportCycleFormSet),
        ("checks", steps.ChecksForm),
        ("health_family", steps.HealthFamilyForm),
        ("early_help", steps.EarlyHelpForm),
        ("family", steps.FamilyForm),
        ("check", steps.CheckAnswersForm),
    ]
    condition_dict = {
        "specific_areas": wants_specific_areas,
        "early_help": family_circumstances_flagged,
    }

    @classmethod
    def as_view(cls, **kwargs):
        return super().as_view(url_name="concern-step", done_step_name="done", **kwargs)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.draft = draft_for(request.user, kwargs["draft_id"])
        if self.draft.submitted_at is not None:
            return redirect("referral-confirmation", referral_id=self.draft.referral.pk)
        if self.draft.is_expired:
            return render(
                request,
                "pathway/draft_expired.html",
                {"page_title": "This draft has expired"},
                status=410,
            )
        request.concern_draft = self.draft
        response = super().dispatch(request, *args, **kwargs)
        # The audit trail's child is the draft's, as this request left it: the audit middleware
        # need not read the draft again (a submission names its referral too, in `done`).
        request.audit = {"child_id": self.draft.child_id, **getattr(request, "audit", {})}
        return response

    def get_prefix(self, request, *args, **kwargs):
        return f"concern_{kwargs['draft_id']}"

    def get_step_url(self, step):
        return reverse(self.url_name, kwargs={"draft_id": self.draft.pk, "step": step})

    # --- which children, and which step may be shown -----------------------------------------

    def child_choices(self):
        if self.request.user.role == Role.PRACTITIONER:
            children = children_led_by(self.request.user, self.draft.setting)
        else:
            children = children_for(self.request.user)
        return children.order_by("last_name", "first_name")

    def chosen_child(self):
        """The child the child step names, read once per request (this view instance lives for
        one request; nothing about who may see a child is kept beyond it, DESIGN.md rule 8)."""
        value = _posted_value(self, "child", "child")
        if not (value and value.isascii() and value.isdigit()):
            return None
        remembered = getattr(self, "_chosen_child", None)
        if remembered is not None and remembered[0] == value:
            return remembered[1]
        child = self.child_choices().filter(pk=int(value)).first()
        self._chosen_child = (value, child)
        return child

    def get_form_kwargs(self, step=None):
        kwargs = super().get_form_kwargs(step)
        if step == "child":
            kwargs["children"] = self.child_choices()
            # Portage workers raise concerns only for children already on their caseload.
            kwargs["allow_new"] = self.request.user.role == Role.PRACTITIONER
        elif step in ("development", "specific_areas"):
            child = self.chosen_child()
            kwargs["observations"] = (
                observations_for(self.request.user).filter(child=child) if child else None
            )
        elif step == "family":
            kwargs["contacts"] = self.contact_choices()
        return kwargs

    def contact_choices(self):
        """The chosen child's contacts the user may see, to pick who gave consent from (none
        for a child added in this concern). A contact rejected as not the family's is left out."""
        child = self.chosen_child()
        if child is None:
            return None
        return (
            family_contacts_for(self.request.user, child)
            .exclude(confirmation=FamilyContact.Confirmation.REJECTED)
            .order_by("-is_primary", "name", "pk")
        )

    def _fingerprint(self, step: str) -> str | None:
        """A digest of the answers a step was validated with (and the steps it depends on)."""
        stored = self.storage.data[self.storage.step_data_key]
        if stored.get(step) is None:
            return None
        basis = [stored.get(name) for name in (step, *DEPENDS_ON.get(step, ()))]
        text = json.dumps(basis, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def _remember_valid(self, step: str, form=None) -> None:
        """Remember that a step is valid with its answers; given the form just validated, also
        its answers as check your answers shows them, so that page builds no form again."""
        fingerprint = self._fingerprint(step)
        if fingerprint is None:
            return
        extra = dict(self.storage.extra_data)
        valid = dict(extra.get(VALID_STEPS) or {})
        changed = valid.get(step) != fingerprint
        valid[step] = fingerprint
        extra[VALID_STEPS] = valid
        if form is not None and self._shown_from_answers(step):
            shown = dict(extra.get(SHOWN_ANSWERS) or {})
            entry = [fingerprint, [[str(label), value] for label, value in summarise(form)]]
            changed = changed or shown.get(step) != entry
            shown[step] = entry
            extra[SHOWN_ANSWERS] = shown
        if changed:
            self.storage.extra_data = extra

    def _shown_from_answers(self, step: str) -> bool:
        return step in ANSWERS_ONLY_STEPS or self.chosen_child() is None

    def _step_is_valid(self, step: str) -> bool:
        """Whether a step's stored answers pass its form. Remembered in the draft with a digest
        of the answers, so each earlier step is validated once rather than on every request;
        the submission still validates every step again (formtools' render_done)."""
        data = self.storage.get_step_data(step)
        if data is None:
            return False
        fingerprint = self._fingerprint(step)
        if (self.storage.extra_data.get(VALID_STEPS) or {}).get(step) == fingerprint:
            return True
        form = self.get_form(step=step, data=data)
        if not form.is_valid():
            return False
        self._remember_valid(step, form)
        return True

    def _first_incomplete_step(self, before: str) -> str | None:
        for step in self.get_form_list():
            if step == before:
                return None
            if not self._step_is_valid(step):
                return step
        return None

    def get(self, *args, **kwargs):
        step = kwargs.get("step")
        if step == self.done_step_name:
            return redirect(self.get_step_url("check"))
        if step in self.get_form_list():
            incomplete = self._first_incomplete_step(step)
            if incomplete is not None:
                return redirect(self.get_step_url(incomplete))
        return super().get(*args, **kwargs)

    def post(self, *args, **kwargs):
        posted_step = self.request.POST.get(f"{self.prefix}-current_step")
        if posted_step not in self.get_form_list():
            # A step that is not (or no longer) part of this concern, e.g. an optional step
            # switched off in another tab: show the page this URL names, or the first step.
            step = kwargs.get("step")
            return redirect(self.get_step_url(step if step in self.get_form_list() else "child"))
        incomplete = self._first_incomplete_step(posted_step)
        if incomplete is not None:
            return redirect(self.get_step_url(incomplete))
        if "save_and_exit" in self.request.POST:
            return self.save_and_exit()
        return super().post(*args, **kwargs)

    def save_and_exit(self) -> HttpResponse:
        """Keep what is on the page, valid or not, and go back to My concerns."""
        step = self.steps.current
        form = self.get_form(data=self.request.POST)
        raw = {
            key: self.request.POST.getlist(key)
            for key in self.request.POST
            if key.startswith(f"{form.prefix}-")
        }
        self.storage.set_step_data(step, raw)
        self.storage.current_step = step
        messages.success(self.request, "Your answers have been saved. Come back to them here.")
        return redirect("my-concerns")

    def render_done(self, form, **kwargs):
        # Submit in the POST of the check step itself: formtools' named-URL wizard would
        # redirect to a GET of "done" first, and a GET must never send a concern.
        return WizardView.render_done(self, form, **kwargs)

    def render_next_step(self, form, **kwargs):
        # formtools has just validated and stored this step's answers.
        self._remember_valid(self.steps.current, form)
        if self.request.GET.get("change") and self._first_incomplete_step("check") is None:
            self.storage.current_step = "check"
            return redirect(self.get_step_url("check"))
        return super().render_next_step(form, **kwargs)

    def process_step(self, form):
        if self.steps.current == "child":
            child = self.chosen_child_from(form)
            self.draft.child = child
            self.draft.child_name = (
                child.full_name
                if child
                else f"{form.cleaned_data['first_name']} {form.cleaned_data['last_name']}"
            )
        return super().process_step(form)

    def chosen_child_from(self, form):
        value = form.cleaned_data.get("child")
        if value and value != steps.NEW_CHILD:
            return self.child_choices().get(pk=int(value))
        return None

    # --- pages ----------------------------------------------------------------------------

    def get_template_names(self):
        return [f"pathway/wizard/{self.steps.current}.html", "pathway/wizard/step.html"]

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        prev = self.steps.prev
        child = self.chosen_child()
        context.update(
            {
                "page_title": STEP_TITLES[step],
                "step_title": STEP_TITLES[step],
                "draft": self.draft,
                "child_name": self.draft.child_name or "a child",
                "section_name": SECTIONS[step],
                "back_url": self.get_step_url(prev) if prev else reverse("my-concerns"),
                "has_errors": _has_errors(form),
                "form": form,
            }
        )
        if step in ("development", "specific_areas"):
            age = child.age_in_months() if child else None
            context["area_groups"] = [
                {
                    "area": area,
                    "signs": signs_for(area.value, age),
                    "lesson": training_lesson(area.value),
                    "fields": [
                        form[f"{area.value}_{name}"] for name in ("level", "age_band", "evidence")
                    ],
                }
                for area in form.areas
            ]
        if step == "check":
            context["summary"] = self.summary()
            context["summary_html"] = summary_html(context["summary"])
        return context

    def summary(self) -> list[dict[str, Any]]:
        """Each step's answers: as remembered when the step was last validated with the same
        answers, or from its form built and validated again."""
        sections = []
        shown = self.storage.extra_data.get(SHOWN_ANSWERS) or {}
        for step in self.get_form_list():
            if step == "check":
                continue
            remembered = shown.get(step)
            if (
                remembered
                and remembered[0] == self._fingerprint(step)
                and self._shown_from_answers(step)
            ):
                rows = [(label, value) for label, value in remembered[1]]
            else:
                form = self.get_form(step=step, data=self.storage.get_step_data(step))
                form.is_valid()
                rows = summarise(form)
            sections.append(
                {
                    "title": STEP_TITLES[step],
                    "url": self.get_step_url(step) + "?change=1",
                    "rows": rows,
                }
            )
        return sections

    def done(self, form_list, form_dict=None, **kwargs):
        form_dict = form_dict or {}
        child_form = form_dict["child"]
        child = self.chosen_child_from(child_form)
        child_answer = {**child_form.cleaned_data, "child": child}
        development = form_dict["development"]
        answers: dict[str, Any] = {
            "development": development.answers(),
            "evidence_observations": development.cleaned_data.get("evidence_observations", []),
            "support_cycles": form_dict["support"].answers(),
            "checks": _jsonable(form_dict["checks"].cleaned_data),
            "health_family": form_dict["health_family"].answers(),
            "family": form_dict["family"].answers(),
        }
        if "specific_areas" in form_dict:
            answers["specific_areas"] = form_dict["specific_areas"].answers()
        if "early_help" in form_dict:
            answers["early_help"] = form_dict["early_help"].answers()
        answers["family"]["consent_given_on"] = form_dict["family"].cleaned_data["consent_given_on"]
        referral = submit_concern(
            self.draft, self.request.user, child_answer=child_answer, answers=_jsonable(answers)
        )
        # Sent (now or by an earlier click): the storage must not save the draft again.
        self.draft.submitted_at = timezone.now()
        # Every submission is in the audit trail, with who sent it and the child it named.
        self.request.audit = {
            "child_id": referral.child_id,
            "referral_id": referral.pk,
            "object_type": "pathway.referral",
            "object_id": referral.pk,
            "action": "change",
        }
        return redirect("referral-confirmation", referral_id=referral.pk)


_SECTION = (
    '\n<h2 class="govuk-heading-m">{}</h2>\n'
    '<dl class="govuk-summary-list govuk-!-margin-bottom-9">\n  {}\n</dl>\n'
)
_ROW = (
    '\n  <div class="govuk-summary-list__row">\n'
    '    <dt class="govuk-summary-list__key">{}</dt>\n'
    '    <dd class="govuk-summary-list__value">{}</dd>\n'
    '    <dd class="govuk-summary-list__actions"><a class="govuk-link" href="{}">Change'
    '<span class="govuk-visually-hidden"> {}</span></a></dd>\n'
    "  </div>\n  "
)


def summary_html(sections: list[dict[str, Any]]) -> str:
    """Check your answers as GOV.UK summary lists, built in Python: the same HTML as a template
    loop over every answer, which was most of the check page's rendering."""
    return mark_safe(  # noqa: S308 - every part is escaped by format_html or linebreaksbr
        "".join(
            format_html(
                _SECTION,
                section["title"],
                mark_safe(  # noqa: S308 - rows built by format_html
                    "".join(
                        format_html(
                            _ROW,
                            label,
                            linebreaksbr(value, autoescape=True),
                            section["url"],
                            str(label).lower(),
                        )
                        for label, value in section["rows"]
                    )
                ),
            )
            for section in sections
        )
    )


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _has_errors(form) -> bool:
    if isinstance(form, forms.BaseFormSet):
        return form.is_bound and form.total_error_count() > 0
    return bool(form.errors)


def _display(bound: forms.BoundField, value: Any) -> str:
    field = bound.field
    if value in (None, "", []):
        return "Not given"
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict((str(k), v) for k, v in field.choices)
        return ", ".join(str(labels.get(str(v), v)) for v in value)
    if isinstance(field, forms.ChoiceField):
        labels = dict((str(k), v) for k, v in field.choices)
        return str(labels.get(str(value), value))
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def _support_rows(formset) -> list[tuple[str, str]]:
    """Every answer of every support cycle given, the review date and outcome included."""
    rows = []
    cycles = [f for f in formset.forms if (getattr(f, "cleaned_data", None) or {}).get("tried")]
    for number, cycle in enumerate(cycles, start=1):
        for bound in cycle:
            value = cycle.cleaned_data.get(bound.name)
            if bound.name == "outcome" and not value:
                shown = "Not reviewed yet"
            else:
                shown = _display(bound, value)
            rows.append((f"Cycle {number}: {str(bound.label).lower()}", shown))
    return rows


def summarise(form) -> list[tuple[str, str]]:
    """Question and answer pairs for check-your-answers, in the order they were asked."""
    if isinstance(form, forms.BaseFormSet):
        rows = _support_rows(form) if form.is_valid() else []
        return rows or [("Support cycles", "None recorded")]
    cleaned = getattr(form, "cleaned_data", {}) or {}
    rows = []
    for bound in form:
        if bound.name in cleaned and not bound.is_hidden:
            rows.append((str(bound.label), _display(bound, cleaned[bound.name])))
    if isinstance(form, steps.ChildStepForm) and cleaned.get("child") != steps.NEW_CHILD:
        rows = rows[:1]
    return rows
