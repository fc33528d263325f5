"""The family survey: the SEND manager's surveys (create, preview, send, results), planners'
read-only results, the feedback consent (staff on a contact; the family on their own pages),
and the survey page a family opens from the text. Thin: rules live in selectors and services.

The survey page needs no sign-in and records nothing about who opened it: no audit event, no
session, no family identity. It is shown in the invitation's language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from earlyyears.access import FamilyIdentity, child_for, family_contacts_for
from earlyyears.exports import streaming_csv
from earlyyears.roles import CONSENT_RECORDER_ROLES
from pathway.access.families import family_member

# The family pages' frame (the session check, the language, the page) is families' own: shared
# on purpose rather than copied (see .importlinter).
from pathway.families.views import _render, _signed_out, family_page
from pathway.models import FamilySurvey, SurveyQuestion

from . import selectors, services
from .forms import AnswerForm, FamilyConsentForm, SendForm, StaffConsentForm, SurveyForm

SHIPPED = services.SHIPPED_LANGUAGES
LANGUAGE_NAMES = [("en", "English"), ("cy", "Cymraeg"), ("pl", "Polski")]


def _manager_only(request: HttpRequest) -> None:
    if not selectors.manages_surveys(request.user):
        raise PermissionDenied


def _reader_only(request: HttpRequest) -> None:
    if not selectors.reads_results(request.user):
        raise PermissionDenied


def _audit(request: HttpRequest, survey: FamilySurvey, action: str = "") -> None:
    """The SEND manager's sending and every read of results are on the audit trail."""
    request.audit = {"object_type": "pathway.familysurvey", "object_id": survey.pk}
    if action:
        request.audit["action"] = action


# --- Staff: surveys -----------------------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    _reader_only(request)
    surveys = selectors.surveys_for(request.user).prefetch_related("questions")
    return render(
        request,
        "pathway/family_survey/list.html",
        {
            "page_title": "Family surveys",
            "surveys": surveys,
            "is_manager": selectors.manages_surveys(request.user),
            "agreed": selectors.eligible_contacts(selectors.group_contacts("all")).count()
            if selectors.manages_surveys(request.user)
            else None,
        },
    )


