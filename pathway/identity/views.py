"""The SEND team's possible-matches list, a pair side by side, a merge and its undo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..access import is_send_manager, is_send_team
from . import selectors, services
from .forms import MatchDecisionForm, UndoMergeForm


@login_required
def possible_matches(request: HttpRequest) -> HttpResponse:
    if not is_send_team(request.user):
        raise PermissionDenied
    return render(
        request,
        "pathway/identity/possible_matches.html",
        {
            "page_title": "Possible matches",
            "matches": list(selectors.open_possible_matches(request.user)),
            "merges": selectors.recent_merges(request.user),
            "is_manager": is_send_manager(request.user),
        },
    )


@login_required
def possible_match(request: HttpRequest, match_id: int) -> HttpResponse:
    user = request.user
    match = selectors.possible_match_for(user, match_id)
    form = MatchDecisionForm(
        request.POST or None,
        existing=match.existing,
        new=match.child,
        can_merge=is_send_manager(user),
    )
    if request.method == "POST" and match.status == match.Status.OPEN and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        request.audit = {"child_id": match.child_id, "object_type": "pathway.possiblematch"}
        try:
            if decision == "different":
                services.mark_different(match, user, reason)
                messages.success(request, "Recorded as different children.")
            else:
                survivor = match.existing if decision == "keep_existing" else match.child
                merge = services.merge_children(match, user, survivor=survivor, reason=reason)
                messages.success(
                    request,
                    f"Merged. {merge.merged.reference} is now part of {survivor.reference}.",
                )
            return redirect("possible-matches")
        except services.MergeRefused as refusal:
            form.add_error(None, str(refusal))
    return render(
        request,
        "pathway/identity/possible_match.html",
        {
            "page_title": "Is this the same child?",
            "match": match,
            "sides": selectors.side_by_side(match),
            "form": form,
        },
    )


@login_required
def undo_merge(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = selectors.merge_for(request.user, merge_id)
    form = UndoMergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.audit = {"child_id": merge.merged_id, "object_type": "pathway.childmerge"}
        try:
            services.undo_merge(merge, request.user, form.cleaned_data["reason"])
        except services.MergeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"Merge undone. {merge.merged.reference} and {merge.survivor.reference} are "
                "separate records again.",
            )
            return redirect("possible-matches")
    return render(
        request,
        "pathway/identity/undo_merge.html",
        {"page_title": "Undo a merge", "merge": merge, "form": form},
    )
