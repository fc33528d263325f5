"""Wagtail content: standard pages and the local offer (a services directory in the shape of the
Open Referral UK data standard: organisation, service, locations, contacts, schedules, languages,
service areas and taxonomy terms)."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection, models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.search.backends import get_search_backend
from wagtail.snippets.models import register_snippet

from earlyyears.models import Area
from earlyyears.needs import BroadAreaOfNeed, EYFSArea

from .directory import (
    SEND_FEATURE_FIELDS,
    DirectoryForm,
    DirectoryHit,
    DirectoryPaginator,
    DirectoryQuery,
    age_filter,
    needs_filter,
    parse_page_number,
)
from .fields import ChoiceListField
from .oruk import service_to_oruk
from .page_forms import ServicePageForm
from .places import area_family_ids, areas_above, distance_miles, postcode_keys
from .templatetags.cms_tags import cost_words

PER_PAGE = 20  # services on a page of the directory
SEARCH_LIMIT = 10_000


class StandardPage(Page):
    """A plain content page editors publish (guidance, about the service)."""

    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, "body"]


# --- The local offer --------------------------------------------------------------------------


class Organisation(index.Indexed, models.Model):
    """Who runs a service (ORUK `organization`). A snippet: many services share one."""

    oruk_id = models.UUIDField("Open Referral id", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    # The Wagtail group of the organisation's own staff (provider accounts): it may edit this
    # organisation's services and nothing else (`cms.providers`). None until someone is invited.
    provider_group = models.OneToOneField(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="provider_organisation",
    )

    panels = ["name", "description", "email", "website"]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        ServicePage.objects.filter(organisation=self).update_search_vectors()


class TaxonomyTerm(index.Indexed, models.Model):
    """A term from a published vocabulary (ORUK `taxonomy_term`), such as esd service types.

    Our own needs vocabulary is not stored here: it lives on the service as codes and is
    published as taxonomy terms with fixed ids (see `cms.oruk`)."""

    oruk_id = models.UUIDField("Open Referral id", default=uuid.uuid4, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    taxonomy = models.CharField(
        "Vocabulary", max_length=100, blank=True, help_text="For example esdServiceTypes"
    )
    code = models.CharField("Term code", max_length=100, blank=True)
    term_uri = models.URLField("Term URI", blank=True)

    vocabulary = models.ForeignKey(
        "cms.Taxonomy", null=True, blank=True, on_delete=models.SET_NULL, related_name="terms"
    )
    parent_oruk_id = models.UUIDField("Parent term id", null=True, blank=True)

    panels = ["name", "description", "taxonomy", "code", "term_uri", "oruk_id", "vocabulary"]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["taxonomy", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.taxonomy})" if self.taxonomy else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        ServicePage.objects.filter(taxonomy_terms=self).update_search_vectors()


class Taxonomy(models.Model):
    """A published vocabulary (ORUK `taxonomy`) that taxonomy terms belong to, as another
    publisher names it; our own two needs vocabularies are fixed and not stored (`cms.oruk`)."""

    oruk_id = models.UUIDField("Open Referral id", default=uuid.uuid4, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    uri = models.URLField("URI", max_length=500, blank=True)
    version = models.CharField(max_length=100, blank=True)

    panels = ["name", "description", "uri", "version", "oruk_id"]

    class Meta:
        ordering = ["name", "oruk_id"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


register_snippet(Organisation)
register_snippet(TaxonomyTerm)
register_snippet(Taxonomy)


class LocalOfferIndexPage(Page):
    """The local offer: the public directory lives at this page's URL; services are its children.

    The directory is this page's own context: the search form read from the query string, and
    one page of the services that match, nearest first when a postcode is given."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ServicePage"]
    max_count = 1
    template = "cms/directory.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = DirectoryForm(request.GET, find_postcode=PostcodeCentroid.objects.for_postcode)
        hits, paginator, results_page = [], None, None
        if form.is_valid():
            ids, distances = ServicePage.objects.directory_ids(form.to_query())
            paginator = DirectoryPaginator(
                ids, PER_PAGE, page_asked=parse_page_number(request.GET.get("page"))
            )
            results_page = paginator.page(self._results_page_number(request, form, paginator))
            hits = ServicePage.objects.directory_hits(list(results_page.object_list), distances)
        querystring = request.GET.copy()
        querystring.pop("page", None)
        context.update(
            {
                "page_title": self.title,
                "index": self,
                "form": form,
                "has_errors": bool(form.errors),
                "hits": hits,
                "results_page": results_page,
                "paginator": paginator,
                "querystring": querystring.urlencode(),
                "near": "" if form.errors else form.cleaned_data.get("postcode", ""),
            }
        )
        return context

    @staticmethod
    def _results_page_number(request, form: DirectoryForm, paginator: DirectoryPaginator) -> int:
        """The page of results asked for; the first, with an error on the form, when there is
        no such page."""
        number = parse_page_number(request.GET.get("page"))
        if number is None:
            form.add_error(None, "Enter a page number as a whole number, like 2")
            return 1
        if number > max(paginator.num_pages, 1):
            pages = paginator.num_pages
            form.add_error(
                None,
                f"There {'is' if pages == 1 else 'are'} only "
                f"{pages} page{'' if pages == 1 else 's'} of results",
            )
            return 1
        return number


