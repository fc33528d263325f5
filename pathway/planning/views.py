"""Need by area: the heatmap, its map data and its CSV. Planners and the SEND manager only;
everything here is read from the planning aggregates (never a referral), and every figure
from 1 to 4 is shown as [c]."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from earlyyears.exports import download
from earlyyears.models import Role, User
from pathway.planning import aggregates as planning
from pathway.planning.forms import PlanningForm

PLANNING_ROLES = (Role.PLANNER, Role.SEND_MANAGER)


def _planners_only(user: User) -> None:
    if not (user.is_active and user.role in PLANNING_ROLES):
        raise PermissionDenied


def _view(request: HttpRequest) -> tuple[PlanningForm, planning.PlanningView]:
    _planners_only(request.user)
    form = PlanningForm(request.GET or None, first_year=planning.first_year_with_figures())
    return form, planning.planning_view(form.query())


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
            "figure_label": planning.FIGURES[query.figure],
            "need_label": planning.need_label(query.need),
            "age_label": planning.age_label(query.age),
            "level_label": planning.LEVELS[query.level].lower(),
            "explanation": planning.suppression_explanation(),
            "threshold": planning.threshold(),
        },
    )


@login_required
def areas_geojson(request: HttpRequest) -> JsonResponse:
    _, view = _view(request)
    response = JsonResponse(planning.geojson(view))
    response["Content-Type"] = "application/geo+json"
    return response


@login_required
def need_by_area_csv(request: HttpRequest) -> HttpResponse:
    _, view = _view(request)
    name = f"need-by-area-{view.query.period.key}-{view.query.level}.csv"
    return download(planning.csv_content(view), "csv", name)


def _query_string(query: planning.PlanningQuery) -> str:
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