def _survey_form_page(request: HttpRequest, survey: FamilySurvey | None) -> HttpResponse:
    form = SurveyForm(request.POST if request.method == "POST" else None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.save_survey(
                title=form.cleaned_data["title"],
                closes_on=form.cleaned_data["closes_on"],
                questions=form.questions,
                by=request.user,
                survey=survey,
            )
        except services.SurveyError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Survey saved. Check how it looks before you send it.")
            return redirect("family-survey", survey_id=survey.pk)
    return render(
        request,
        "pathway/family_survey/form.html",
        {
            "page_title": "Change the survey" if survey else "Create a family survey",
            "form": form,
            "survey": survey,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    return _survey_form_page(request, None)


@login_required
def survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    _manager_only(request)
    survey = selectors.survey_for(request.user, survey_id)
    if survey.is_sent:
        messages.error(request, "This survey has been sent, so it can no longer be changed.")
        return redirect("family-survey", survey_id=survey.pk)
    return _survey_form_page(request, survey)


@login_required
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The survey as families will see it, in each language, and where to send it."""
    _manager_only(request)
    survey = selectors.survey_for(request.user, survey_id)
    questions = list(survey.questions.all())
    return render(
        request,
        "pathway/family_survey/detail.html",
        {
            "page_title": survey.title,
            "survey": survey,
            "questions": questions,
            "languages": [
                ("en", "English"),
                ("cy", "Welsh"),
                ("pl", "Polish"),
            ],
            "invited": survey.invitations.count(),
            "answered": survey.responses.count(),
        },
    )


@login_required
def survey_preview(request: HttpRequest, survey_id: int, language: str) -> HttpResponse:
    """Exactly the family's page, in one language, with a form that goes nowhere."""
    _manager_only(request)
    if language not in SHIPPED:
        raise Http404
    survey = selectors.survey_for(request.user, survey_id)
    with translation.override(language):
        form = AnswerForm(questions=list(survey.questions.all()), language=language)
        return _family_survey_page(request, survey, form, language, preview=True)


@login_required
def survey_send(request: HttpRequest, survey_id: int) -> HttpResponse:
    _manager_only(request)
    survey = selectors.survey_for(request.user, survey_id)
    form = SendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        _audit(request, survey, "change")
        if form.is_valid():
            data = form.cleaned_data
            contacts = selectors.group_contacts(
                data["group"], data.get("decided_from"), data.get("decided_to")
            )
            try:
                result = services.send_survey(survey, contacts, by=request.user)
            except services.SurveyError as problem:
                form.add_error(None, str(problem))
            else:
                if result.invited:
                    text = f"We are texting the survey to {result.invited} families."
                else:
                    text = (
                        "Nobody new to text: nobody in that group has agreed, or all of them "
                        "have had it already."
                    )
                if result.already:
                    text += f" {result.already} had it already and were not texted again."
                messages.success(request, text)
                return redirect("family-survey", survey_id=survey.pk)
    return render(
        request,
        "pathway/family_survey/send.html",
        {
            "page_title": f"Send {survey.title}",
            "survey": survey,
            "form": form,
            "agreed": selectors.eligible_contacts(selectors.group_contacts("all")).count(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    _reader_only(request)
    survey = selectors.survey_for(request.user, survey_id)
    _audit(request, survey)
    return render(
        request,
        "pathway/family_survey/results.html",
        {
            "page_title": f"Results: {survey.title}",
            "results": selectors.survey_results(survey),
            "is_manager": selectors.manages_surveys(request.user),
        },
    )


@login_required
def survey_results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    _reader_only(request)
    survey = selectors.survey_for(request.user, survey_id)
    _audit(request, survey, "export")
    # Through the one exporter: every cell neutralised (a question could start with "=").
    return streaming_csv(
        selectors.results_csv_rows(selectors.survey_results(survey)),
        f"family-survey-{survey.pk}.csv",
    )


# --- Staff: a contact's feedback consent --------------------------------------------------------


@login_required
def contact_feedback_consent(request: HttpRequest, child_id: int, contact_id: int) -> HttpResponse:
    """The setting or the SEND team records what the contact told them."""
    if request.user.role not in CONSENT_RECORDER_ROLES:
        raise PermissionDenied
    child = child_for(request.user, child_id)
    contact = get_object_or_404(family_contacts_for(request.user, child), pk=contact_id)
    form = StaffConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        given = form.cleaned_data["given"] == "yes"
        with transaction.atomic():
            services.record_feedback_consent(
                contact, given, how=form.cleaned_data["how"], by_staff=request.user
            )
        messages.success(
            request,
            f"{contact.name} agreed to be asked for feedback."
            if given
            else f"{contact.name} will not be asked for feedback.",
        )
        return redirect("contact-feedback-consent", child_id=child.pk, contact_id=contact.pk)
    consent = getattr(contact, "feedback_consent", None)
    return render(
        request,
        "pathway/family_survey/contact_consent.html",
        {
            "page_title": f"Feedback from {contact.name}",
            "child": child,
            "contact": contact,
            "agreed": consent.given if consent else None,
            "history": selectors.consent_history(contact),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- The family's own pages ---------------------------------------------------------------------


@family_page
def family_feedback_consent(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    """'Can we ask you for feedback?' on the family's own pages."""
    if family is None:
        return _signed_out(request, status=404)
    member = family_member(family)
    current = selectors.member_agrees(member)
    form = FamilyConsentForm(
        request.POST if request.method == "POST" else None,
        initial={"given": {True: "yes", False: "no"}.get(current, "")},
    )
    if request.method == "POST" and form.is_valid():
        given = form.cleaned_data["given"] == "yes"
        services.record_family_feedback_consent(member, given)
        messages.success(
            request,
            _("Thank you. We may send you a short survey by text now and then.")
            if given
            else _("Thank you. We will not ask you for feedback."),
        )
        return redirect("family-feedback-consent")
    return _render(
        request,
        "pathway/family_survey/family_consent.html",
        {"page_title": _("Can we ask you for feedback?"), "form": form, "current": current},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- The survey page from the text --------------------------------------------------------------


def _family_survey_page(
    request: HttpRequest,
    survey: FamilySurvey,
    form: AnswerForm,
    language: str,
    *,
    preview: bool = False,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "pathway/family_survey/answer.html",
        {
            "page_title": _("Tell us what you think"),
            "send_team_phone": settings.SEND_TEAM_PHONE,
            "page_language": language,
            "page_dir": "ltr",
            "survey": survey,
            "form": form,
            "preview": preview,
            "languages": LANGUAGE_NAMES,
            "rating": SurveyQuestion.Kind.RATING,
            "text_kind": SurveyQuestion.Kind.TEXT,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    response["Referrer-Policy"] = "same-origin"  # the link is the key: never to another site
    return response


def _chosen_language(request: HttpRequest, default: str) -> str:
    chosen = request.GET.get("language", "")
    if chosen in SHIPPED:
        return chosen
    return default if default in SHIPPED else "en"


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """A family's answers, once, while the survey is open; otherwise 404 for every case."""
    if request.user.is_authenticated:
        raise Http404  # staff never answer for a family, as on every family page
    invitation = selectors.open_invitation(token)
    language = _chosen_language(request, invitation.language)
    with translation.override(language):
        questions = list(invitation.survey.questions.all())
        form = AnswerForm(
            request.POST if request.method == "POST" else None,
            questions=questions,
            language=language,
        )
        if request.method == "POST" and form.is_valid():
            if not services.save_answers(invitation, form.answers()):
                raise Http404  # answered already (another tab, a second press)
            return redirect(f"/feedback/thank-you/?language={language}")
        return _family_survey_page(
            request,
            invitation.survey,
            form,
            language,
            status=400 if form.is_bound and form.errors else 200,
        )


def thanks(request: HttpRequest) -> HttpResponse:
    language = _chosen_language(request, "en")
    with translation.override(language):
        response = render(
            request,
            "pathway/family_survey/thanks.html",
            {
                "page_title": _("Thank you for your answers"),
                "send_team_phone": settings.SEND_TEAM_PHONE,
                "page_language": language,
                "page_dir": "ltr",
                "languages": LANGUAGE_NAMES,
            },
        )
    response["Content-Language"] = language
    return response