class ServicePageQuerySet(PageQuerySet):
    """Reads of services: what families and the public API may see, and the directory's search."""

    def published(self) -> ServicePageQuerySet:
        """Live services that anyone may see: no privacy restriction on the page."""
        return self.live().public()

    def listed(self) -> ServicePageQuerySet:
        """Published services in the statuses families see in the directory and signposting."""
        return self.published().filter(status__in=LISTED)

    def search_ids(self, text: str) -> list[int]:
        """Ids of the services matching every word of `text`, through Wagtail search (the
        database backend by default; Elasticsearch or OpenSearch when WAGTAILSEARCH_BACKENDS
        says so).

        Elasticsearch and OpenSearch rank by relevance. The database backends' relevance score
        is a correlated subquery per match (seconds over thousands of services on SQLite), so
        there we ask for the matches only and put services whose name has the words first."""
        words = search_words(text)
        if not words:
            return list(self.order_by("title", "pk").values_list("pk", flat=True))
        if not _database_search():
            results = self.search(words, operator="and")
            return [page.pk for page in results[:SEARCH_LIMIT]]
        if _own_vector():
            # No DISTINCT: one row a service already (filters are subqueries, not joins).
            matches = self.matching(words).order_by().values_list("pk", "title")
            rows = matches[:SEARCH_LIMIT]
        else:
            results = self.search(words, operator="and", order_by_relevance=False)
            rows = results.get_queryset().order_by().values_list("pk", "title")[:SEARCH_LIMIT]
        terms = words.lower().split()

        def rank(row):
            title = row[1].lower()
            return (-sum(term in title for term in terms), title, row[0])

        return [pk for pk, _ in sorted(rows, key=rank)]

    def with_words(self, text: str) -> ServicePageQuerySet:
        """These services narrowed to those matching every word of `text` (unranked): on
        PostgreSQL one filter on the stored vector, whatever else is filtered; elsewhere
        through Wagtail's index, whose matches are intersected with these."""
        words = search_words(text)
        if not words:
            return self
        if _own_vector():
            return self.matching(words)
        allowed = set(self.values_list("pk", flat=True))
        found = [pk for pk in ServicePage.objects.published().search_ids(text) if pk in allowed]
        return self.filter(pk__in=found)

    def matching(self, words: str) -> ServicePageQuerySet:
        """PostgreSQL: the services whose own search vector has every word, as Wagtail's
        database backend matches them (the same default text search configuration, each word
        a quoted lexeme, joined by AND), from the vector's GIN index."""
        raw = " & ".join(f"'{word}'" for word in words.split())
        return self.filter(search_vector=SearchQuery(raw, search_type="raw"))

    def update_search_vectors(self) -> int:
        """Work out again the search vector of these services from what Wagtail indexes for
        them (title, description, fees, needs, organisation, taxonomy terms, locations), in
        one statement. PostgreSQL only (elsewhere Wagtail's index is searched); returns the
        number of services updated."""
        if connection.vendor != "postgresql":
            return 0
        labels = {str(code): str(label) for code, label in BroadAreaOfNeed.choices}
        labels |= {str(code): str(label) for code, label in EYFSArea.choices}
        ids_sql, ids_params = self.order_by().values("pk").query.sql_with_params()
        terms = ServicePage.taxonomy_terms.through._meta.db_table
        sql = f"""
            UPDATE {ServicePage._meta.db_table} AS s SET search_vector = to_tsvector(concat_ws(
                ' ', p.title, s.description, s.fees,
                (SELECT string_agg(%s::jsonb ->> code, ' ')
                 FROM unnest(string_to_array(s.needs || s.eyfs_areas, ',')) AS code),
                (SELECT o.name FROM {Organisation._meta.db_table} o
                 WHERE o.id = s.organisation_id),
                (SELECT string_agg(t.name, ' ') FROM {TaxonomyTerm._meta.db_table} t
                 JOIN {terms} st ON st.taxonomyterm_id = t.id
                 WHERE st.servicepage_id = s.page_ptr_id),
                (SELECT string_agg(concat_ws(' ', l.name, l.city), ' ')
                 FROM {ServiceLocation._meta.db_table} l WHERE l.page_id = s.page_ptr_id)))
            FROM {Page._meta.db_table} AS p
            WHERE p.id = s.page_ptr_id AND s.page_ptr_id IN ({ids_sql})
        """  # noqa: S608 - table names from the models
        with connection.cursor() as cursor:
            cursor.execute(sql, [json.dumps(labels), *ids_params])
            return cursor.rowcount

    def directory_ids(self, query: DirectoryQuery) -> tuple[Sequence[int], dict[int, float | None]]:
        """Every listed service matching the query, as ids in display order, and distances
        when near a postcode.

        A handful of queries whatever the number of services. Without search words or a
        postcode the ids stay a query, so the paginator counts them and reads one page in SQL
        (not every id into Python). With search words they are ranked (`search_ids`); near a
        postcode, only the services in a box around it are read and measured, then put in
        distance order."""
        services = self.listed()
        if query.needs:
            services = services.filter(needs_filter(list(query.needs)))
        if query.age_months is not None:
            services = services.filter(age_filter(*query.age_months))
        if query.free_only:
            services = services.filter(is_free=True)
        for feature in query.features:
            services = services.filter(**{SEND_FEATURE_FIELDS[feature]: True})
        if query.area is not None:
            # A subquery, not a join: a service in two of the areas is one row, no DISTINCT.
            through = ServicePage.service_areas.through.objects.filter(
                area_id__in=area_family_ids(query.area)
            )
            services = services.filter(pk__in=through.values("servicepage_id"))
        ids: Sequence[int]
        if search_words(query.text) and _own_vector():
            # One query through the vector's index: the filters' matches, ranked as
            # `search_ids` ranks them.
            ids = services.search_ids(query.text)
        elif query.text:
            allowed = set(services.values_list("pk", flat=True))
            ids = [pk for pk in self.published().search_ids(query.text) if pk in allowed]
        elif query.near is not None:
            ids = None  # every service the filters allow: `_distances` reads them in SQL
        else:
            return services.order_by("title", "pk").values_list("pk", flat=True), {}
        distances: dict[int, float | None] = {}
        if query.near is not None:
            titles: dict[int, str] = {}
            distances = _distances(ids, query.near, query.within_miles, services, titles)
            if ids is None:  # title order, from the titles read with the locations
                order = {pk: (titles.get(pk, ""), pk) for pk in distances}
            else:
                order = {pk: (n,) for n, pk in enumerate(ids)}
            ids = sorted(
                distances,
                key=lambda pk: (distances[pk] is None, distances[pk] or 0, order[pk]),
            )
        return ids, distances

    def directory_hits(
        self, ids: list[int], distances: dict[int, float | None]
    ) -> list[DirectoryHit]:
        """The services for one page of results, in order, with what the list shows
        prefetched."""
        services = self.filter(pk__in=ids).select_related("organisation")
        services = services.prefetch_related("locations", "service_areas", "schedules", "languages")
        by_id = {service.pk: service for service in services}
        return [DirectoryHit(by_id[pk], distances.get(pk)) for pk in ids if pk in by_id]


