"""django-import-export resources for a council's existing caseload, one file a kind, taken in
order: children first (by the council's own child reference), then their contacts, referrals,
support plans and EHC requests and plans, which name the child by that reference.

Each row runs in its own savepoint (SafeResource without bulk mode), because a row writes more
than its own record: an imported referral starts its clocks and gets a timeline event saying it
came from the previous system; an EHC request works out its stage and what is due next from its
dates, as the EHC timeline would. The dry run is the same code, rolled back.

A referral, support plan or EHC record brought in once is the service's own from then on: a
row that names it again unchanged is reported as unchanged; a changed one is refused (change it
on its page, where the change is recorded), so an import never rewrites a case's history."""

from __future__ import annotations

import contextlib
import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils import timezone
from import_export import widgets
from import_export.fields import Field
from import_export.instance_loaders import ModelInstanceLoader

from earlyyears.bulk.resources import (
    ChoiceWidget,
    MobileWidget,
    PostcodeWidget,
    SafeMeta,
    SafeResource,
    TextWidget,
    UpperWidget,
    YesNoWidget,
)
from earlyyears.bulk.services import Column
from earlyyears.dates import parse_uk_date
from earlyyears.models import (
    Area,
    Child,
    ContactDetail,
    FamilyContact,
    Provenance,
    Setting,
)
from earlyyears.needs import BroadAreaOfNeed
from pathway.clocks import start_clocks
from pathway.ehc import rules as ehc_rules
from pathway.ehc import services as ehc_services
from pathway.models import (
    EhcRequest,
    EhcReview,
    PlanOutcome,
    Referral,
    ReferralEvent,
    Route,
    SenNeed,
    SupportPlan,
    SupportTier,
)
from pathway.routes import set_routes
from pathway.rules import RoutingNotConfigured, published_rule_set
from pathway.timeline import record_event

BROUGHT_IN = "brought in from the previous system"


def split_items(value: Any) -> list[str]:
    """Several values in one cell, separated by semicolons or new lines (never commas: 'Social,
    emotional and mental health' is one value)."""
    return [part.strip() for part in re.split(r"[;\n]", str(value or "")) if part.strip()]


def day_words(day: datetime.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


# Widgets ---------------------------------------------------------------------------------------


class DayWidget(widgets.Widget):
    """A date written day/month/year (or year-month-day, or a date cell from Excel); never in
    the future, since everything imported has already happened."""

    def __init__(self, label: str):
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            with contextlib.suppress(ValueError):  # not a real date: said below, as day/month/year
                value = datetime.date.fromisoformat(value.strip())
        try:
            day = parse_uk_date(value, self.label)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error
        if day is not None and day > timezone.localdate():
            raise ValueError(
                f"{self.label} is in the future ({day_words(day)}): enter the date it "
                "happened, today or earlier"
            )
        return day

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, datetime.datetime):
            value = timezone.localdate(value)
        return value.strftime("%d/%m/%Y") if value else ""


class ReceivedWidget(DayWidget):
    """The day a referral was received, kept as midday on that day."""

    def clean(self, value, row=None, **kwargs):
        day = super().clean(value, row, **kwargs)
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


class LookupWidget(widgets.Widget):
    """A record by its reference, from the resource's cache of the references in the file."""

    def __init__(self, found: dict[str, Any], message: str, key=lambda record: ""):
        self.found = found
        self.message = message
        self.key = key

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        record = self.found.get(text.upper().replace(" ", ""))
        if record is None:
            raise ValueError(self.message.format(value=text))
        return record

    def render(self, value, obj=None, **kwargs):
        return self.key(value) if value else ""


class ChoicesListWidget(widgets.Widget):
    """Several values from a list in one cell, as labels or codes, separated by semicolons."""

    def __init__(self, choices, what: str):
        self.choice = ChoiceWidget(choices, what=what)

    def clean(self, value, row=None, **kwargs):
        codes = []
        for item in split_items(value):
            code = self.choice.clean(item)
            if code not in codes:
                codes.append(code)
        return codes

    def render(self, value, obj=None, **kwargs):
        return "; ".join(self.choice.render(code) for code in value or [])


class TextListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return split_items(value)

    def render(self, value, obj=None, **kwargs):
        return "; ".join(value or [])


class YesNoCodeWidget(widgets.Widget):
    """SEN2's Y/N decisions, written Yes or No (blank: not decided yet)."""

    def clean(self, value, row=None, **kwargs):
        answer = YesNoWidget().clean(value)
        if answer is None:
            return ""
        return EhcRequest.YesNo.YES if answer else EhcRequest.YesNo.NO

    def render(self, value, obj=None, **kwargs):
        return {"Y": "Yes", "N": "No"}.get(value or "", "")


class CodeWidget(ChoiceWidget):
    """A code list field kept blank when the cell is."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or ""


# The base --------------------------------------------------------------------------------------


class CaseloadInstanceLoader(ModelInstanceLoader):
    """The record a row names, if any: a reference that names nothing (or a bad date in a key)
    is a new record here, and the row's own check then says what is wrong with the cell."""

    def get_instance(self, row):
        try:
            return super().get_instance(row)
        except (ValueError, ValidationError):
            return None


