"""Pages for what the family tells us (issue 22): the family's own pages (in their language,
through the family session, never request.user) and the staff pages (All about me and its
history, home observations to review, questions to the family). Thin: access layer, form,
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from earlyyears.access import FamilyIdentity, child_for
from earlyyears.roles import PORTAGE_ROLES, Role
from pathway.access import referral_for
from pathway.access.families import family_member
from pathway.access.story import (
    family_home_observations_for,
    family_questions_asked_by_team,
    family_questions_to_answer_for,
    family_story_child_for,
    home_observation_for,
    may_review_home_observations,
    may_see_story,
)

# The family pages' frame (the session check, the language, the page) is families' own: shared
# on purpose rather than copied (see .importlinter).
from pathway.families.views import _render, _signed_out, family_page

from . import media, selectors, services
from .forms import (
    AllAboutMeForm,
    AnswerForm,
    AssistedAllAboutMeForm,
    HomeObservationForm,
    QuestionForm,
    ReviewForm,
)

STORY_FIELDS = services.STORY_FIELDS


# --- The family's pages -----------------------------------------------------------------------


def _family_child(request: HttpRequest, family: FamilyIdentity | None, child_id: int):
    if family is None:
        return None
    request.audit = {"child_id": child_id}
    return family_story_child_for(family, child_id)


@family_page
def family_all_about_me(
    request: HttpRequest, family: FamilyIdentity | None, child_id: int
) -> HttpResponse:
    """Read and update "All about me" and "what matters to us"; each save is a new version."""
    child = _family_child(request, family, child_id)
    if child is None:
        return _signed_out(request, status=404)
    versions = selectors.versions_for_family(family, child)
    latest = versions[0].record if versions else None
    initial = {name: getattr(latest, name) for name in STORY_FIELDS} if latest else {}
    form = AllAboutMeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_all_about_me(
                child,
                {name: form.cleaned_data[name] for name in STORY_FIELDS},
                member=family_member(family),
            )
        except services.StoryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. We have saved “All about me”."))
            return redirect("family-all-about-me", child_id=child.pk)
    return _render(
        request,
        "pathway/family_story/family_all_about_me.html",
        {
            "page_title": _("All about %(name)s") % {"name": child.first_name},
            "child": child,
            "form": form,
            "latest": versions[0] if versions else None,
            "earlier": versions[1:],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@family_page
def family_home_observations(
    request: HttpRequest, family: FamilyIdentity | None, child_id: int
) -> HttpResponse:
    child = _family_child(request, family, child_id)
    if child is None:
        return _signed_out(request, status=404)
    rows = [
        {
            "observation": o,
            "status": selectors.status_words_for_family(o),
            "added_on": selectors.long_date(o.added_at),
        }
        for o in selectors.family_home_observations(family, child)
    ]
    return _render(
        request,
        "pathway/family_story/family_home_observations.html",
        {
            "page_title": _("What you have seen at home"),
            "child": child,
            "rows": rows,
        },
    )


@family_page
def family_home_observation_new(
    request: HttpRequest, family: FamilyIdentity | None, child_id: int
) -> HttpResponse:
    child = _family_child(request, family, child_id)
    if child is None:
        return _signed_out(request, status=404)
    form = HomeObservationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_home_observation(
                child,
                family_member(family),
                eyfs_area=form.cleaned_data["eyfs_area"],
                note=form.cleaned_data["note"],
                upload=form.cleaned_data.get("media") or None,
            )
        except services.StoryError as error:
            field = "media" if form.cleaned_data.get("media") else None
            form.add_error(field, str(error))
        else:
            messages.success(
                request,
                _("Thank you. Your child's nursery or the SEND team will look at it soon."),
            )
            return redirect("family-home-observations", child_id=child.pk)
    return _render(
        request,
        "pathway/family_story/family_home_observation_form.html",
        {
            "page_title": _("Tell us what you have seen at home"),
            "child": child,
            "form": form,
            "max_size": media.size_words(media.max_bytes()),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@family_page
def family_home_observation_media(
    request: HttpRequest, family: FamilyIdentity | None, home_observation_id: int
) -> HttpResponse:
    if family is None:
        raise Http404
    observation = get_object_or_404(family_home_observations_for(family), pk=home_observation_id)
    request.audit = {"child_id": observation.child_id, "action": "download"}
    if not observation.media:
        raise Http404
    return media.stream(observation.media, observation.media_name)


@family_page
def family_questions(
    request: HttpRequest, family: FamilyIdentity | None, child_id: int
) -> HttpResponse:
    child = _family_child(request, family, child_id)
    if child is None:
        return _signed_out(request, status=404)
    questions = selectors.family_questions(family, child)
    return _render(
        request,
        "pathway/family_story/family_questions.html",
        {
            "page_title": _("Questions from the SEND team"),
            "child": child,
            "questions": [
                {
                    "question": q,
                    "asked_on": selectors.long_date(q.asked_at),
                    "answered_on": selectors.long_date(q.answered_at),
                }
                for q in questions
            ],
        },
    )


@family_page
def family_question(
    request: HttpRequest, family: FamilyIdentity | None, question_id: int
) -> HttpResponse:
    """Answer one question. A closed or answered question says so and takes no answer."""
    if family is None:
        return _signed_out(request, status=404)
    question = get_object_or_404(family_questions_to_answer_for(family), pk=question_id)
    child = question.referral.child
    request.audit = {"child_id": child.pk}
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.answer_question(
                    question, member=family_member(family), answer=form.cleaned_data["answer"]
                )
            except services.StoryError as error:
                form.add_error("answer", str(error))
                status = 409
            else:
                messages.success(request, _("Thank you. The SEND team has your answer."))
                return redirect("family-questions", child_id=child.pk)
    return _render(
        request,
        "pathway/family_story/family_question.html",
        {
            "page_title": _("Answer a question from the SEND team"),
            "child": child,
            "question": question,
            "asked_on": selectors.long_date(question.asked_at),
            "form": form,
        },
        status=status,
    )


# --- Staff pages ------------------------------------------------------------------------------


def _story_child(request: HttpRequest, child_id: int):
    """A child the user sees (404 otherwise) whose family agrees to share with their agency
    (403 otherwise: the page says nothing of what is there)."""
    child = child_for(request.user, child_id)
    if not may_see_story(request.user, child):
        raise PermissionDenied
    return child


@login_required
def all_about_me(request: HttpRequest, child_id: int) -> HttpResponse:
    """The latest version and when it changed, then every earlier version (who, when)."""
    child = _story_child(request, child_id)
    versions = selectors.versions_for_staff(request.user, child)
    return render(
        request,
        "pathway/family_story/all_about_me.html",
        {
            "page_title": f"All about me: {child.full_name}",
            "child": child,
            "latest": versions[0] if versions else None,
            "earlier": versions[1:],
            "can_assist": request.user.role == Role.PORTAGE_WORKER,
            "can_download": request.user.role in PORTAGE_ROLES,
        },
    )


@login_required
def all_about_me_with_family(request: HttpRequest, child_id: int) -> HttpResponse:
    """A portage worker completes it with the family, sitting with them (recorded as such)."""
    if request.user.role != Role.PORTAGE_WORKER:
        raise PermissionDenied
    child = _story_child(request, child_id)
    versions = selectors.versions_for_staff(request.user, child)
    latest = versions[0].record if versions else None
    initial = {name: getattr(latest, name) for name in STORY_FIELDS} if latest else {}
    form = AssistedAllAboutMeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_all_about_me(
                child,
                {name: form.cleaned_data[name] for name in STORY_FIELDS},
                assisted_by=request.user,
                completed_with=form.cleaned_data["completed_with"],
                relationship=form.cleaned_data["relationship"],
            )
        except services.StoryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "“All about me” saved as a new version.")
            return redirect("story-all-about-me", child_id=child.pk)
    return render(
        request,
        "pathway/family_story/all_about_me_form.html",
        {
            "page_title": f"Complete All about me with the family: {child.full_name}",
            "child": child,
            "form": form,
            "latest": versions[0] if versions else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def home_observations(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _story_child(request, child_id)
    return render(
        request,
        "pathway/family_story/home_observations.html",
        {
            "page_title": f"Home observations: {child.full_name}",
            "child": child,
            "observations": selectors.staff_home_observations(request.user, child),
            "can_review": may_review_home_observations(request.user),
        },
    )


@login_required
def home_observation(request: HttpRequest, home_observation_id: int) -> HttpResponse:
    """Look at one home observation and, for the setting or the SEND team, accept or decline."""
    observation = home_observation_for(request.user, home_observation_id)
    can_review = may_review_home_observations(request.user)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.review_home_observation(
                    observation,
                    by=request.user,
                    accept=form.cleaned_data["decision"] == "accept",
                    reason=form.cleaned_data["reason"],
                )
            except services.StoryError as error:
                form.add_error(None, str(error))
            else:
                accepted = form.cleaned_data["decision"] == "accept"
                messages.success(
                    request,
                    "Added to the child's record."
                    if accepted
                    else "Not added. The family can see your reason.",
                )
                return redirect("story-home-observations", child_id=observation.child_id)
    return render(
        request,
        "pathway/family_story/home_observation.html",
        {
            "page_title": f"Home observation: {observation.child.full_name}",
            "child": observation.child,
            "observation": observation,
            "media_type": media.BY_CONTENT_TYPE.get(observation.media_type),
            "form": form,
            "can_review": can_review and observation.status == observation.Status.WAITING,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def home_observation_media(request: HttpRequest, home_observation_id: int) -> HttpResponse:
    observation = home_observation_for(request.user, home_observation_id)
    if not observation.media:
        raise Http404
    return media.stream(observation.media, observation.media_name)


@login_required
def family_questions_for_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The SEND team asks the family a question about a referral, and reads the answers."""
    if request.user.role not in (Role.SEND_OFFICER, Role.SEND_MANAGER):
        raise PermissionDenied
    referral = referral_for(request.user, referral_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ask_family(referral, by=request.user, question=form.cleaned_data["question"])
        messages.success(request, "Question sent. The family has been told by text.")
        return redirect("story-family-questions", referral_id=referral.pk)
    return render(
        request,
        "pathway/family_story/family_questions_staff.html",
        {
            "page_title": f"Questions to the family: {referral.reference}",
            "referral": referral,
            "questions": selectors.referral_section(request.user, referral).get("questions", []),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def close_family_question(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        family_questions_asked_by_team(request.user).select_related("referral"), pk=question_id
    )
    try:
        services.close_question(question, by=request.user)
    except services.StoryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Question closed. The family can no longer answer it.")
    return redirect("story-family-questions", referral_id=question.referral_id)
