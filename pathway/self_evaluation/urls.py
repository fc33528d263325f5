from django.urls import path

from . import views

urlpatterns = [
    path("self-evaluation/", views.self_evaluations, name="self-evaluation"),
    path("self-evaluation/<int:year>/", views.self_evaluation_year, name="self-evaluation-year"),
    path(
        "self-evaluation/<int:year>/edit/", views.self_evaluation_edit, name="self-evaluation-edit"
    ),
    path(
        "self-evaluation/<int:year>/versions/",
        views.self_evaluation_versions,
        name="self-evaluation-versions",
    ),
    path(
        "self-evaluation/<int:year>/compare/",
        views.self_evaluation_compare,
        name="self-evaluation-compare",
    ),
    path(
        "self-evaluation/<int:year>/versions/<int:number>/",
        views.self_evaluation_version,
        name="self-evaluation-version",
    ),
    path(
        "self-evaluation/<int:year>/versions/<int:number>/agree/",
        views.self_evaluation_agree,
        name="self-evaluation-agree",
    ),
    path(
        "self-evaluation/<int:year>/versions/<int:number>/figures/",
        views.self_evaluation_figures,
        name="self-evaluation-figures",
    ),
    path(
        "self-evaluation/<int:year>/versions/<int:number>/report/",
        views.self_evaluation_report,
        name="self-evaluation-report",
    ),
    path(
        "self-evaluation/<int:year>/versions/<int:number>/report.pdf",
        views.self_evaluation_pdf,
        name="self-evaluation-pdf",
    ),
]
