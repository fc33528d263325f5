"""The SEN2 return's pages: the collection with its problems and extracts, the details a case
needs for it, and an extract's download. The SEND team only; thin, as every view here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from earlyyears.models import Role
from pathway.access.ehc import ehc_case_for
from pathway.models import SenNeed
from pathway.sen2 import selectors, services
from pathway.sen2.forms import CollectionForm, DetailsForm, ProduceForm


def _send_team_only(request: HttpRequest) -> None:
    if not selectors.may_use(request.user):
        raise PermissionDenied


@login_required
def sen2_return(request: HttpRequest) -> HttpResponse:
    _send_team_only(request)
    latest = selectors.next_collection(timezone.localdate())
    chooser = CollectionForm(request.GET or None, latest=latest)
    year = chooser.chosen()
    form = ProduceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            extract = services.produce_extract(request.user, year, request.POST.get("reason", ""))
        except services.ExtractRefused as error:
            form.is_valid()
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"Extract produced: {extract}.")
            return redirect(f"{request.path}?year={year}")
    built = selectors.build_return(year)
    return render(
        request,
        "pathway/sen2/return.html",
        {
            "page_title": "SEN2 return",
            "chooser": chooser,
            "form": form,
            "built": built,
            "period": selectors.period(year),
            "extracts": selectors.extracts_for(request.user).filter(collection_year=year)[:20],
            "is_manager": request.user.role == Role.SEND_MANAGER,
        },
    )


@login_required
def sen2_details(request: HttpRequest, ehc_id: int) -> HttpResponse:
    ehc = ehc_case_for(request.user, ehc_id)
    needs = {need.rank: need.sen_type for need in SenNeed.objects.filter(ehc=ehc)}
    initial = {name: getattr(ehc, name) for name in services.DETAIL_FIELDS} | {
        "primary_need": needs.get(1, ""),
        "secondary_need": needs.get(2, ""),
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.record_details(request.user, ehc, **form.cleaned_data)
        messages.success(request, "Details for the SEN2 return saved.")
        return redirect("sen2-return")
    return render(
        request,
        "pathway/sen2/details.html",
        {"page_title": "Details for the SEN2 return", "ehc": ehc, "child": ehc.child, "form": form},
    )


@login_required
def sen2_download(request: HttpRequest, extract_id: int) -> HttpResponse:
    extract = get_object_or_404(selectors.extracts_for(request.user), pk=extract_id)
    try:
        handle = extract.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=extract.file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response
