"""Views of SEND casework: the triage queue, claiming, allocation, decisions, questions to
settings, notes, caseloads and inclusion funding. Thin: access layer, form, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from earlyyears.models import Area, Role, display_name
from earlyyears.roles import CHILD_RECORD_ROLES, CONSENT_RECORDER_ROLES
from pathway.access import (
    information_request_for,
    information_requests_for,
    is_send_manager,
    is_send_team,
    queue_for,
    referral_for,
)
from pathway.access.consent import consent_records
from pathway.casework import selectors as selectors_casework
from pathway.casework import services as casework
from pathway.casework.forms import (
    AllocationForm,
    AnswerForm,
    DecisionForm,
    NoteForm,
    SharingForm,
    TriageFilterForm,
    UndoAllocationForm,
)
from pathway.models import Decision, ReferralEvent, ShareWith

QUEUE_PAGE_SIZE = 25


def _send_team_only(request: HttpRequest) -> None:
    if not is_send_team(request.user):
        raise PermissionDenied


SORT_COLUMNS = {"child": "Child", "setting": "Setting", "received": "Received", "clock": "Clock"}


# Where a page is in the queue: links carry a cursor (after or before a row) or a page number.
PAGE_PARAMS = ("page", "after", "before")
SORT_LABELS = {
    "clock": "clock, most urgent first",
    "-clock": "clock, least urgent first",
    "received": "date received, oldest first",
    "-received": "date received, newest first",
    "child": "child's name, A to Z",
    "-child": "child's name, Z to A",
    "setting": "setting, A to Z",
    "-setting": "setting, Z to A",
}


def _query_without_page(request: HttpRequest) -> QueryDict:
    query = request.GET.copy()
    for name in PAGE_PARAMS:
        query.pop(name, None)
    return query


def _page_links(request: HttpRequest, page: selectors_casework.QueuePage) -> dict[str, str | None]:
    """The queue's Previous, Next, first and last links: the filters and sort kept, the page
    given by a cursor so that a page costs the same wherever it is in the queue."""

    def link(**where: str) -> str:
        query = _query_without_page(request)
        query.update(where)
        return f"?{query.urlencode()}"

    return {
        "previous": link(before=page.previous_cursor) if page.has_previous else None,
        "next": link(after=page.next_cursor) if page.has_next else None,
        "first": link() if page.has_previous else None,
        "last": link(page="last") if page.has_next else None,
    }


def _sort_links(request: HttpRequest, sort: str) -> dict[str, dict[str, str]]:
    """Each sortable column's link (the other way round if it is the current sort, from page
    one, keeping the filters) and its aria-sort."""
    links = {}
    for name in SORT_COLUMNS:
        query = _query_without_page(request)
        current = sort.removeprefix("-") == name
        query["sort"] = name if sort == f"-{name}" or not current else f"-{name}"
        aria = "none" if not current else "descending" if sort.startswith("-") else "ascending"
        links[name] = {"href": f"?{query.urlencode()}", "aria": aria}
    return links


@login_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    _send_team_only(request)
    user = request.user
    today = timezone.localdate()
    officers = list(selectors_casework.send_team_officers())
    form = TriageFilterForm(
        request.GET or None,
        # Names only: no area's boundary geometry on a page that draws no map.
        areas=Area.objects.order_by("name").only("pk", "name"),
        officers=officers,
        waiting=selectors_casework.WAITING_BUCKETS,
        settings_matching=selectors_casework.settings_matching,
        sorts=selectors_casework.QUEUE_SORTS,
        setting_search_url=reverse("triage-setting-search"),
    )
    filters = selectors_casework.QueueFilters()
    sort = selectors_casework.DEFAULT_SORT
    if form.is_bound and form.is_valid():
        cleaned = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        sort = cleaned.pop("sort", sort)
        filters = selectors_casework.QueueFilters(**cleaned)
    queue = selectors_casework.triage_queue(user, filters, today, sort)
    counts = selectors_casework.queue_counts(
        selectors_casework.filter_queue(queue_for(user), filters, user, today), user, today
    )
    page = selectors_casework.queue_page(
        queue,
        sort,
        count=counts["waiting"],
        per_page=QUEUE_PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        number=request.GET.get("page", ""),
    )
    rows = [
        {"referral": referral, "clock": selectors_casework.clock_state(referral, today)}
        for referral in page.rows
    ]
    query = _query_without_page(request)
    return render(
        request,
        "pathway/casework/triage_queue.html",
        {
            "page_title": "Triage queue",
            "form": form,
            "counts": counts,
            "count_links": selectors_casework.count_links(query),
            "chosen": selectors_casework.chosen_filters(form, query),
            "filtered": bool(request.GET.keys() - {"sort", *PAGE_PARAMS}),
            "sort": sort,
            "rows": rows,
            "page": page,
            "page_links": _page_links(request, page),
            "sort_links": _sort_links(request, sort),
            "sort_label": SORT_LABELS[sort],
            "today": today,
            "has_errors": bool(form.errors),
        },
    )


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """An officer's own work: the referrals they hold, their actions, advice and reviews due."""
    _send_team_only(request)
    today = timezone.localdate()
    return render(
        request,
        "pathway/casework/my_work.html",
        {
            "page_title": "My work",
            "work": selectors_casework.my_work(request.user, today),
            "today": today,
        },
    )


