"""CSV in and out of the local offer through django-import-export.

One row a service: the service's own fields, its first location and first contact, and its
schedules and languages as lists. (Open Referral UK JSON carries everything; CSV is for people
editing a spreadsheet.) Rows are validated before saving; an import runs in one transaction
and is rolled back whole if any row is wrong, so nothing partial is saved.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from import_export import fields, resources, widgets

from earlyyears.models import Area
from earlyyears.needs import BroadAreaOfNeed, EYFSArea

from .models import (
    LocalOfferIndexPage,
    Organisation,
    ServiceContact,
    ServiceLanguage,
    ServiceLocation,
    ServicePage,
    ServiceSchedule,
)
from .pages import publish, unique_slug

SEPARATOR = ";"
SCHEDULE_SEPARATOR = " | "
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def _split(value: Any, separator: str = SEPARATOR) -> list[str]:
    return [part.strip() for part in str(value or "").split(separator.strip()) if part.strip()]


class CodesWidget(widgets.Widget):
    """Codes from a vocabulary, separated by semicolons."""

    def __init__(self, choices, what: str) -> None:
        super().__init__()
        self.codes = [code for code, _ in choices]
        self.what = what

    def clean(self, value, row=None, **kwargs):
        codes = _split(value)
        unknown = [code for code in codes if code not in self.codes]
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} {'is not' if len(unknown) == 1 else 'are not'} "
                f"{self.what}. Use {', '.join(self.codes)}"
            )
        return codes

    def render(self, value, obj=None, **kwargs):
        return SEPARATOR.join(value or [])


class AreasWidget(widgets.Widget):
    """Area codes (like WM-AB-01), separated by semicolons."""

    def clean(self, value, row=None, **kwargs):
        codes = _split(value)
        areas = {area.code: area for area in Area.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in areas]
        if unknown:
            raise ValueError(f"Unknown area code: {', '.join(unknown)}")
        return [areas[code] for code in codes]

    def render(self, value, obj=None, **kwargs):
        items = value.all() if hasattr(value, "all") else value or []
        return SEPARATOR.join(area.code for area in items)


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text in YES:
            return True
        if text in NO or text == "":
            return False
        raise ValueError("Enter yes or no")

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class OrganisationWidget(widgets.Widget):
    """An organisation by name, created if new."""

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if not name:
            return None
        if len(name) > 255:
            raise ValueError("Organisation names must be 255 characters or fewer")
        organisation = Organisation.objects.filter(name=name).first()
        return organisation or Organisation.objects.create(name=name, description=name)

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class OptionalIntegerWidget(widgets.Widget):
    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()) or int(text) > 1200:
            raise ValueError(f"{self.what} must be a whole number of months, like 24")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def text_field(attribute: str | None, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget())


LOCATION_COLUMNS = {
    "location_name": "name",
    "address_1": "address_1",
    "city": "city",
    "region": "region",
    "postcode": "postcode",
    "latitude": "latitude",
    "longitude": "longitude",
    "accessibility": "accessibility",
}
CONTACT_COLUMNS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_phone": "phone",
    "contact_email": "email",
}


class ServiceResource(resources.ModelResource):
    """Services as CSV rows. Pass `parent` (the local offer index) and `user` when importing."""

    id = fields.Field(attribute="oruk_id", column_name="id", widget=TextWidget())
    name = text_field("title", "name")
    organisation = fields.Field(
        attribute="organisation", column_name="organisation", widget=OrganisationWidget()
    )
    description = text_field("description", "description")
    url = text_field("website", "url")
    email = text_field("email", "email")
    status = text_field("status", "status")
    is_free = fields.Field(attribute="is_free", column_name="is_free", widget=YesNoWidget())
    fees = text_field("fees", "fees")
    accreditations = text_field("accreditations", "accreditations")
    minimum_age_months = fields.Field(
        attribute="minimum_age_months",
        column_name="minimum_age_months",
        widget=OptionalIntegerWidget("The youngest age"),
    )
    maximum_age_months = fields.Field(
        attribute="maximum_age_months",
        column_name="maximum_age_months",
        widget=OptionalIntegerWidget("The oldest age"),
    )
    assured_date = fields.Field(
        attribute="assured_date", column_name="assured_date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    alert = text_field("alert", "alert")
    needs = fields.Field(
        attribute="needs",
        column_name="needs",
        widget=CodesWidget(BroadAreaOfNeed.choices, "a broad area of need"),
    )
    eyfs_areas = fields.Field(
        attribute="eyfs_areas",
        column_name="eyfs_areas",
        widget=CodesWidget(EYFSArea.choices, "an EYFS area"),
    )
    service_areas = fields.Field(
        attribute="service_areas", column_name="service_areas", widget=AreasWidget()
    )
    languages = text_field(None, "languages")
    schedules = text_field(None, "schedules")
    location_name = text_field(None, "location_name")
    address_1 = text_field(None, "address_1")
    city = text_field(None, "city")
    region = text_field(None, "region")
    postcode = text_field(None, "postcode")
    latitude = text_field(None, "latitude")
    longitude = text_field(None, "longitude")
    accessibility = text_field(None, "accessibility")
    contact_name = text_field(None, "contact_name")
    contact_title = text_field(None, "contact_title")
    contact_phone = text_field(None, "contact_phone")
    contact_email = text_field(None, "contact_email")

    class Meta:
        model = ServicePage
        import_id_fields = ("id",)
        fields = (
            "id",
            "name",
            "organisation",
            "description",
            "url",
            "email",
            "status",
            "is_free",
            "fees",
            "accreditations",
            "minimum_age_months",
            "maximum_age_months",
            "assured_date",
            "alert",
            "needs",
            "eyfs_areas",
            "service_areas",
            "languages",
            "schedules",
            *LOCATION_COLUMNS,
            *CONTACT_COLUMNS,
        )
        skip_unchanged = False
        skip_diff = True
        clean_model_instances = False
        use_transactions = True

    def __init__(self, parent: LocalOfferIndexPage | None = None, user=None) -> None:
        super().__init__()
        self.parent = parent
        self.user = user
        self._taken: set[str] | None = None
        # For the preview: the values each row would save, and problems found before the
        # row is read (a bad id), by row number.
        self.values_by_row: dict[int, list[tuple[str, str]]] = {}
        self.early_problems: dict[int, dict[str, list[str]]] = {}

    # Export -------------------------------------------------------------------------------

    def dehydrate_languages(self, service: ServicePage) -> str:
        return SEPARATOR.join(language.name for language in service.languages.all())

    def dehydrate_schedules(self, service: ServicePage) -> str:
        return SCHEDULE_SEPARATOR.join(s.description for s in service.schedules.all())

    def _first(self, manager):
        items = list(manager.all())
        return items[0] if items else None

    def export_field(self, field, instance, **kwargs):
        column = field.column_name
        if column in LOCATION_COLUMNS:
            location = self._first(instance.locations)
            value = getattr(location, LOCATION_COLUMNS[column]) if location else ""
            return "" if value is None else str(value)
        if column in CONTACT_COLUMNS:
            contact = self._first(instance.contacts)
            return getattr(contact, CONTACT_COLUMNS[column]) if contact else ""
        return super().export_field(field, instance, **kwargs)

    # Import -------------------------------------------------------------------------------

    def get_queryset(self):
        return ServicePage.objects.all()

    def before_import_row(self, row, **kwargs):
        raw = str(row.get("id") or "").strip()
        if not raw:
            row["id"] = str(uuid.uuid4())
            return
        try:
            row["id"] = str(uuid.UUID(raw))
        except ValueError:
            # Read the rest of the row as a new service, so the preview lists every problem
            # in it, not only this one; the row still fails.
            self.early_problems[kwargs.get("row_number", 0)] = {
                "id": [f"{raw} is not a UUID; leave it empty for a new service"]
            }
            row["id"] = str(uuid.uuid4())

    def import_instance(self, instance: ServicePage, row, **kwargs):
        errors: dict[str, list] = {}

        def merge(more: dict[str, list]) -> None:
            for column, messages in more.items():
                errors.setdefault(column, []).extend(messages)

        merge(self.early_problems.get(kwargs.get("row_number", 0), {}))
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            merge(error.update_error_dict({}))
        merge(self._check_service(instance))
        merge(self._import_children(instance, row))
        self.values_by_row[kwargs.get("row_number", 0)] = self.values_to_save(instance, row)
        if errors:
            raise ValidationError(errors)

    def values_to_save(self, service: ServicePage, row) -> list[tuple[str, str]]:
        """What the row will save, as the preview shows it: read from the service as the
        import set it (codes as their names, ages in months), not the file's text."""
        needs = dict(BroadAreaOfNeed.choices)
        try:  # many-to-many: not on the service until it is saved
            areas = self.fields["service_areas"].clean(row) or []
        except (ValueError, ValidationError):
            areas = []
        low, high = service.minimum_age_months, service.maximum_age_months
        ages = (
            "Any age"
            if low is None and high is None
            else f"{low if low is not None else 0} to {high if high is not None else 'any'} months"
        )
        place = ", ".join(
            v
            for v in (str(row.get(c) or "").strip() for c in ("address_1", "city", "postcode"))
            if v
        )
        return [
            ("Name", service.title or ""),
            ("Organisation", str(getattr(service.organisation, "name", "") or "")),
            ("Status", service.status or ""),
            ("Cost", "Free" if service.is_free else (service.fees or "Not free")),
            ("Ages", ages),
            ("Needs", ", ".join(needs.get(code, code) for code in service.needs or [])),
            ("Areas", ", ".join(getattr(a, "name", str(a)) for a in areas)),
            ("Address", place),
        ]

    def _check_service(self, service: ServicePage) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}

        def add(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        if not service.title:
            add("name", "Enter the service's name")
        elif len(service.title) > 255:
            add("name", "The name must be 255 characters or fewer")
        if not service.description:
            add("description", "Enter a description of the service")
        if service.status not in ServicePage.Status.values:
            add("status", f"Status must be one of: {', '.join(ServicePage.Status.values)}")
        if service.email:
            try:
                EmailValidator()(service.email)
            except ValidationError:
                add("email", "Enter an email address like name@example.com")
        if service.website:
            try:
                URLValidator()(service.website)
            except ValidationError:
                add("url", "Enter a web address starting https://")
        for name in ("fees", "alert"):
            if len(getattr(service, name) or "") > 255:
                add(name, f"The {name} must be 255 characters or fewer")
        low, high = service.minimum_age_months, service.maximum_age_months
        if low is not None and high is not None and low > high:
            add("maximum_age_months", "The oldest age must not be less than the youngest age")
        return errors

    def _import_children(self, service: ServicePage, row) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        new = service.pk is None

        location_values = {
            attr: str(row.get(column) or "").strip() for column, attr in LOCATION_COLUMNS.items()
        }
        existing_locations = [] if new else list(service.locations.all())
        if any(location_values.values()):
            coordinates = {}
            for attr in ("latitude", "longitude"):
                text = location_values.pop(attr)
                limit = 90 if attr == "latitude" else 180
                try:
                    coordinates[attr] = float(text) if text else None
                    if coordinates[attr] is not None and not -limit <= coordinates[attr] <= limit:
                        raise ValueError
                except ValueError:
                    errors[attr] = [f"Enter the {attr} as a number from -{limit} to {limit}"]
            if not location_values["address_1"]:
                errors["address_1"] = ["Enter the first line of the address"]
            if not location_values["city"]:
                errors["city"] = ["Enter the town or city"]
            if not location_values["postcode"]:
                errors["postcode"] = ["Enter the postcode"]
            location = existing_locations[0] if existing_locations else ServiceLocation()
            for attr, value in {**location_values, **coordinates}.items():
                setattr(location, attr, value)
            location.postcode = location.postcode.upper()
            service.locations = [location, *existing_locations[1:]]
        else:
            service.locations = existing_locations[1:]

        contact_values = {
            attr: str(row.get(column) or "").strip() for column, attr in CONTACT_COLUMNS.items()
        }
        existing_contacts = [] if new else list(service.contacts.all())
        if any(contact_values.values()):
            if contact_values["email"]:
                try:
                    EmailValidator()(contact_values["email"])
                except ValidationError:
                    errors["contact_email"] = ["Enter an email address like name@example.com"]
            contact = existing_contacts[0] if existing_contacts else ServiceContact()
            for attr, value in contact_values.items():
                setattr(contact, attr, value)
            service.contacts = [contact, *existing_contacts[1:]]
        else:
            service.contacts = existing_contacts[1:]

        # Schedules and languages: keep the rows whose words are unchanged (and their details).
        schedules = {} if new else {s.description: s for s in service.schedules.all()}
        wanted = _split(row.get("schedules"), SCHEDULE_SEPARATOR)
        if any(len(text) > 255 for text in wanted):
            errors["schedules"] = ["Each schedule must be 255 characters or fewer"]
        service.schedules = [
            schedules.get(text) or ServiceSchedule(description=text[:255]) for text in wanted
        ]
        languages = {} if new else {lang.name: lang for lang in service.languages.all()}
        names = _split(row.get("languages"))
        if any(len(name) > 100 for name in names):
            errors["languages"] = ["Each language must be 100 characters or fewer"]
        service.languages = [languages.get(n) or ServiceLanguage(name=n[:100]) for n in names]
        return errors

    def do_instance_save(self, instance: ServicePage, is_create: bool) -> None:
        if is_create:
            if self.parent is None:
                raise ValueError("Importing new services needs the local offer index page")
            if self._taken is None:
                self._taken = set(self.parent.get_children().values_list("slug", flat=True))
            instance.slug = unique_slug(self.parent, instance.title, self._taken)
            self.parent.add_child(instance=instance)
        else:
            instance.draft_title = instance.title
            instance.save()

    def after_save_instance(self, instance, row, **kwargs):
        publish(instance, self.user)

    def save_m2m(self, instance, row, **kwargs):
        """Service areas were set before saving (modelcluster keeps them with the page)."""