def search_words(text: str) -> str:
    """Words only: quotes and symbols reach SQLite's FTS5 query syntax unescaped and fail."""
    return " ".join(re.findall(r"\w+", text or ""))[:200]


def _database_search() -> bool:
    return "backends.database" in type(get_search_backend()).__module__


def _own_vector() -> bool:
    """Whether text search reads our own stored vector (Wagtail's database backend on
    PostgreSQL) instead of Wagtail's index, whose `title || body` no index can serve."""
    return connection.vendor == "postgresql" and _database_search()


MILES_PER_DEGREE = 69.09  # of latitude, on the sphere `distance_miles` uses


def _bounding_box(near: PostcodeCentroid, within: float) -> dict[str, float]:
    """A box (with a margin) around every point within `within` miles of `near`: the indexed
    first cut; the exact distance decides."""
    dlat = within / MILES_PER_DEGREE * 1.05
    widest = math.cos(math.radians(min(abs(near.latitude) + dlat, 89.0)))
    dlon = min(dlat / max(widest, 0.01), 180.0)
    return {
        "latitude__gte": near.latitude - dlat,
        "latitude__lte": near.latitude + dlat,
        "longitude__gte": near.longitude - dlon,
        "longitude__lte": near.longitude + dlon,
    }


def _distances(
    ids: list[int] | None,
    near: PostcodeCentroid,
    within: float | None,
    services: models.QuerySet | None = None,
    titles: dict[int, str] | None = None,
) -> dict:
    """Distance to each service's nearest location; services with no location (they visit
    families at home, or work by phone and online) count when they cover the postcode's area.

    Only locations in a box around the postcode are read (an index on latitude and
    longitude), then measured exactly; `services`, when given, is the query the ids came
    from, used as a subquery instead of a long list of ids; ids None: every one of them.
    `titles`, when given, is filled with the services' titles, read in the same queries."""
    nearest: dict[int, float] = {}
    wanted = set(ids) if ids is not None else None
    pages = services.order_by().values("pk") if services is not None else ids
    box = _bounding_box(near, within) if within is not None else {}
    if services is not None:
        # The services joined to their locations in the box: one join each way (an IN
        # subquery of the services joined them twice a location, 2x slower at 50k).
        found = services.order_by().filter(**{f"locations__{k}": v for k, v in box.items()})
        rows = found.filter(locations__isnull=False).values_list(
            "pk", "locations__latitude", "locations__longitude", "title"
        )
    else:
        located = ServiceLocation.objects.filter(page_id__in=ids).order_by().filter(**box)
        rows = located.values_list("page_id", "latitude", "longitude", "page__title")
    for page_id, lat, lon, *title in rows:
        if (wanted is not None and page_id not in wanted) or lat is None or lon is None:
            continue
        if titles is not None:
            titles[page_id] = title[0]
        miles = distance_miles(near.latitude, near.longitude, lat, lon)
        if page_id not in nearest or miles < nearest[page_id]:
            nearest[page_id] = miles
    result: dict[int, float | None] = {
        pk: miles for pk, miles in nearest.items() if within is None or miles <= within
    }
    # Services with no location at all that serve the postcode's area or one above it (each
    # looked up in the locations' index, not every location read).
    covering = (
        ServicePage.service_areas.through.objects.filter(
            servicepage_id__in=pages, area_id__in=areas_above(near.area)
        )
        .exclude(
            models.Exists(ServiceLocation.objects.filter(page_id=models.OuterRef("servicepage_id")))
        )
        .values_list("servicepage_id", "servicepage__title")
    )
    for pk, title in covering:
        if wanted is None or pk in wanted:
            result[pk] = None
            if titles is not None:
                titles[pk] = title
    return result


