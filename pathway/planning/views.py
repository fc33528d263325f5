"""Need by area: the heatmap, its map data and its CSV. Planners and the SEND manager only;
everything here is read from the planning aggregates (never a referral), and every figure
from 1 to 4 is shown as [c]."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from earlyyears.exports import download
from earlyyears.models import User
from earlyyears.roles import PLANNING_ROLES
from pathway.planning.aggregates import figures_and_areas_version, figures_version
from pathway.planning.disclosure import suppression_explanation, threshold
from pathway.planning.figures import FIGURES, age_label, need_label
from pathway.planning.forms import PlanningForm, SchoolEntryForm
from pathway.planning.report import (
    LEVELS,
    PlanningQuery,
    PlanningView,
    csv_content,
    first_year,
    geojson_body,
    planning_view,
)
from pathway.planning.school_entry import school_entry_forecast


def _planners_only(user: User) -> None:
    if not (user.is_active and user.role in PLANNING_ROLES):
        raise PermissionDenied


def _view(request: HttpRequest) -> tuple[PlanningForm, PlanningView]:
    _planners_only(request.user)
    state = figures_version()
    form = PlanningForm(request.GET or None, first_year=first_year(state))
    return form, planning_view(form.query(), state=state)


@login_required
def need_by_area(request: HttpRequest) -> HttpResponse:
    form, view = _view(request)
    query = view.query
    return render(
        request,
        "pathway/planning/need_by_area.html",
        {
            "page_title": "Need by area",
            "form": form,
            "view": view,
            "query_string": _query_string(view.query),
            "figure_label": FIGURES[query.figure],
            "need_label": need_label(query.need),
            "age_label": age_label(query.age),
            "level_label": LEVELS[query.level].lower(),
            "explanation": suppression_explanation(),
            "threshold": threshold(),
        },
    )


@login_required
def areas_geojson(request: HttpRequest) -> HttpResponse:
    """The heatmap's data: the role checked on every request, then the serialised map data,
    kept until the figures or the areas change (`report.geojson_body`)."""
    _planners_only(request.user)
    state, areas = figures_and_areas_version()
    form = PlanningForm(request.GET or None, first_year=first_year(state))
    body = geojson_body(form.query(), state, areas)
    return HttpResponse(body, content_type="application/geo+json")


@login_required
def need_by_area_csv(request: HttpRequest) -> HttpResponse:
    _, view = _view(request)
    name = f"need-by-area-{view.query.period.key}-{view.query.level}.csv"
    return download(csv_content(view), "csv", name)


def _query_string(query: PlanningQuery) -> str:
    """The chosen figures as a query string, for the map data and CSV links."""
    params = QueryDict(mutable=True)
    params.update(
        {
            "need": query.need,
            "age": query.age,
            "period": query.period.key,
            "figure": query.figure,
            "measure": query.measure,
            "level": query.level,
        }
    )
    return params.urlencode()


@login_required
def school_entry(request: HttpRequest) -> HttpResponse:
    """Children known to the pathway who start school in each coming intake, by area."""
    _planners_only(request.user)
    form = SchoolEntryForm(request.GET or None, today=timezone.localdate())
    year, level = form.choice()
    return render(
        request,
        "pathway/planning/school_entry.html",
        {
            "page_title": "Starting school",
            "form": form,
            "forecast": school_entry_forecast(year, level),
            "level_label": LEVELS[level].lower(),
            "explanation": suppression_explanation(),
        },
    )
