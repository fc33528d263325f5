"""Wagtail content: standard pages and the local offer (a services directory in the shape of the
Open Referral UK data standard: organisation, service, locations, contacts, schedules, languages,
service areas and taxonomy terms)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from earlyyears.models import Area
from earlyyears.needs import BroadAreaOfNeed, EYFSArea

from .fields import ChoiceListField


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

    panels = ["name", "description", "email", "website"]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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

    panels = ["name", "description", "taxonomy", "code", "term_uri", "oruk_id"]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["taxonomy", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.taxonomy})" if self.taxonomy else self.name


register_snippet(Organisation)
register_snippet(TaxonomyTerm)


class LocalOfferIndexPage(Page):
    """The local offer: the public directory lives at this page's URL; services are its children."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ServicePage"]
    max_count = 1

    def serve(self, request, *args, **kwargs):
        from .views import directory  # the directory view renders this page's intro

        return directory(request, index=self)


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
    needs = ChoiceListField(
        "Broad areas of need", choices=BroadAreaOfNeed.choices, help_text="Who the service helps"
    )
    eyfs_areas = ChoiceListField("EYFS areas", choices=EYFSArea.choices)
    service_areas = ParentalManyToManyField(
        Area, blank=True, related_name="local_offer_services", help_text="Where it is offered"
    )
    taxonomy_terms = ParentalManyToManyField(TaxonomyTerm, blank=True, related_name="services")

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
            ["status", "alert", "is_free", "fees", "accreditations", "assured_date"],
            heading="Status and cost",
        ),
        MultiFieldPanel(["website", "email"], heading="Online"),
        InlinePanel("contacts", label="Contacts"),
        InlinePanel("locations", label="Locations"),
        InlinePanel("schedules", label="When it runs"),
        InlinePanel("languages", label="Languages spoken"),
    ]
    parent_page_types = ["cms.LocalOfferIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["oruk_id"]

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

    def needs_text(self) -> str:
        labels = dict(BroadAreaOfNeed.choices) | dict(EYFSArea.choices)
        return " ".join(str(labels.get(code, "")) for code in [*self.needs, *self.eyfs_areas])

    def get_context(self, request, *args, **kwargs):
        from .selectors import service_map_data

        context = super().get_context(request, *args, **kwargs)
        context["page_title"] = self.title
        context["map_data"] = service_map_data(self)
        return context


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


class PostcodeCentroid(models.Model):
    """Where a postcode district ("WM1") or sector ("WM1 3") is, for distance searches offline."""

    key = models.CharField(max_length=8, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="postcode_centroids")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


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