class ServicePage(Page):
    """One service in the local offer (ORUK `service`); the page title is the service's name."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    oruk_id = models.UUIDField("Open Referral id", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    description = models.TextField(help_text="What the service does, in plain words.")
    website = models.URLField(blank=True, help_text="Published as the service's url")
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    is_free = models.BooleanField("Free to families", default=True)
    fees = models.CharField(
        max_length=255, blank=True, help_text="Any charges, for example £3 a session"
    )
    accreditations = models.TextField(blank=True)
    minimum_age_months = models.PositiveSmallIntegerField(
        "Youngest age (months)", null=True, blank=True
    )
    maximum_age_months = models.PositiveSmallIntegerField(
        "Oldest age (months)", null=True, blank=True
    )
    assured_date = models.DateField("Details last checked", null=True, blank=True)
    alert = models.CharField(max_length=255, blank=True, help_text="A short-term notice")
    # The childcare provider on Ofsted's register this entry is (`cms.register` links them).
    ofsted_urn = models.CharField(
        "Ofsted URN",
        max_length=10,
        blank=True,
        db_index=True,
        help_text="For a childcare provider: its unique reference number on Ofsted's register",
    )
    needs = ChoiceListField(
        "Broad areas of need", choices=BroadAreaOfNeed.choices, help_text="Who the service helps"
    )
    eyfs_areas = ChoiceListField("EYFS areas", choices=EYFSArea.choices)
    service_areas = ParentalManyToManyField(
        Area, blank=True, related_name="local_offer_services", help_text="Where it is offered"
    )
    taxonomy_terms = ParentalManyToManyField(TaxonomyTerm, blank=True, related_name="services")

    # The SEND questions families ask of every service (issue 26; `cms.send_questions`). Local
    # extensions: Open Referral UK has no field for them, so they are not in /api/services.
    send_training = models.TextField(
        "How staff are trained in SEND",
        blank=True,
        help_text="For example: all staff have done the council's SEND awareness course",
    )
    send_adaptations = models.TextField(
        "How the service adapts for a child with additional needs", blank=True
    )
    building_access = models.TextField(
        "Building accessibility",
        blank=True,
        help_text="Step-free access, accessible toilet, parking, quiet space, hearing loop",
    )
    wheelchair_accessible = models.BooleanField(
        "Wheelchair accessible", null=True, blank=True, help_text="Leave unknown if not sure"
    )
    visit_before_start = models.BooleanField(
        "Families can visit before the first session", null=True, blank=True
    )
    visit_arrangements = models.TextField("How to arrange a visit", blank=True)

    # The Open Referral UK record as the publisher sent it (validated against service.json
    # when imported): everything the page does not model (cost options' amounts, funding,
    # schedules' recurrence details, phones, address types...) is published from here, with
    # the page's own fields laid over it where an editor changed them (`cms.oruk`). Empty for
    # services made in Wagtail.
    oruk_record = models.JSONField(null=True, blank=True, editable=False)
    # The page's own values as that import set them (`cms.oruk.model_snapshot`): what differs
    # now is an editor's change, published over the record; what does not, the record gives.
    oruk_imported = models.JSONField(null=True, blank=True, editable=False)
    # The feed the record came from (another publisher's); none for our own services.
    feed = models.ForeignKey(
        "cms.Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )

    # What Wagtail indexes for the service, as one vector with a GIN index (PostgreSQL), kept
    # up to date on every save (`save`, which publishing and the imports go through); empty
    # and unused on other databases. Not kept in revisions.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    objects = PageManager.from_queryset(ServicePageQuerySet)()

    content_panels = [
        *Page.content_panels,
        "organisation",
        "description",
        MultiFieldPanel(
            [
                FieldRowPanel(["minimum_age_months", "maximum_age_months"]),
                FieldPanel("needs"),
                FieldPanel("eyfs_areas"),
                FieldPanel("service_areas"),
                FieldPanel("taxonomy_terms"),
            ],
            heading="Who it is for",
        ),
        MultiFieldPanel(
            ["status", "alert", "is_free", "fees", "accreditations", "assured_date", "ofsted_urn"],
            heading="Status and cost",
        ),
        MultiFieldPanel(
            [
                "send_training",
                "send_adaptations",
                "building_access",
                "wheelchair_accessible",
                "visit_before_start",
                "visit_arrangements",
            ],
            heading="SEND questions families ask",
        ),
        MultiFieldPanel(["website", "email"], heading="Online"),
        InlinePanel("contacts", label="Contacts"),
        InlinePanel("locations", label="Locations"),
        InlinePanel("schedules", label="When it runs"),
        InlinePanel("languages", label="Languages spoken"),
    ]
    parent_page_types = ["cms.LocalOfferIndexPage"]
    subpage_types: list[str] = []
    # A provider may only keep its own organisation on its services (`cms.page_forms`).
    base_form_class = ServicePageForm
    exclude_fields_in_copy = ["oruk_id", "search_vector", "oruk_record", "oruk_imported", "feed"]

    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("fees"),
        index.SearchField("needs_text"),
        index.RelatedFields("organisation", [index.SearchField("name")]),
        index.RelatedFields("taxonomy_terms", [index.SearchField("name")]),
        index.RelatedFields("locations", [index.SearchField("name"), index.SearchField("city")]),
        index.FilterField("page_ptr"),
        index.FilterField("status"),
    ]

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        # After the children (locations, taxonomy terms) are saved with the page.
        ServicePage.objects.filter(pk=self.pk).update_search_vectors()
        return result

    def needs_text(self) -> str:
        labels = dict(BroadAreaOfNeed.choices) | dict(EYFSArea.choices)
        return " ".join(str(labels.get(code, "")) for code in [*self.needs, *self.eyfs_areas])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_title"] = self.title
        context["map_data"] = self.map_data()
        context["cost_lines"] = self.cost_lines()
        return context

    def cost_lines(self) -> list[str]:
        """What it costs, a line an option, from the published record's cost options (their
        amounts and currency, as the publisher sent them)."""
        lines = [cost_words(o) for o in service_to_oruk(self).get("cost_options") or []]
        return [line for line in lines if line]

    def map_data(self) -> dict | None:
        """What the page's map draws: the service's locations over the boundary of the area it
        serves (no map tiles: there is no network to fetch them from)."""
        points = [
            {
                "lat": loc.latitude,
                "lng": loc.longitude,
                "label": str(loc),
                # Without JavaScript there is no picture: a link to a map instead.
                "map_url": (
                    f"https://www.openstreetmap.org/?mlat={loc.latitude}&mlon={loc.longitude}"
                    f"#map=16/{loc.latitude}/{loc.longitude}"
                ),
            }
            for loc in self.locations.all()
            if loc.latitude is not None and loc.longitude is not None
        ]
        if not points:
            return None
        areas = [a for a in self.service_areas.all() if a.boundary]
        # The smallest area drawn is the most useful outline: wards before districts before
        # counties.
        kinds = [Area.Kind.WARD, Area.Kind.LOCALITY, Area.Kind.DISTRICT, Area.Kind.COUNTY]
        areas.sort(key=lambda a: kinds.index(a.kind) if a.kind in kinds else len(kinds))
        boundary = areas[0] if areas else None
        return {
            "points": points,
            "boundary": boundary.boundary if boundary else None,
            "boundary_name": boundary.name if boundary else "",
        }


# Statuses families see in the directory and signposting (the API publishes every status).
LISTED = (ServicePage.Status.ACTIVE, ServicePage.Status.TEMPORARILY_CLOSED)


class ServiceLocation(Orderable):
    """Where a service is delivered (ORUK `service_at_location` with its `location`)."""

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="locations")
    oruk_id = models.UUIDField("Location id", default=uuid.uuid4, editable=False)
    service_at_location_id = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    address_1 = models.CharField("Address", max_length=255)
    city = models.CharField("Town or city", max_length=100)
    region = models.CharField("County", max_length=100, blank=True)
    postcode = models.CharField(max_length=10)
    country = models.CharField(max_length=2, default="GB")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accessibility = models.TextField(
        blank=True, help_text="Step-free access, parking, quiet room, hearing loop"
    )

    class Meta(Orderable.Meta):
        # The first cut of a distance search: a box of latitude and longitude.
        indexes = [models.Index(fields=["latitude", "longitude"], name="cms_location_lat_lng")]

    panels = [
        "name",
        "address_1",
        "city",
        "region",
        "postcode",
        FieldRowPanel(["latitude", "longitude"]),
        "accessibility",
        "description",
    ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.address_1, self.postcode) if part)


class ServiceContact(Orderable):
    """A named way to reach a service (ORUK `contact`, with its phone)."""

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="contacts")
    oruk_id = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField("Job title", max_length=255, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    panels = ["name", "title", "phone", "email"]


class ServiceSchedule(Orderable):
    """When a service runs (ORUK `schedule`, an RFC 5545 recurrence plus a description)."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", "Weekly"
        MONTHLY = "MONTHLY", "Monthly"

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="schedules")
    oruk_id = models.UUIDField(default=uuid.uuid4, editable=False)
    description = models.CharField(
        max_length=255, help_text="In words, for example Tuesdays in term time, 10am to 11:30am"
    )
    freq = models.CharField("Repeats", max_length=10, choices=Frequency.choices, blank=True)
    byday = models.CharField(
        "Days", max_length=30, blank=True, help_text="RFC 5545 days, for example TU or MO,WE"
    )
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    panels = [
        "description",
        FieldRowPanel(["freq", "byday"]),
        FieldRowPanel(["opens_at", "closes_at"]),
        FieldRowPanel(["valid_from", "valid_to"]),
    ]