class CaseloadMeta(SafeMeta):
    instance_loader_class = CaseloadInstanceLoader
    use_bulk = False


class CaseloadResource(SafeResource):
    """Rows name children (and settings) by reference; each file's references are read in one
    query before the rows. `example` is the worked example row of the template."""

    example: dict[str, str] = {}
    once_only = False  # a record brought in once is changed on its page, not by import
    follows_child: tuple[str, ...] = ()
    what = "record"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.children: dict[str, Child] = {}
        self.settings: dict[str, Setting] = {}
        for name, field in self.fields.items():
            if name == "child":
                field.widget = LookupWidget(
                    self.children,
                    "There is no child with the reference '{value}': import the children "
                    "file first, or check the reference is the one in the children file",
                    key=lambda child: child.reference,
                )
            elif name == "setting":
                field.widget = LookupWidget(
                    self.settings,
                    "There is no setting with the URN '{value}': check the URN, or import the "
                    "setting first (Settings in the staff admin)",
                    key=lambda setting: setting.urn,
                )

    def _column(self, dataset, heading: str) -> list[str]:
        if heading not in (dataset.headers or []):
            return []
        return [str(v or "").strip().upper().replace(" ", "") for v in dataset[heading]]

    def before_import(self, dataset, **kwargs):
        references = {v for v in self._column(dataset, "Child reference") if v}
        if references:
            children = (
                Child.objects.annotate(key=Upper("reference"))
                .filter(key__in=references)
                .select_related("area", "setting")
            )
            self.children.update({c.reference.upper().replace(" ", ""): c for c in children})
        urns = {v for v in self._column(dataset, "Setting URN") if v}
        if urns:
            for setting in Setting.objects.filter(urn__in=urns).select_related("area"):
                self.settings[setting.urn.upper()] = setting

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A row whose child is unknown is not also told to fill in what follows from the child
        (a referral's area, an EHC record's referral)."""
        errors = dict(import_validation_errors or {})
        if "child" in errors:
            for name in self.follows_child:
                errors.setdefault(name, [])
        super().validate_instance(instance, errors, validate_unique)

    def save_instance(self, instance, is_create, row, **kwargs):
        if self.once_only and not is_create:
            raise ValidationError(
                f"This {self.what} is already in the service and the row changes it: change it "
                "on its page in the service (where the change is recorded), or take the row out"
            )
        super().save_instance(instance, is_create, row, **kwargs)

    def describe(self, values):
        return " ".join(
            str(values.get(k) or "") for k in ("Child reference", "Referral reference") if k
        ).strip()


def _child_column(required: bool = True) -> Column:
    return Column("Child reference", ("child ref", "child id", "reference"), required)


# Children --------------------------------------------------------------------------------------


class ChildCaseloadResource(CaseloadResource):
    """Children by the council's own reference (from the previous system): name, date of
    birth, postcode, area (or their setting's), setting by Ofsted URN, NHS number, languages."""

    what = "child"
    columns = (
        _child_column(),
        Column("First name", ("forename", "given name"), True),
        Column("Last name", ("surname", "family name"), True),
        Column("Date of birth", ("dob", "birth date"), True),
        Column("Postcode", ("post code",)),
        Column("Area code", ("area", "ward code", "locality code")),
        Column("Setting URN", ("urn", "ofsted urn", "setting")),
        Column("NHS number", ("nhs no",)),
        Column("Languages spoken at home", ("languages", "home languages")),
    )
    example = {
        "Child reference": "OLD-000123",
        "First name": "Amara",
        "Last name": "Okafor",
        "Date of birth": "14/03/2023",
        "Postcode": "WM1 4AB",
        "Area code": "",
        "Setting URN": "EY123456",
        "NHS number": "",
        "Languages spoken at home": "English; Yoruba",
    }

    child = Field(attribute="reference", column_name="Child reference", widget=TextWidget())
    first_name = Field(attribute="first_name", column_name="First name", widget=TextWidget())
    last_name = Field(attribute="last_name", column_name="Last name", widget=TextWidget())
    date_of_birth = Field(
        attribute="date_of_birth", column_name="Date of birth", widget=DayWidget("Date of birth")
    )
    postcode = Field(attribute="postcode", column_name="Postcode", widget=PostcodeWidget())
    area = Field(attribute="area", column_name="Area code", saves_null_values=False)
    setting = Field(attribute="setting", column_name="Setting URN")
    nhs_number = Field(attribute="nhs_number", column_name="NHS number", widget=TextWidget())
    languages = Field(
        attribute="languages", column_name="Languages spoken at home", widget=TextListWidget()
    )

    class Meta(CaseloadMeta):
        model = Child
        fields = (
            "child",
            "first_name",
            "last_name",
            "date_of_birth",
            "postcode",
            "area",
            "setting",
            "nhs_number",
            "languages",
        )
        export_order = fields
        import_id_fields = ("child",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.areas: dict[str, Area] = {}
        self.fields["child"].widget = TextWidget()  # the child's own reference, not a lookup
        self.fields["area"].widget = LookupWidget(
            self.areas,
            "There is no area with the code '{value}': use an area code from Areas in the "
            "staff admin, or leave it blank to use the setting's area",
            key=lambda area: area.code,
        )

    def get_queryset(self):
        return (
            Child.objects.exclude(record_status=Child.RecordStatus.MERGED)
            .select_related("area", "setting")
            .order_by("reference")
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.areas.update({a.code.upper(): a for a in Area.objects.all()})
        self.note_duplicates(dataset, "Child reference", "reference", "Child reference")

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.area_id is None and instance.setting is not None:
            instance.area = instance.setting.area
        if instance.area_id is None and "area" not in errors:
            errors["area"] = [
                "Enter the area code, or a setting URN so the child takes the setting's area"
            ]
        if len(instance.reference or "") > 20:
            errors["reference"] = ["Child reference must be 20 characters or fewer"]
        if errors:
            raise ValidationError(errors)

    def describe(self, values):
        return " ".join(
            str(values.get(k) or "") for k in ("Child reference", "First name", "Last name")
        ).strip()


# Contacts --------------------------------------------------------------------------------------


RELATIONSHIP_OTHER_NAMES = {"mum": "mother", "dad": "father", "foster parent": "foster_carer"}


class ContactCaseloadResource(CaseloadResource):
    """A child's parents and carers, as confirmed contacts whose provenance is the import (the
    council checked them in its previous system); each detail is kept as confirmed too."""

    what = "contact"
    columns = (
        _child_column(),
        Column("Contact name", ("name", "parent name", "carer name"), True),
        Column("Relationship", ("relationship to child",), True),
        Column("Mobile", ("mobile phone", "mobile number")),
        Column("Email", ("email address",)),
        Column("Address", ("postal address",)),
        Column("Preferred language", ("language",)),
        Column("Agreed to texts", ("sms consent", "texts")),
        Column("Main contact", ("primary", "primary contact")),
        Column("Parental responsibility", ("has parental responsibility",)),
    )
    example = {
        "Child reference": "OLD-000123",
        "Contact name": "Grace Okafor",
        "Relationship": "Mother",
        "Mobile": "07700 900123",
        "Email": "grace@example.com",
        "Address": "",
        "Preferred language": "English",
        "Agreed to texts": "Yes",
        "Main contact": "Yes",
        "Parental responsibility": "Yes",
    }

    child = Field(attribute="child", column_name="Child reference")
    name = Field(attribute="name", column_name="Contact name", widget=TextWidget())
    relationship = Field(
        attribute="relationship",
        column_name="Relationship",
        widget=ChoiceWidget(
            FamilyContact.Relationship.choices, RELATIONSHIP_OTHER_NAMES, "relationship"
        ),
    )
    mobile_phone = Field(attribute="mobile_phone", column_name="Mobile", widget=MobileWidget())
    email = Field(attribute="email", column_name="Email", widget=TextWidget())
    address = Field(attribute="address", column_name="Address", widget=TextWidget())
    preferred_language = Field(
        attribute="preferred_language",
        column_name="Preferred language",
        widget=ChoiceWidget(
            FamilyContact.Language.choices,
            {"welsh": "cy", "polish": "pl", "romanian": "ro", "arabic": "ar", "punjabi": "pa"},
            "language",
        ),
        saves_null_values=False,
    )
    sms_consent = Field(
        attribute="sms_consent",
        column_name="Agreed to texts",
        widget=YesNoWidget(),
        saves_null_values=False,
    )
    is_primary = Field(
        attribute="is_primary",
        column_name="Main contact",
        widget=YesNoWidget(),
        saves_null_values=False,
    )
    has_parental_responsibility = Field(
        attribute="has_parental_responsibility",
        column_name="Parental responsibility",
        widget=YesNoWidget(),
        saves_null_values=False,
    )

    class Meta(CaseloadMeta):
        model = FamilyContact
        fields = (
            "child",
            "name",
            "relationship",
            "mobile_phone",
            "email",
            "address",
            "preferred_language",
            "sms_consent",
            "is_primary",
            "has_parental_responsibility",
        )
        export_order = fields
        import_id_fields = ("child", "name")

    def get_queryset(self):
        return (
            FamilyContact.objects.filter(confirmation=FamilyContact.Confirmation.CONFIRMED)
            .select_related("child")
            .order_by("child__reference", "name", "pk")
        )

    def describe(self, values):
        return " ".join(
            str(values.get(k) or "") for k in ("Child reference", "Contact name")
        ).strip()

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            now = timezone.now()
            instance.source = Provenance.IMPORT
            instance.confirmation = FamilyContact.Confirmation.CONFIRMED
            instance.added_by = self.user
            instance.added_at = now
            instance.confirmed_by = self.user
            instance.confirmed_at = now
        super().save_instance(instance, is_create, row, **kwargs)
        if is_create:
            ContactDetail.objects.bulk_create(
                ContactDetail(
                    contact=instance,
                    kind=kind,
                    value=getattr(instance, field),
                    source=Provenance.IMPORT,
                    submitted_by=self.user,
                    sms_consent=instance.sms_consent
                    if kind == ContactDetail.Kind.MOBILE
                    else False,
                    status=ContactDetail.Status.CONFIRMED,
                    decided_by=self.user,
                    decided_at=instance.confirmed_at,
                )
                for kind, field in ContactDetail.FIELD_FOR_KIND.items()
                if getattr(instance, field)
            )


# Referrals -------------------------------------------------------------------------------------

SOURCE_OTHER_NAMES = {
    "setting": Referral.Source.SETTING_CONCERN,
    "concern": Referral.Source.SETTING_CONCERN,
    "health": Referral.Source.HEALTH_NOTIFICATION,
    "parent": Referral.Source.PARENT_REQUEST,
    "family": Referral.Source.PARENT_REQUEST,
}
STATUS_OTHER_NAMES = {
    "open": Referral.Status.SUBMITTED,
    "new": Referral.Status.SUBMITTED,
    "waiting": Referral.Status.SUBMITTED,
    "triage": Referral.Status.IN_TRIAGE,
}


class ReferralCaseloadResource(CaseloadResource):
    """Referrals with their reference, status and dates. Each new one gets a timeline event
    saying it was brought in from the previous system; one still waiting starts its clocks from
    the day it was received, so the queue shows how long it has really waited."""

    what = "referral"
    once_only = True
    follows_child = ("area",)
    columns = (
        Column("Referral reference", ("referral ref", "referral id", "case reference"), True),
        _child_column(),
        Column("Date received", ("received", "received on", "referral date"), True),
        Column("Who referred", ("source", "referral source"), True),
        Column("Status", ("referral status",), True),
        Column("Setting URN", ("urn", "ofsted urn")),
        Column("Routes", ("route",)),
        Column("Areas of need", ("broad areas of need", "needs")),
        Column("EHC assessment asked for", ("ehc requested",)),
        Column("Outcome", ("closing outcome",)),
    )
    example = {
        "Referral reference": "OLD-R-4471",
        "Child reference": "OLD-000123",
        "Date received": "02/09/2026",
        "Who referred": "Concern from an early years setting",
        "Status": "Being triaged",
        "Setting URN": "EY123456",
        "Routes": "Early Years SEND team; Portage",
        "Areas of need": "Communication and interaction",
        "EHC assessment asked for": "No",
        "Outcome": "",
    }

    reference = Field(attribute="reference", column_name="Referral reference", widget=UpperWidget())
    child = Field(attribute="child", column_name="Child reference")
    submitted_at = Field(
        attribute="submitted_at",
        column_name="Date received",
        widget=ReceivedWidget("Date received"),
    )
    source = Field(
        attribute="source",
        column_name="Who referred",
        widget=ChoiceWidget(Referral.Source.choices, SOURCE_OTHER_NAMES, "way in"),
    )
    status = Field(
        attribute="status",
        column_name="Status",
        widget=ChoiceWidget(Referral.Status.choices, STATUS_OTHER_NAMES, "status"),
    )
    setting = Field(attribute="setting", column_name="Setting URN")
    routes = Field(
        attribute="routes", column_name="Routes", widget=ChoicesListWidget(Route.choices, "route")
    )
    broad_areas_of_need = Field(
        attribute="broad_areas_of_need",
        column_name="Areas of need",
        widget=ChoicesListWidget(BroadAreaOfNeed.choices, "broad area of need"),
    )
    ehc_assessment_requested = Field(
        attribute="ehc_assessment_requested",
        column_name="EHC assessment asked for",
        widget=YesNoWidget(),
        saves_null_values=False,
    )
    outcome = Field(attribute="outcome", column_name="Outcome", widget=TextWidget())

    class Meta(CaseloadMeta):
        model = Referral
        fields = (
            "reference",
            "child",
            "submitted_at",
            "source",
            "status",
            "setting",
            "routes",
            "broad_areas_of_need",
            "ehc_assessment_requested",
            "outcome",
        )
        export_order = fields
        import_id_fields = ("reference",)

    def get_queryset(self):
        return Referral.objects.select_related("child", "setting").order_by("submitted_at", "pk")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.note_duplicates(dataset, "Referral reference", "reference", "Referral reference")
        try:
            self.rule_set = published_rule_set()
        except RoutingNotConfigured:
            self.rule_set = None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        held = instance.submitted_at if instance.pk else None
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        received = instance.submitted_at
        if held and received and timezone.localdate(held) == timezone.localdate(received):
            instance.submitted_at = held  # the file has the day; the service keeps the time
        if len(instance.reference or "") > 20:
            errors["reference"] = ["Referral reference must be 20 characters or fewer"]
        child = instance.child if instance.child_id else None
        if child is not None:
            instance.area_id = child.area_id
            if instance.submitted_at and timezone.localdate(instance.submitted_at) < (
                child.date_of_birth
            ):
                errors.setdefault("submitted_at", []).append(
                    "Date received is before the child's date of birth "
                    f"({day_words(child.date_of_birth)}): check the date and the child reference"
                )
        if instance.pk is None:
            if self.rule_set is None:
                errors.setdefault("__all__", []).append(
                    "No routing rules are published: publish them before importing referrals"
                )
            else:
                instance.rule_set = self.rule_set
            instance.submitted_by = self.user
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if not is_create:
            return
        set_routes(instance, list(instance.routes), by_rules=False, new=True)
        received = timezone.localdate(instance.submitted_at)
        record_event(
            instance,
            ReferralEvent.Kind.SUBMITTED,
            self.user,
            f"{Referral.Source(instance.source).label}, received {day_words(received)}: "
            f"{BROUGHT_IN}, status “{instance.get_status_display()}”",
            imported=True,
        )
        if instance.status in Referral.WAITING:
            start_clocks(instance, started_on=received)

    def describe(self, values):
        return " ".join(
            str(values.get(k) or "") for k in ("Referral reference", "Child reference")
        ).strip()


# Support plans ---------------------------------------------------------------------------------


class SupportPlanCaseloadResource(CaseloadResource):
    """A child's support plan: tier, strengths, the setting that wrote it and its outcomes (what
    the child will be able to do), one a line or separated by semicolons."""

    what = "support plan"
    once_only = True
    columns = (
        _child_column(),
        Column("Tier", ("tier of support", "support tier"), True),
        Column("Setting URN", ("urn", "ofsted urn")),
        Column("Strengths", ("what the child is good at",)),
        Column("Outcomes", ("targets", "outcomes sought")),
    )
    example = {
        "Child reference": "OLD-000123",
        "Tier": "Targeted",
        "Setting URN": "EY123456",
        "Strengths": "Loves stories and water play",
        "Outcomes": "Amara will ask for help using two words; Amara will join a small group "
        "story time",
    }

    child = Field(attribute="child", column_name="Child reference")
    tier = Field(
        attribute="tier",
        column_name="Tier",
        widget=ChoiceWidget(SupportTier.choices, what="tier of support"),
    )
    setting = Field(attribute="setting", column_name="Setting URN")
    strengths = Field(attribute="strengths", column_name="Strengths", widget=TextWidget())
    outcomes = Field(column_name="Outcomes", widget=TextListWidget())

    class Meta(CaseloadMeta):
        model = SupportPlan
        fields = ("child", "tier", "setting", "strengths", "outcomes")
        export_order = fields
        import_id_fields = ("child",)

    def get_queryset(self):
        from django.db.models import Prefetch

        return (
            SupportPlan.objects.select_related("child", "setting")
            .prefetch_related(
                Prefetch("outcomes", queryset=PlanOutcome.objects.filter(ended_at__isnull=True))
            )
            .order_by("child__reference")
        )

    def dehydrate_outcomes(self, plan):
        return "; ".join(outcome.text for outcome in plan.outcomes.all())

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.note_duplicates(dataset, "Child reference", "child", "Child reference")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        same = super().skip_row(instance, original, row, import_validation_errors)
        if not same or original is None or original.pk is None:
            return same
        if "Outcomes" not in row:
            return True  # a file without the column says nothing about them
        current = [o.text for o in PlanOutcome.objects.filter(plan=original, ended_at=None)]
        return current == split_items(row.get("Outcomes"))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.pk is None:
            instance.created_by = instance.updated_by = self.user

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        PlanOutcome.objects.bulk_create(
            PlanOutcome(plan=instance, position=position, text=text)
            for position, text in enumerate(split_items(row.get("Outcomes")), 1)
        )
        if instance.child.referrals.exists():
            from pathway.timeline import record_event_on_latest

            record_event_on_latest(
                instance.child,
                ReferralEvent.Kind.NOTE,
                self.user,
                f"Support plan ({instance.get_tier_display().lower()} tier) {BROUGHT_IN}",
                imported=True,
            )


# EHC requests and plans ------------------------------------------------------------------------

REQUEST_SOURCE_OTHER_NAMES = {
    "parent": "1",
    "parent or carer": "1",
    "family": "1",
    "setting": "2",
    "school": "2",
    "education": "2",
    "health": "3",
    "social care": "4",
    "other": "5",
}
CEASE_OTHER_NAMES = {
    "needs met": "2",
    "moved": "5",
    "transferred": "5",
    "moved outside england": "7",
    "died": "8",
    "other": "9",
}


class EhcCaseloadResource(CaseloadResource):
    """EHC requests and plans with every date the EHC timeline keeps, decisions made before the
    collection year included. The stage follows from the dates, what is due next is worked out
    as the timeline does (so a request received 10 weeks ago is 10 weeks into its 20), a plan
    gets its next review 3 to 6 months after it was issued or last reviewed, and the SEN2 return
    reads the record as it reads one made here."""

    what = "EHC record"
    once_only = True
    follows_child = ("referral",)
    columns = (
        _child_column(),
        Column("Referral reference", ("referral ref",)),
        Column("Date request received", ("received", "request received", "received date"), True),
        Column("Who made the request", ("request source", "source"), True),
        Column("Decided to assess", ("assess decision", "assessment decision")),
        Column("Date of decision to assess", ("assess decision date",)),
        Column("Date draft plan sent", ("draft plan date", "draft issued")),
        Column("Plan issued", ("plan decision", "issue decision")),
        Column("Date of plan decision", ("plan date", "plan issued date", "final plan date")),
        Column("Date last review held", ("last review", "last review date")),
        Column("Date request withdrawn", ("withdrawn",)),
        Column("Date plan ceased", ("ceased", "ceased date")),
        Column("Reason plan ceased", ("cease reason",)),
        Column("Transferred in from", ("transferred from",)),
        Column("Sex", ("gender",)),
        Column("Ethnicity", ("ethnic group",)),
        Column("UPN", ("unique pupil number",)),
        Column("Reason UPN not known", ("upn unknown",)),
        Column("School URN of setting", ("school urn",)),
        Column("Primary need", ("primary sen type",)),
        Column("Secondary need", ("secondary sen type",)),
    )
    example = {
        "Child reference": "OLD-000123",
        "Referral reference": "OLD-R-4471",
        "Date request received": "01/09/2026",
        "Who made the request": "Setting",
        "Decided to assess": "Yes",
        "Date of decision to assess": "06/10/2026",
        "Date draft plan sent": "",
        "Plan issued": "",
        "Date of plan decision": "",
        "Date last review held": "",
        "Date request withdrawn": "",
        "Date plan ceased": "",
        "Reason plan ceased": "",
        "Transferred in from": "",
        "Sex": "Female",
        "Ethnicity": "BAFR",
        "UPN": "",
        "Reason UPN not known": "UN1",
        "School URN of setting": "",
        "Primary need": "SLCN",
        "Secondary need": "",
    }

    child = Field(attribute="child", column_name="Child reference")
    referral = Field(attribute="referral", column_name="Referral reference")
    received_on = Field(
        attribute="received_on",
        column_name="Date request received",
        widget=DayWidget("Date request received"),
    )
    source = Field(
        attribute="source",
        column_name="Who made the request",
        widget=ChoiceWidget(
            EhcRequest.Source.choices, REQUEST_SOURCE_OTHER_NAMES, "person who made requests"
        ),
    )
    assess_decision = Field(
        attribute="assess_decision", column_name="Decided to assess", widget=YesNoCodeWidget()
    )
    assess_decision_on = Field(
        attribute="assess_decision_on",
        column_name="Date of decision to assess",
        widget=DayWidget("Date of decision to assess"),
    )
    draft_issued_on = Field(
        attribute="draft_issued_on",
        column_name="Date draft plan sent",
        widget=DayWidget("Date draft plan sent"),
    )
    issue_decision = Field(
        attribute="issue_decision", column_name="Plan issued", widget=YesNoCodeWidget()
    )
    issue_decision_on = Field(
        attribute="issue_decision_on",
        column_name="Date of plan decision",
        widget=DayWidget("Date of plan decision"),
    )
    last_review = Field(column_name="Date last review held", widget=DayWidget("Date last review"))
    withdrawn_on = Field(
        attribute="withdrawn_on",
        column_name="Date request withdrawn",
        widget=DayWidget("Date request withdrawn"),
    )
    ceased_on = Field(
        attribute="ceased_on",
        column_name="Date plan ceased",
        widget=DayWidget("Date plan ceased"),
    )
    cease_reason = Field(
        attribute="cease_reason",
        column_name="Reason plan ceased",
        widget=CodeWidget(EhcRequest.CeaseReason.choices, CEASE_OTHER_NAMES, "reason"),
    )
    transferred_from = Field(
        attribute="transferred_from", column_name="Transferred in from", widget=TextWidget()
    )
    sex = Field(
        attribute="sex", column_name="Sex", widget=CodeWidget(EhcRequest.Sex.choices, what="sex")
    )
    ethnicity = Field(
        attribute="ethnicity",
        column_name="Ethnicity",
        widget=CodeWidget(EhcRequest.Ethnicity.choices, what="ethnicity code"),
    )
    upn = Field(attribute="upn", column_name="UPN", widget=UpperWidget())
    upn_unknown = Field(
        attribute="upn_unknown",
        column_name="Reason UPN not known",
        widget=CodeWidget(EhcRequest.UpnUnknown.choices, what="reason"),
    )
    setting_school_urn = Field(
        attribute="setting_school_urn", column_name="School URN of setting", widget=TextWidget()
    )
    primary_need = Field(
        column_name="Primary need", widget=CodeWidget(SenNeed.Type.choices, what="need")
    )
    secondary_need = Field(
        column_name="Secondary need", widget=CodeWidget(SenNeed.Type.choices, what="need")
    )

    class Meta(CaseloadMeta):
        model = EhcRequest
        fields = (
            "child",
            "referral",
            "received_on",
            "source",
            "assess_decision",
            "assess_decision_on",
            "draft_issued_on",
            "issue_decision",
            "issue_decision_on",
            "last_review",
            "withdrawn_on",
            "ceased_on",
            "cease_reason",
            "transferred_from",
            "sex",
            "ethnicity",
            "upn",
            "upn_unknown",
            "setting_school_urn",
            "primary_need",
            "secondary_need",
        )
        export_order = fields
        import_id_fields = ("child", "received_on")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.referrals: dict[str, Referral] = {}
        self.fields["referral"].widget = LookupWidget(
            self.referrals,
            "There is no referral with the reference '{value}': import the referrals file "
            "first, or leave it blank to use the child's latest referral",
            key=lambda referral: referral.reference or "",
        )

    def get_queryset(self):
        return (
            EhcRequest.objects.select_related("child", "referral")
            .prefetch_related("sen_needs", "reviews")
            .order_by("child__reference", "received_on", "pk")
        )

    def _cell(self, name: str, row) -> Any:
        """A column with no field of the record's own, read from the row (blank if the file
        has no such column)."""
        field = self.fields[name]
        return field.widget.clean(row.get(field.column_name, ""))

    def _need(self, ehc, rank):
        return next((n.sen_type for n in ehc.sen_needs.all() if n.rank == rank), "")

    def dehydrate_primary_need(self, ehc):
        return self._need(ehc, SenNeed.Rank.PRIMARY)

    def dehydrate_secondary_need(self, ehc):
        return self._need(ehc, SenNeed.Rank.SECONDARY)

    def dehydrate_last_review(self, ehc):
        held = [r.meeting_on for r in ehc.reviews.all() if r.meeting_on and r.decision_on]
        return DayWidget("").render(max(held)) if held else ""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        references = {v for v in self._column(dataset, "Referral reference") if v}
        if references:
            for referral in Referral.objects.filter(reference__in=references):
                self.referrals[referral.reference.upper()] = referral

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        child = instance.child if instance.child_id else None
        referral = instance.referral if instance.referral_id else None
        if child is not None and referral is None and "referral" not in errors:
            referral = Referral.objects.filter(child=child).order_by("-submitted_at", "-pk").first()
            if referral is None:
                errors["referral"] = [
                    f"Child '{child.reference}' has no referral in the service: import their "
                    "referral first (the referrals file), then this row"
                ]
            else:
                instance.referral = referral
        if child is not None and referral is not None and referral.child_id != child.pk:
            errors.setdefault("referral", []).append(
                f"Referral '{referral.reference}' is about another child: give one of "
                f"{child.reference}'s referrals, or leave it blank"
            )
        if instance.pk is None:
            instance.created_by = self.user
        self._check_steps(instance, row, child, errors)
        if errors:
            raise ValidationError(errors)
        instance.stage = self._stage(instance)

    def _check_steps(self, ehc: EhcRequest, row, child, errors: dict) -> None:
        Y = EhcRequest.YesNo.YES
        ehc.transferred_from = (ehc.transferred_from or "").strip()
        ehc.transferred_in = bool(ehc.transferred_from)
        ehc.transferred_in_on = ehc.received_on if ehc.transferred_in else None
        if ehc.transferred_in:
            ehc.assess_decision = ehc.assess_decision or Y
            ehc.issue_decision = ehc.issue_decision or Y

        def need(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        pairs = (
            ("assess_decision", "assess_decision_on", "Decided to assess", "decision to assess"),
            ("issue_decision", "issue_decision_on", "Plan issued", "plan decision"),
        )
        for answer, date, label, words in pairs:
            if answer in errors or date in errors:
                continue
            if getattr(ehc, answer) and not getattr(ehc, date):
                need(date, f"Enter the date of the {words}: {label} is filled in")
            if getattr(ehc, date) and not getattr(ehc, answer):
                need(answer, f"Write Yes or No in {label}: the date of the {words} is filled in")
        if ehc.issue_decision and ehc.assess_decision != Y and not ehc.transferred_in:
            need("issue_decision", "Plan issued needs Decided to assess to be Yes")
        if ehc.draft_issued_on and ehc.assess_decision != Y:
            need("draft_issued_on", "Date draft plan sent needs Decided to assess to be Yes")
        if ehc.ceased_on and ehc.issue_decision != Y:
            need("ceased_on", "Date plan ceased needs Plan issued to be Yes")
        if ehc.ceased_on and not ehc.cease_reason and "cease_reason" not in errors:
            need("cease_reason", "Enter the reason plan ceased: the date plan ceased is filled in")
        if ehc.cease_reason and not ehc.ceased_on and "ceased_on" not in errors:
            need("ceased_on", "Enter the date plan ceased: the reason is filled in")
        if ehc.withdrawn_on and ehc.issue_decision:
            need("withdrawn_on", "A request with a plan decision cannot also be withdrawn")
        if ehc.upn and not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", ehc.upn):
            need("upn", "UPN must be a letter, 11 digits and a digit or letter, like A12345678901B")
        if ehc.upn and ehc.upn_unknown:
            need("upn_unknown", "Give the UPN or the reason it is not known, not both")
        last_review = None
        for name in ("last_review", "primary_need", "secondary_need"):
            try:
                value = self._cell(name, row)
            except ValueError as error:
                need(name, str(error))
            else:
                last_review = value if name == "last_review" else last_review
        if last_review and ehc.issue_decision != Y:
            need("last_review", "Date last review held needs Plan issued to be Yes")
        self._last_review = last_review
        dated_errors = {
            "received_on",
            "assess_decision_on",
            "draft_issued_on",
            "issue_decision_on",
            "ceased_on",
        }
        if child is not None and not (dated_errors & set(errors)):
            problem = ehc_rules.in_order(
                ("child's date of birth", child.date_of_birth),
                ("date request received", ehc.received_on),
                ("date of decision to assess", ehc.assess_decision_on),
                ("date draft plan sent", ehc.draft_issued_on),
                ("date of plan decision", ehc.issue_decision_on),
                ("date last review held", last_review),
                ("date plan ceased", ehc.ceased_on),
            ) or ehc_rules.in_order(
                ("date request received", ehc.received_on),
                ("date request withdrawn", ehc.withdrawn_on),
            )
            if problem:
                errors.setdefault("__all__", []).append(problem + ": check the dates in this row")
        if child is not None and ehc.pk is None and not errors:
            open_case = EhcRequest.objects.filter(
                child=child, stage__in=ehc_services.OPEN_STAGES
            ).exists()
            if open_case and self._stage(ehc) in ehc_services.OPEN_STAGES:
                need(
                    "received_on",
                    f"Child '{child.reference}' already has an open EHC case in the service: "
                    "record its steps there, or give this row a withdrawn, ceased or refused date",
                )

    @staticmethod
    def _stage(ehc: EhcRequest) -> str:
        Stage = EhcRequest.Stage
        if ehc.withdrawn_on:
            return Stage.WITHDRAWN
        if ehc.ceased_on:
            return Stage.CEASED
        if ehc.issue_decision == EhcRequest.YesNo.YES:
            return Stage.PLAN
        if ehc.issue_decision == EhcRequest.YesNo.NO:
            return Stage.NO_PLAN
        if ehc.draft_issued_on:
            return Stage.DRAFT_ISSUED
        if ehc.assess_decision == EhcRequest.YesNo.YES:
            return Stage.ASSESSING
        if ehc.assess_decision == EhcRequest.YesNo.NO:
            return Stage.NOT_ASSESSING
        return Stage.REQUESTED

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        ehc = instance
        needs = [
            SenNeed(ehc=ehc, rank=rank, sen_type=code, recorded_by=self.user)
            for rank, code in (
                (SenNeed.Rank.PRIMARY, self._cell("primary_need", row)),
                (SenNeed.Rank.SECONDARY, self._cell("secondary_need", row)),
            )
            if code
        ]
        SenNeed.objects.bulk_create(needs)
        last = self._last_review
        if last:
            EhcReview.objects.create(
                ehc=ehc,
                due_by=last,
                meeting_on=last,
                decision_on=last,
                outcome=EhcReview.Outcome.MAINTAIN,
                meeting_notes=f"Review {BROUGHT_IN}",
                recorded_by=self.user,
            )
        if ehc.stage == EhcRequest.Stage.PLAN:
            start = last or max(ehc.issue_decision_on, ehc.received_on)
            EhcReview.objects.create(
                ehc=ehc, due_by=ehc_rules.review_window(start).latest, recorded_by=self.user
            )
        ehc_services.refresh(ehc)
        record_event(
            ehc.referral,
            ehc_services.EHC_EVENT,
            self.user,
            (
                f"EHC plan transferred in from {ehc.transferred_from}"
                if ehc.transferred_in
                else f"Request for an EHC needs assessment received {day_words(ehc.received_on)}"
            )
            + f": {BROUGHT_IN}, now “{ehc.get_stage_display()}”",
            ehc=ehc.pk,
            imported=True,
        )

    def describe(self, values):
        return " ".join(
            str(values.get(k) or "") for k in ("Child reference", "Date request received")
        ).strip()


# In the order a council brings them in: each kind names records of the kinds before it.
RESOURCES: dict[str, type[CaseloadResource]] = {
    "caseload-children": ChildCaseloadResource,
    "caseload-contacts": ContactCaseloadResource,
    "caseload-referrals": ReferralCaseloadResource,
    "caseload-support-plans": SupportPlanCaseloadResource,
    "caseload-ehc": EhcCaseloadResource,
}