@login_required
def undo_allocation(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Undo a mistaken claim or allocation, with a reason: whoever made it, or a SEND manager.
    Anyone else in the team is refused (403); a referral with nothing to undo is not found."""
    _send_team_only(request)
    referral = referral_for(request.user, referral_id)
    made = selectors_casework.undoable_allocation(referral)
    if made is None:
        raise Http404("Nothing to undo")
    if not selectors_casework.may_undo(request.user, made):
        raise PermissionDenied
    form = UndoAllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            casework.undo_allocation(referral, by=request.user, reason=form.cleaned_data["reason"])
        except casework.CaseworkError as error:
            form.add_error(None, str(error))
        else:
            what = "claim" if made.kind == ReferralEvent.Kind.CLAIMED else "allocation"
            messages.success(request, f"The {what} of referral {referral.reference} is undone.")
            return redirect("referral-detail", referral_id=referral.pk)
    return render(
        request,
        "pathway/casework/undo_allocation.html",
        {
            "page_title": f"Undo the {'claim' if made.kind == 'claimed' else 'allocation'} of "
            f"referral {referral.reference}",
            "referral": referral,
            "made": made,
            "form": form,
        },
    )


@login_required
def setting_search(request: HttpRequest) -> JsonResponse:
    """Settings whose name or Ofsted URN starts with what was typed, for the queue's setting
    filter as it is typed (the accessible autocomplete). The SEND team only."""
    _send_team_only(request)
    found = selectors_casework.settings_starting(request.user, request.GET.get("q", ""))
    return JsonResponse({"settings": found})


@login_required
@require_POST
def claim_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    _send_team_only(request)
    referral = referral_for(request.user, referral_id)
    try:
        casework.claim(referral, request.user)
    except casework.CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have claimed referral {referral.reference}.")
    return redirect("referral-detail", referral_id=referral.pk)


@login_required
def allocate_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    if not is_send_manager(request.user):
        raise PermissionDenied
    referral = referral_for(request.user, referral_id)
    form = AllocationForm(request.POST or None, officers=selectors_casework.send_team_officers())
    if request.method == "POST" and form.is_valid():
        try:
            casework.allocate(
                referral,
                form.cleaned_data["officer"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except casework.CaseworkError as error:
            form.add_error("officer", str(error))
        else:
            officer = form.cleaned_data["officer"]
            messages.success(
                request,
                f"Referral {referral.reference} is allocated to {display_name(officer)}.",
            )
            return redirect("referral-detail", referral_id=referral.pk)
    return render(
        request,
        "pathway/casework/allocate.html",
        {
            "page_title": f"Allocate referral {referral.reference}",
            "referral": referral,
            "form": form,
        },
    )


@login_required
def decide_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    _send_team_only(request)
    referral = referral_for(request.user, referral_id)
    form = DecisionForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            casework.decide(referral, kind, by=request.user, **form.decide_kwargs())
        except casework.CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Decision recorded: {Decision.Kind(kind).label}.")
            return redirect("referral-detail", referral_id=referral.pk)
    return render(
        request,
        "pathway/casework/decide.html",
        {
            "page_title": f"Decide on referral {referral.reference}",
            "referral": referral,
            "form": form,
            "clocks": selectors_casework.clocks_of(referral, timezone.localdate()),
        },
    )


@login_required
@require_POST
def add_case_note(request: HttpRequest, referral_id: int) -> HttpResponse:
    _send_team_only(request)
    referral = referral_for(request.user, referral_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        casework.add_note(referral, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Note added to the case.")
    else:
        messages.error(request, "Enter the note")
    return redirect(reverse("referral-detail", args=[referral.pk]) + "#timeline")


@login_required
def information_requests(request: HttpRequest) -> HttpResponse:
    """A setting's questions from the SEND team, waiting and answered."""
    user = request.user
    if user.role not in CHILD_RECORD_ROLES:
        raise PermissionDenied
    requests = information_requests_for(user).select_related(
        "referral", "referral__child", "referral__setting", "asked_by"
    )
    return render(
        request,
        "pathway/casework/questions.html",
        {
            "page_title": "Questions from the SEND team",
            "waiting": requests.filter(answered_at__isnull=True).order_by("asked_at"),
            "answered": requests.filter(answered_at__isnull=False).order_by("-answered_at")[:50],
        },
    )


@login_required
def answer_information_request(request: HttpRequest, request_id: int) -> HttpResponse:
    question = information_request_for(request.user, request_id)
    if request.user.role != Role.PRACTITIONER:
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if question.answered_at is None and request.method == "POST" and form.is_valid():
        try:
            casework.answer_information_request(
                question, by=request.user, answer=form.cleaned_data["answer"]
            )
        except casework.CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your answer has been sent to the Early Years SEND team.")
            return redirect("information-requests")
    return render(
        request,
        "pathway/casework/answer_question.html",
        {
            "page_title": f"Answer a question about referral {question.referral.reference}",
            "question": question,
            "form": form,
        },
    )


@login_required
def caseloads(request: HttpRequest) -> HttpResponse:
    _send_team_only(request)
    today = timezone.localdate()
    return render(
        request,
        "pathway/casework/caseloads.html",
        {
            "page_title": "Caseloads",
            "rows": selectors_casework.caseloads(request.user, today),
            "unallocated": queue_for(request.user).filter(allocated_to__isnull=True).count(),
        },
    )


@login_required
def funding(request: HttpRequest) -> HttpResponse:
    _send_team_only(request)
    current = casework.financial_year_of(timezone.localdate())
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdigit() and 2000 <= int(year_param) <= 2100 else current
    return render(
        request,
        "pathway/casework/funding.html",
        {
            "page_title": "Inclusion funding",
            "year": year,
            "year_label": f"April {year} to March {year + 1}",
            "years": [current - 1, current, current + 1],
            "totals": selectors_casework.funding_totals(request.user, year),
            "recent": selectors_casework.recent_awards(request.user, year),
        },
    )


SHARING_ACTIONS = {
    "withdraw": "How and when the family told you",
    "override": "The lawful basis for sharing without consent",
    "end": "Why sharing without consent has stopped",
}


@login_required
def referral_sharing(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Who may see the referral beyond the SEND team and the setting, and why."""
    user = request.user
    if user.role not in CONSENT_RECORDER_ROLES:
        raise PermissionDenied
    referral = referral_for(user, referral_id)
    overrides = {o.service: o for o in referral.sharing_overrides.select_related("recorded_by")}
    others = [(code, label) for code, label in ShareWith.choices if code != ShareWith.SEND_TEAM]
    # The family's consent is the child's, in one place (pathway.access.consent).
    agreed = {a for a, r in consent_records(referral.child).items() if r and r.given}
    choices = {
        "withdraw": [(c, label) for c, label in others if c in agreed],
        "override": [(c, label) for c, label in others if c not in agreed and c not in overrides],
        "end": [(c, label) for c, label in others if c in overrides],
    }
    allowed = ["withdraw"] + (["override", "end"] if user.role == Role.SEND_MANAGER else [])
    action = request.POST.get("action", "")
    forms = {
        name: SharingForm(
            request.POST if action == name else None,
            services=choices[name],
            reason_label=SHARING_ACTIONS[name],
            prefix=name,
        )
        for name in allowed
    }
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            service, reason = form.cleaned_data["service"], form.cleaned_data["reason"]
            do = {
                "withdraw": casework.withdraw_consent,
                "override": casework.share_without_consent,
                "end": casework.end_sharing_without_consent,
            }[action]
            try:
                do(referral, service, by=user, reason=reason)
            except casework.CaseworkError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Sharing updated. It takes effect straight away.")
                return redirect("referral-sharing", referral_id=referral.pk)
    return render(
        request,
        "pathway/casework/sharing.html",
        {
            "page_title": f"Sharing referral {referral.reference}",
            "referral": referral,
            "rows": [
                {
                    "label": label,
                    "agreed": code in agreed,
                    "override": overrides.get(code),
                }
                for code, label in others
            ],
            "forms": [(name, form) for name, form in forms.items() if choices[name]],
            "has_errors": any(form.errors for form in forms.values()),
        },
    )