class ServiceLanguage(Orderable):
    """A language the service is delivered in without an interpreter (ORUK `language`)."""

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="languages")
    oruk_id = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    code = models.CharField("ISO 639 code", max_length=10, blank=True)

    panels = ["name", "code"]


class PostcodeCentroidQuerySet(models.QuerySet):
    def for_postcode(self, text: str) -> PostcodeCentroid | None:
        """The offline point for a postcode: its sector ("WM1 3") if known, else its district."""
        keys = postcode_keys(text)
        found = {p.key: p for p in self.filter(key__in=keys)}
        return next((found[k] for k in keys if k in found), None)


class PostcodeCentroid(models.Model):
    """Where a postcode district ("WM1") or sector ("WM1 3") is, for distance searches offline."""

    key = models.CharField(max_length=8, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="postcode_centroids")

    objects = PostcodeCentroidQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Feed(models.Model):
    """Another publisher's Open Referral UK API (a neighbouring council, a health trust's
    directory), pulled on a schedule into the local offer (`cms.feeds`). The services it
    brings keep the publisher's ids and belong to the feed."""

    name = models.CharField(max_length=100, unique=True, help_text="Who publishes it")
    url = models.URLField(
        "API address",
        max_length=500,
        help_text="The address of the publisher's API, ending before /services "
        "(https only), for example https://directory.example.org/api",
    )
    active = models.BooleanField(default=True, help_text="Pulled by the schedule")
    review_first = models.BooleanField(
        "Review before applying",
        default=False,
        help_text="Hold every new or changed service from a pull until an editor approves it "
        "(otherwise only services changed here are held)",
    )
    per_page = models.PositiveSmallIntegerField(default=50)
    max_pages = models.PositiveIntegerField(default=500, help_text="Stop after this many pages")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = ["name", "url", "active", "review_first", "per_page", "max_pages"]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


