"""The rule editor for the SEND manager: versions with their rules as sentences, a draft's
rules and conditions edited with GOV.UK forms, tested against past referrals, then published.
Thin: access, a form, a service, a page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pathway import rules, selectors, services
from pathway.access import can_manage_routing
from pathway.access.reviews import case_review_for
from pathway.models import CaseReview, RoutingRuleSet
from pathway.routing import FACTS, condition_words

from . import selectors as rulebook
from . import services as edits
from .forms import ConditionForm, FactForm, NotesForm, RuleForm


def _manager(request: HttpRequest) -> None:
    if not can_manage_routing(request.user):
        raise PermissionDenied


@login_required
def routing_rules(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return render(
        request,
        "pathway/routing_rules.html",
        {"page_title": "Routing rules", "rule_sets": rulebook.recent_rule_sets()},
    )


@login_required
@require_POST
def copy_rule_set(request: HttpRequest, version: int) -> HttpResponse:
    _manager(request)
    draft = services.copy_rule_set(rulebook.rule_set_by_version(version), request.user)
    messages.success(request, f"Version {draft.version} created as a draft: edit its rules.")
    return redirect("routing-rules")


def _review(request: HttpRequest) -> CaseReview | None:
    """A case review whose cases the draft is tested against (`?review=`), if asked for."""
    value = request.GET.get("review", "")
    return case_review_for(request.user, int(value)) if value.isdigit() else None


@login_required
def test_rule_set(request: HttpRequest, version: int) -> HttpResponse:
    _manager(request)
    candidate = rulebook.rule_set_by_version(version)
    if request.method == "POST" and candidate.status == RoutingRuleSet.Status.DRAFT:
        try:
            services.publish_rule_set(candidate, request.user)
        except ValueError as error:
            messages.error(request, f"Version {version} cannot be published: {error}")
        else:
            messages.success(request, f"Version {version} is now published.")
        return redirect("routing-rules")
    review = _review(request)
    try:
        comparison = selectors.compare_rule_sets(
            candidate,
            user=request.user,
            limit=1000,
            referral_ids=list(review.cases.values_list("referral_id", flat=True))
            if review
            else None,
        )
        error = None
    except (ValueError, rules.RoutingNotConfigured) as problem:
        comparison, error = None, str(problem)
    return render(
        request,
        "pathway/rule_tester.html",
        {
            "page_title": f"Test routing rules version {version}",
            "candidate": candidate,
            "comparison": comparison,
            "error": error,
            "review": review,
        },
    )


@login_required
def edit_notes(request: HttpRequest, version: int) -> HttpResponse:
    _manager(request)
    rule_set = rulebook.rule_set_by_version(version, draft=True)
    form = NotesForm(
        request.POST if request.method == "POST" else None, initial={"notes": rule_set.notes}
    )
    if request.method == "POST" and form.is_valid():
        edits.save_notes(rule_set, form.cleaned_data["notes"])
        messages.success(request, f"Notes for version {version} saved.")
        return redirect(f"{reverse('routing-rules')}#version-{version}")
    return render(
        request,
        "pathway/rulebook/notes.html",
        {"page_title": f"Notes for version {version}", "rule_set": rule_set, "form": form},
    )


@login_required
def add_rule(request: HttpRequest, version: int) -> HttpResponse:
    _manager(request)
    rule_set = rulebook.rule_set_by_version(version, draft=True)
    last = max((rule.position for rule in rule_set.rules.all()), default=0)
    form = RuleForm(
        request.POST if request.method == "POST" else None, initial={"position": last + 1}
    )
    if request.method == "POST" and form.is_valid():
        rule = edits.save_rule(rule_set, **form.cleaned_data)
        messages.success(request, "Rule added: now add its conditions.")
        return redirect("edit-rule", version=version, rule_id=rule.pk)
    return render(
        request,
        "pathway/rulebook/rule.html",
        {"page_title": f"Add a rule to version {version}", "rule_set": rule_set, "form": form},
    )


@login_required
def edit_rule(request: HttpRequest, version: int, rule_id: int) -> HttpResponse:
    _manager(request)
    rule = rulebook.draft_rule(version, rule_id)
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": rule.name,
            "route": rule.route,
            "fallback": rule.fallback,
            "position": rule.position,
        },
    )
    if request.method == "POST" and form.is_valid():
        edits.save_rule(rule.rule_set, rule=rule, **form.cleaned_data)
        messages.success(request, f"“{rule.name}” saved.")
        return redirect(f"{reverse('routing-rules')}#version-{version}")
    row = rulebook.rule_rows_for(rule)
    return render(
        request,
        "pathway/rulebook/rule.html",
        {
            "page_title": f"Change “{rule.name}”",
            "rule_set": rule.rule_set,
            "rule": rule,
            "row": row,
            "form": form,
        },
    )


@login_required
def delete_rule(request: HttpRequest, version: int, rule_id: int) -> HttpResponse:
    _manager(request)
    rule = rulebook.draft_rule(version, rule_id)
    if request.method == "POST":
        edits.delete_rule(rule)
        messages.success(request, f"“{rule.name}” removed from version {version}.")
        return redirect(f"{reverse('routing-rules')}#version-{version}")
    return render(
        request,
        "pathway/rulebook/delete_rule.html",
        {"page_title": f"Remove “{rule.name}”", "rule": rule, "version": version},
    )


@login_required
def choose_fact(request: HttpRequest, version: int, rule_id: int) -> HttpResponse:
    _manager(request)
    rule = rulebook.draft_rule(version, rule_id)
    form = FactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return redirect(
            "add-condition", version=version, rule_id=rule.pk, fact=form.cleaned_data["fact"]
        )
    return render(
        request,
        "pathway/rulebook/fact.html",
        {"page_title": "Add a condition", "rule": rule, "form": form},
    )


def _condition_page(
    request: HttpRequest, version: int, rule_id: int, fact: str, index: int | None
) -> HttpResponse:
    _manager(request)
    rule = rulebook.draft_rule(version, rule_id)
    initial = {}
    if index is not None:
        condition = rulebook.condition_at(rule, index)
        fact, initial = condition["fact"], ConditionForm.initial_for(condition)
    if fact not in FACTS:
        return redirect("choose-fact", version=version, rule_id=rule.pk)
    form = ConditionForm(fact, request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            edits.save_condition(rule, form.condition, index)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Condition saved: "
                + condition_words(fact, form.condition["op"], form.condition["value"])
                + ".",
            )
            return redirect("edit-rule", version=version, rule_id=rule.pk)
    return render(
        request,
        "pathway/rulebook/condition.html",
        {
            "page_title": FACTS[fact].label,
            "rule": rule,
            "fact": FACTS[fact],
            "form": form,
            "index": index,
        },
    )


@login_required
def add_condition(request: HttpRequest, version: int, rule_id: int, fact: str) -> HttpResponse:
    return _condition_page(request, version, rule_id, fact, None)


@login_required
def change_condition(request: HttpRequest, version: int, rule_id: int, index: int) -> HttpResponse:
    return _condition_page(request, version, rule_id, "", index)


@login_required
@require_POST
def remove_condition(request: HttpRequest, version: int, rule_id: int, index: int) -> HttpResponse:
    _manager(request)
    rule = rulebook.draft_rule(version, rule_id)
    rulebook.condition_at(rule, index)
    edits.remove_condition(rule, index)
    messages.success(request, "Condition removed.")
    return redirect("edit-rule", version=version, rule_id=rule.pk)
