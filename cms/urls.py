"""URLs of the cms app's own (non-Wagtail) pages: the local offer directory and its Open
Referral UK API (read-only, public: `cms.api`).

Service pages themselves are Wagtail pages under /local-offer/<slug>/."""

from django.urls import include, path

from . import api, views

urlpatterns = [
    path("", include("cms.comments.urls")),  # families' comments (Regulation 56)
    path("local-offer/", views.directory, name="local-offer"),
    path("api/", api.api_root, name="api-root"),
    path("api/openapi.json", api.api_openapi, name="api-openapi"),
    path("api/services", api.api_services, name="api-services"),
    path("api/services/<str:service_id>", api.api_service, name="api-service"),
    path("api/service_at_locations", api.api_service_at_locations, name="api-service-at-locations"),
    path(
        "api/service_at_locations/<str:sal_id>",
        api.api_service_at_location,
        name="api-service-at-location",
    ),
    path("api/taxonomies", api.api_taxonomies, name="api-taxonomies"),
    path("api/taxonomies/<str:taxonomy_id>", api.api_taxonomy, name="api-taxonomy"),
    path("api/taxonomy_terms", api.api_taxonomy_terms, name="api-taxonomy-terms"),
    path("api/taxonomy_terms/<str:term_id>", api.api_taxonomy_term, name="api-taxonomy-term"),
]