register_snippet(Feed)


class FeedRun(models.Model):
    """One pull of a feed: what it found and did, and the updates it held back because an
    editor here had changed the service (applied only when an editor approves them)."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    pages = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField("Held for approval", default=0)
    # Services this feed brought before that it no longer sends (still published here: an
    # editor decides whether they have ended), as [{"id", "name"}].
    gone = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # The records of services changed here, as the feed sent them, until approved.
    held_records = models.JSONField(default=list, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.feed} {self.started_at:%d %B %Y %H:%M}"


class ServiceImport(models.Model):
    """An uploaded file waiting between its dry-run preview and the editor's confirmation.

    Kept in the database (not a temporary file) so any web process can finish the import."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "Open Referral UK JSON"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=4, choices=Format.choices)
    filename = models.CharField(max_length=255, blank=True)
    content = models.TextField()
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} import {self.filename} ({self.created_at:%d %b %Y})"


# Families' comments (Regulation 56) and review flags: their own module, registered here.
from .comment_models import CommentYear, LocalOfferComment, ServiceReviewFlag  # noqa: E402, F401

# Uploads of Ofsted's early years register (providers keep their own entries): `cms.register`.
from .register_models import RegisterImport  # noqa: E402, F401

# Large imports: the staging area (issue 25), registered here.
from .staging_models import LocalNote, StagedImport, StagedRecord  # noqa: E402, F401
