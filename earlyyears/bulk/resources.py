"""django-import-export resources for the records an authority already has: areas, settings
(as in Ofsted's early years register) and staff accounts. Each resource imports and exports
the same headings, so an exported file imports back unchanged.

Every resource here checks rows in plain words and reports its progress. Settings and areas use
django-import-export's bulk mode: the lookups a file needs are read once, each row is checked in
memory, and the rows are written a batch at a time (a batch the database refuses is written
again row by row, so each error stays on its row). Bulk mode calls neither save() nor signals:
neither model has any (their clean() still runs; a test checks they gain none unnoticed).
Staff accounts run each row in a savepoint (a row that fails half-way leaves nothing behind),
because saving an account sends invitations and writes the account audit through signals.

Files are read and jobs run by the engine (`earlyyears.bulk.services`), where each registers
(below); files are written by `earlyyears.exports`, which neutralises formulae.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import RowResult

from ..accounts import services as accounts
from ..dates import parse_uk_date, uk_date
from ..models import (
    Area,
    CaseloadMembership,
    Child,
    Role,
    Setting,
    SettingMembership,
    User,
)
from ..postcodes import normalise_postcode
from ..validators import normalise_uk_mobile
from .services import (
    Column,
    ResourceSpec,
    heading_key,
    register,
    split_list,
)


class _UndoRow(Exception):
    def __init__(self, row_result):
        self.row_result = row_result


# Widgets ---------------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()


class UpperWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value).upper().replace(" ", "")


class PostcodeWidget(TextWidget):
    """A postcode in its usual form (WM1 4AB); one that is not real is left for the model's
    validator to explain."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value)
        try:
            return normalise_postcode(text)
        except ValidationError:
            return text


class MobileWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value)
        if not text:
            return ""
        try:
            return normalise_uk_mobile(text)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error


class ChoiceWidget(widgets.Widget):
    """A value from a list, written as our label, our code or another name for it (Ofsted's,
    for instance); blank leaves the record as it is."""

    def __init__(self, choices, other_names: dict[str, str] | None = None, what: str = "value"):
        self.labels = dict(choices)
        self.names = {heading_key(code): code for code in self.labels}
        self.names.update({heading_key(label): code for code, label in self.labels.items()})
        self.names.update({heading_key(k): v for k, v in (other_names or {}).items()})
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        code = self.names.get(heading_key(text))
        if code is None:
            options = ", ".join(self.labels.values())
            raise ValueError(f"'{text}' is not a {self.what} we know: use one of {options}")
        return code

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class YesNoWidget(widgets.Widget):
    YES = {"yes", "y", "true", "1"}
    NO = {"no", "n", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        text = heading_key(value)
        if not text:
            return None
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"Write Yes or No (not '{value}')")

    def render(self, value, obj=None, **kwargs):
        return "Yes" if value else "No"


class AreaWidget(widgets.Widget):
    """An area by its code, from the resource's cache (areas made earlier in the same file
    included)."""

    def __init__(self, resource_areas: dict[str, Area]):
        self.areas = resource_areas

    def clean(self, value, row=None, **kwargs):
        code = "" if value is None else str(value).strip()
        if not code:
            return None
        area = self.areas.get(code.upper())
        if area is None:
            raise ValueError(f"There is no area with the code '{code}'")
        return area

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class PopulationWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, int) and value >= 0:
            return value
        text = str(value).strip().replace(",", "").replace(" ", "")
        if not text.isdigit():
            raise ValueError(
                f"Write the under-5 population as a whole number, like 1200 (not '{value}')"
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


# The base resource ------------------------------------------------------------------------------


class SafeResource(resources.ModelResource):
    """Each row in a savepoint; errors in plain words; inert cells on export; progress."""

    columns: tuple[Column, ...] = ()
    # Foreign keys set only from the resource's own cache of records (bulk mode checks them
    # without a query).
    cached_foreign_keys: tuple[str, ...] = ()

    def __init__(self, user=None, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.progress = progress
        self.row_problems: dict[Any, dict[str, list[str]]] = {}
        self._kept = None
        self._before: list | None = None
        self._waiting: dict[int, Any] = {}  # id(instance) -> its row's result, until written

    def import_row(self, row, instance_loader, **kwargs):
        if self._meta.use_bulk:
            # Nothing is written row by row: a row that fails leaves nothing to undo.
            self._kept = None
            row_result = super().import_row(row, instance_loader, **kwargs)
            if self._kept is not None and not (row_result.errors or row_result.validation_error):
                self._waiting[id(self._kept)] = row_result
        else:
            try:
                with transaction.atomic():
                    row_result = super().import_row(row, instance_loader, **kwargs)
                    if row_result.errors or row_result.validation_error is not None:
                        raise _UndoRow(row_result)
            except _UndoRow as undo:
                row_result = undo.row_result
        if self.progress is not None:
            self.progress(kwargs.get("row_number", 0))
        return row_result

    # Bulk mode (Meta.use_bulk): rows are checked in memory and written a batch at a time.
    # A batch the database refuses is written again row by row, each in a savepoint, so the
    # error is still the row's own and the other rows of the batch are kept.

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if self._meta.use_bulk:
            self._kept = instance

    def after_init_instance(self, instance, new, row, **kwargs):
        """With Meta.skip_diff (no copy of each record, no diff), what a record held before
        the row, for `skip_row`."""
        super().after_init_instance(instance, new, row, **kwargs)
        if self._meta.skip_diff:
            self._before = None if new else self._values(instance)

    def _values(self, instance) -> list:
        return [field.get_value(instance) for field in self._import_fields]

    @cached_property
    def _import_fields(self) -> list:
        return super().get_import_fields()

    def get_import_fields(self):
        """Worked out once: the library works the order out again for every row."""
        return self._import_fields

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An unchanged row is skipped (and reported). With Meta.skip_diff the record is
        compared with what it held before the row (`after_init_instance`)."""
        if not self._meta.skip_diff:
            return super().skip_row(instance, original, row, import_validation_errors)
        if not self._meta.skip_unchanged or import_validation_errors or self._before is None:
            return False
        return self._values(instance) == self._before

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """In bulk mode, without a query a row: the import id is unique by the instance loader
        (an existing record is updated) and `note_duplicates` (twice in the file); foreign keys
        in `cached_foreign_keys` come from the resource's own cache, so only their blank and
        null rules are checked here. The database's constraints still hold; a row they refuse
        is reported as its own error (`_write`)."""
        if not self._meta.use_bulk:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        errors = dict(import_validation_errors or {})
        cached = [f for f in self.cached_foreign_keys if f not in errors]
        for name in cached:
            model_field = instance._meta.get_field(name)
            try:
                models.Field.validate(model_field, getattr(instance, model_field.attname), instance)
            except ValidationError as error:
                errors[name] = error.error_list
        if self._meta.clean_model_instances:
            try:
                instance.full_clean(exclude=[*errors, *cached], validate_unique=False)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        def one(instance):
            instance.pk = None
            instance._state.adding = True
            instance.save(force_insert=True)

        self._write(
            self.create_instances,
            lambda batch: self._meta.model.objects.bulk_create(batch, batch_size=batch_size),
            one,
        )

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        fields = self.get_bulk_update_fields()
        self._write(
            self.update_instances,
            lambda batch: self._meta.model.objects.bulk_update(
                batch, fields, batch_size=batch_size
            ),
            lambda instance: instance.save(update_fields=fields),
        )

    def _write(self, instances: list, in_bulk, one_by_one) -> None:
        if not instances:
            return
        batch = list(instances)
        instances.clear()
        try:
            with transaction.atomic():
                in_bulk(batch)
        except (DatabaseError, ValueError):
            for instance in batch:
                try:
                    with transaction.atomic():
                        one_by_one(instance)
                except (DatabaseError, ValueError) as error:
                    self.not_saved(instance, error)
        for instance in batch:
            self._waiting.pop(id(instance), None)

    def not_saved(self, instance, error: Exception) -> None:
        """A row checked in memory that the database refused when its batch was written."""
        row_result = self._waiting.pop(id(instance), None)
        if row_result is None:
            raise error
        row_result.import_type = RowResult.IMPORT_TYPE_ERROR
        row_result.errors.append(self.get_error_result_class()(error, row=row_result.row_values))

    def after_import(self, dataset, result, **kwargs):
        """Not the library's reset of the id sequence to the highest id: no file here gives
        ids (the database numbers every new record), and on PostgreSQL setting the sequence
        back could hand out again an id that another transaction has taken but not yet
        committed."""

    def before_import_row(self, row, **kwargs):
        problems = self.row_problems.get(row.get("line"))
        if problems:
            raise ValidationError(problems)

    def error_labels(self) -> dict[str, str]:
        labels = {}
        for name, field in self.fields.items():
            labels[field.attribute or name] = field.column_name
            labels[name] = field.column_name
        return labels

    def describe(self, values: dict) -> str:
        return ""

    @staticmethod
    def plain_row_error(error: Exception) -> str:
        if isinstance(error, IntegrityError):
            return "This row could not be saved: it clashes with a record already saved"
        return f"This row could not be saved: {error}"

    @staticmethod
    def plain_base_error(error: Exception) -> str:
        return f"The file could not be imported: {error}"

    def note_duplicates(self, dataset, heading: str, field: str, what: str) -> None:
        """A record given twice in one file: the later rows are errors. (Two columns read,
        not every row made into a dict.)"""
        first_line: dict[str, Any] = {}
        if heading not in (dataset.headers or []):
            return
        for line, value in zip(dataset["line"], dataset[heading], strict=True):
            key = heading_key(value)
            if not key:
                continue
            if key in first_line:
                self.row_problems.setdefault(line, {}).setdefault(field, []).append(
                    f"{what} '{value}' is also on row {first_line[key]}: give each one once"
                )
            else:
                first_line[key] = line

    class Meta:
        abstract = True


# Rows written in one statement by the resources in bulk mode.
BATCH_SIZE = 1000


class FileInstanceLoader(CachedInstanceLoader):
    """The records a file names, found in one query (as CachedInstanceLoader), reading the
    file's id column once: the library's loader makes every row into a dict three times."""

    def __init__(self, resource, dataset=None):
        super(CachedInstanceLoader, self).__init__(resource, dataset)
        self.pk_field = resource.fields[resource.get_import_id_fields()[0]]
        self.all_instances = {}
        column = self.pk_field.column_name
        if dataset is None or not len(dataset) or column not in (dataset.headers or []):
            return
        ids = [self.pk_field.clean({column: value}) for value in dataset[column]]
        records = self.get_queryset().filter(**{f"{self.pk_field.attribute}__in": ids})
        self.all_instances = {self.pk_field.get_value(record): record for record in records}


class SafeMeta:
    """Options every resource here shares: unchanged rows are skipped and reported, each row's
    values are kept for the preview, models are validated, records are found in one query."""

    skip_unchanged = True
    report_skipped = True
    store_row_values = True
    skip_html_diff = True
    clean_model_instances = True
    use_transactions = False
    instance_loader_class = FileInstanceLoader


# Areas -----------------------------------------------------------------------------------------

AREA_KINDS_OTHER_NAMES = {"ward": Area.Kind.WARD, "electoral ward": Area.Kind.WARD}


class AreaResource(SafeResource):
    """Planning areas: code, name, kind, parent (by its code) and under-5 population. Parents
    may come later in the file than their children: rows are taken parents first."""

    columns = (
        Column("Code", ("area code",), required=True),
        Column("Name", ("area name",)),
        Column("Kind", ("type", "area type")),
        Column("Parent code", ("parent", "parent area code")),
        Column("Under-5 population", ("under 5 population", "population under 5", "under 5s")),
    )

    code = Field(attribute="code", column_name="Code", widget=UpperWidget())
    name = Field(attribute="name", column_name="Name", widget=TextWidget())
    kind = Field(
        attribute="kind",
        column_name="Kind",
        widget=ChoiceWidget(Area.Kind.choices, AREA_KINDS_OTHER_NAMES, "kind of area"),
        saves_null_values=False,
    )
    parent = Field(attribute="parent", column_name="Parent code")
    under_5_population = Field(
        attribute="under_5_population",
        column_name="Under-5 population",
        widget=PopulationWidget(),
        saves_null_values=False,
    )

    class Meta(SafeMeta):
        model = Area
        fields = ("code", "name", "kind", "parent", "under_5_population")
        export_order = fields
        import_id_fields = ("code",)
        use_bulk = True
        skip_diff = True
        batch_size = BATCH_SIZE

    cached_foreign_keys = ("parent",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.areas: dict[str, Area] = {}
        self.fields["parent"].widget = AreaWidget(self.areas)

    def get_queryset(self):
        return Area.objects.select_related("parent").order_by("code")

    def describe(self, values):
        return " ".join(str(values.get(k) or "") for k in ("Code", "Name")).strip()

    def before_import(self, dataset, **kwargs):
        self.areas.update({a.code.upper(): a for a in Area.objects.all()})
        parent_of = {
            a.code.upper(): (a.parent.code.upper() if a.parent else "")
            for a in Area.objects.select_related("parent")
        }
        self.note_duplicates(dataset, "Code", "code", "Code")
        if "Parent code" not in (dataset.headers or []):
            return
        rows = list(dataset.dict)
        in_file = {}
        for row in rows:
            code = str(row.get("Code") or "").strip().upper()
            in_file.setdefault(code, row)
            parent_of[code] = str(row.get("Parent code") or "").strip().upper()
        for row in rows:
            code = str(row.get("Code") or "").strip().upper()
            seen, up = {code}, parent_of.get(code, "")
            while up:
                if up in seen:
                    self.row_problems.setdefault(row["line"], {}).setdefault("parent", []).append(
                        f"Parent code '{row.get('Parent code')}' would make the area its own "
                        "ancestor: an area's parent must be a larger area"
                    )
                    break
                seen.add(up)
                up = parent_of.get(up, "")
        ordered, placed = [], set()

        def place(row, depth=0):
            code = str(row.get("Code") or "").strip().upper()
            if code in placed or depth > len(rows):
                return
            parent = str(row.get("Parent code") or "").strip().upper()
            if parent in in_file and parent != code:
                place(in_file[parent], depth + 1)
            if code not in placed:
                placed.add(code)
                ordered.append(row)

        for row in rows:
            place(row)
        ordered += [row for row in rows if row not in ordered]  # duplicates keep their place
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        for row in ordered:
            dataset.append([row[h] for h in headers])

    def after_save_instance(self, instance, row, **kwargs):
        self.areas[instance.code.upper()] = instance

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        parent = instance.parent
        if parent is not None and parent.pk is None and self._meta.use_bulk:
            # A parent made earlier in this file and still waiting for its batch: write it now.
            self.bulk_create(False, False, False, batch_size=self._meta.batch_size)
            if parent.pk is None:
                raise ValidationError(
                    {
                        "parent": f"The area '{parent.code}' could not be saved (see its row), "
                        "so it cannot be this area's parent"
                    }
                )
        if instance.parent_id and instance.parent_id == instance.pk:
            raise ValidationError({"parent": "An area cannot be its own parent"})


# Settings (Ofsted's early years register) ------------------------------------------------------

# Ofsted's register names provider types by the premises; "Childcare on non-domestic premises"
# is a day nursery unless its subtype says sessional (a pre-school).
PROVIDER_TYPE_OTHER_NAMES = {
    "childcare on non-domestic premises": Setting.ProviderType.DAY_NURSERY,
    "non-domestic": Setting.ProviderType.DAY_NURSERY,
    "full day care": Setting.ProviderType.DAY_NURSERY,
    "nursery": Setting.ProviderType.DAY_NURSERY,
    "sessional day care": Setting.ProviderType.PRE_SCHOOL,
    "sessional": Setting.ProviderType.PRE_SCHOOL,
    "preschool": Setting.ProviderType.PRE_SCHOOL,
    "playgroup": Setting.ProviderType.PRE_SCHOOL,
    "childcare on domestic premises": Setting.ProviderType.CHILDMINDER,
    "domestic": Setting.ProviderType.CHILDMINDER,
    "school nursery": Setting.ProviderType.SCHOOL_NURSERY,
    "nursery class": Setting.ProviderType.SCHOOL_NURSERY,
    "maintained nursery class": Setting.ProviderType.SCHOOL_NURSERY,
}
PROVIDER_SUBTYPES = {
    "sessional day care": Setting.ProviderType.PRE_SCHOOL,
    "sessional": Setting.ProviderType.PRE_SCHOOL,
    "full day care": Setting.ProviderType.DAY_NURSERY,
}
NOT_EARLY_YEARS = {"home childcarer", "childminder agency", "nanny"}
REGISTRATION_OTHER_NAMES = {
    "active suspended": Setting.RegistrationStatus.SUSPENDED,
    "suspended": Setting.RegistrationStatus.SUSPENDED,
    "resigned": Setting.RegistrationStatus.RESIGNED,
    "cancelled": Setting.RegistrationStatus.RESIGNED,
    "inactive": Setting.RegistrationStatus.RESIGNED,
    "closed": Setting.RegistrationStatus.RESIGNED,
    "registered": Setting.RegistrationStatus.ACTIVE,
    "open": Setting.RegistrationStatus.ACTIVE,
}


def postcode_district(postcode: str) -> str:
    try:
        return normalise_postcode(postcode).split(" ")[0]
    except ValidationError:
        return ""


class SettingResource(SafeResource):
    """Early years settings by Ofsted URN, with the headings of Ofsted's register accepted.
    The area is the 'Area code' column if there is one; otherwise the area of the other
    settings in the same postcode district (a setting that keeps its district keeps its area)."""

    columns = (
        Column("URN", ("provider urn", "ofsted urn", "urn number", "reference number"), True),
        Column("Provider name", ("name", "setting name", "provider", "setting")),
        Column("Provider type", ("type", "setting type", "registration type", "care type")),
        Column("Provider subtype", ("subtype", "provider sub type", "care subtype")),
        Column(
            "Address line 1",
            ("provider address line 1", "provider address 1", "address 1", "address", "street"),
        ),
        Column("Town", ("provider town", "town city", "town or city", "post town", "city")),
        Column("Postcode", ("provider postcode", "post code", "postal code")),
        Column(
            "Registration status",
            ("provider status", "status", "provider registration status", "ofsted status"),
        ),
        Column("Area code", ("area", "ward code", "locality code")),
    )

    urn = Field(attribute="urn", column_name="URN", widget=UpperWidget())
    name = Field(attribute="name", column_name="Provider name", widget=TextWidget())
    provider_type = Field(
        attribute="provider_type",
        column_name="Provider type",
        widget=ChoiceWidget(
            Setting.ProviderType.choices, PROVIDER_TYPE_OTHER_NAMES, "provider type"
        ),
        saves_null_values=False,
    )
    address_line_1 = Field(
        attribute="address_line_1", column_name="Address line 1", widget=TextWidget()
    )
    town = Field(attribute="town", column_name="Town", widget=TextWidget())
    postcode = Field(attribute="postcode", column_name="Postcode", widget=PostcodeWidget())
    registration_status = Field(
        attribute="registration_status",
        column_name="Registration status",
        widget=ChoiceWidget(
            Setting.RegistrationStatus.choices, REGISTRATION_OTHER_NAMES, "registration status"
        ),
        saves_null_values=False,
    )
    area = Field(attribute="area", column_name="Area code", saves_null_values=False)

    class Meta(SafeMeta):
        model = Setting
        fields = (
            "urn",
            "name",
            "provider_type",
            "address_line_1",
            "town",
            "postcode",
            "registration_status",
            "area",
        )
        export_order = fields
        import_id_fields = ("urn",)
        use_bulk = True
        skip_diff = True
        batch_size = BATCH_SIZE

    cached_foreign_keys = ("area",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.areas: dict[str, Area] = {}
        self.fields["area"].widget = AreaWidget(self.areas)
        self.districts: dict[str, set[str]] = defaultdict(set)
        self.current: dict[str, tuple[str, str]] = {}

    def get_queryset(self):
        return Setting.objects.select_related("area").order_by("urn")

    def describe(self, values):
        return " ".join(str(values.get(k) or "") for k in ("URN", "Provider name")).strip()

    def before_import(self, dataset, **kwargs):
        self.areas.update({a.code.upper(): a for a in Area.objects.all()})
        self.note_duplicates(dataset, "URN", "urn", "URN")
        headers = dataset.headers or []
        if "Area code" in headers and all(str(c or "").strip() for c in dataset["Area code"]):
            return  # every row names its area: the postcode districts are not needed
        for urn, postcode, code in Setting.objects.values_list("urn", "postcode", "area__code"):
            self.current[urn.upper()] = (postcode, code)
            district = postcode_district(postcode)
            if district:
                self.districts[district].add(code)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._provider_type(row)
        if str(row.get("Area code") or "").strip():
            return
        urn = str(row.get("URN") or "").strip().upper().replace(" ", "")
        existing = self.current.get(urn)
        postcode = str(row.get("Postcode") or "").strip()
        district = postcode_district(postcode) if postcode else ""
        if existing and (not postcode or postcode_district(existing[0]) == district):
            row["Area code"] = existing[1]
            return
        if not district:
            return  # the postcode's own error says what is wrong
        codes = self.districts.get(district, set())
        if len(codes) == 1:
            row["Area code"] = next(iter(codes))
        elif codes:
            raise ValidationError(
                {
                    "area": f"Settings in postcode district {district} are in more than one "
                    "area: add an 'Area code' column"
                }
            )
        else:
            raise ValidationError(
                {
                    "area": f"No area is known for postcode district {district}: add an "
                    "'Area code' column"
                }
            )

    @staticmethod
    def _provider_type(row) -> None:
        given = heading_key(row.get("Provider type"))
        if given in NOT_EARLY_YEARS:
            raise ValidationError(
                {
                    "provider_type": f"'{row.get('Provider type')}' is not an early years "
                    "setting: leave this row out"
                }
            )
        subtype = PROVIDER_SUBTYPES.get(heading_key(row.get("Provider subtype")))
        if subtype and given in ("childcare on non domestic premises", "non domestic", ""):
            row["Provider type"] = subtype


# Staff accounts -----------------------------------------------------------------------------------

IMPORTABLE_ROLES = [(code, label) for code, label in Role.choices if code != Role.ADMIN]


class StaffResource(SafeResource):
    """Staff accounts with their role, settings (by URN) and portage caseload (by child
    reference). There are no passwords: a new account cannot sign in until its owner sets a
    password through the invitation emailed to them. Staff admin accounts, and service
    administrators, are changed in the staff admin only."""

    columns = (
        Column("Username", ("user name", "login"), True),
        Column("Email", ("email address", "e mail")),
        Column("First name", ("forename", "given name")),
        Column("Last name", ("surname", "family name")),
        Column("Role", ("role in the service",)),
        Column("Job title", ("title", "position")),
        Column("Organisation", ("organization", "employer")),
        Column("Mobile phone", ("mobile", "mobile number", "phone")),
        Column("Active", ("is active", "account active")),
        Column("Settings", ("settings urns", "setting urns", "urns", "works at")),
        Column("SENCO at", ("senco", "senco urns")),
        Column("Caseload", ("caseload child references", "child references")),
        Column("Caseload since", ("on caseload since",)),
    )

    username = Field(attribute="username", column_name="Username", widget=TextWidget())
    email = Field(attribute="email", column_name="Email", widget=TextWidget())
    first_name = Field(attribute="first_name", column_name="First name", widget=TextWidget())
    last_name = Field(attribute="last_name", column_name="Last name", widget=TextWidget())
    role = Field(
        attribute="role",
        column_name="Role",
        widget=ChoiceWidget(IMPORTABLE_ROLES, {"send manager": Role.SEND_MANAGER}, "role"),
        saves_null_values=False,
    )
    job_title = Field(attribute="job_title", column_name="Job title", widget=TextWidget())
    organisation = Field(attribute="organisation", column_name="Organisation", widget=TextWidget())
    mobile_phone = Field(
        attribute="mobile_phone", column_name="Mobile phone", widget=MobileWidget()
    )
    is_active = Field(
        attribute="is_active", column_name="Active", widget=YesNoWidget(), saves_null_values=False
    )
    settings = Field(column_name="Settings", dehydrate_method="dehydrate_settings")
    senco_at = Field(column_name="SENCO at", dehydrate_method="dehydrate_senco_at")
    caseload = Field(column_name="Caseload", dehydrate_method="dehydrate_caseload")
    caseload_since = Field(column_name="Caseload since", dehydrate_method="dehydrate_since")

    class Meta(SafeMeta):
        model = User
        fields = (
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "job_title",
            "organisation",
            "mobile_phone",
            "is_active",
            "settings",
            "senco_at",
            "caseload",
            "caseload_since",
        )
        export_order = fields
        import_id_fields = ("username",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.setting_ids: dict[str, int] = {}
        self.settings_by_id: dict[int, Setting] = {}
        self.child_ids: dict[str, int] = {}
        self.emails: dict[str, str] = {}
        self.admins: set[str] = set()
        self.wanted: dict[Any, dict[str, Any]] = {}

    def get_queryset(self):
        """Accounts a data officer looks after: not staff admins, not service administrators."""
        return (
            User.objects.filter(is_staff=False, is_superuser=False)
            .exclude(role=Role.ADMIN)
            .prefetch_related(
                Prefetch(
                    "setting_memberships",
                    SettingMembership.objects.select_related("setting").order_by("setting__urn"),
                ),
                Prefetch(
                    "caseload_memberships",
                    CaseloadMembership.objects.select_related("child").order_by("child__reference"),
                ),
            )
            .order_by("username")
        )

    def describe(self, values):
        name = " ".join(str(values.get(k) or "") for k in ("First name", "Last name")).strip()
        return f"{values.get('Username') or ''} {name}".strip()

    # Export --------------------------------------------------------------------------------

    def dehydrate_settings(self, user: User) -> str:
        return "; ".join(m.setting.urn for m in user.setting_memberships.all())

    def dehydrate_senco_at(self, user: User) -> str:
        return "; ".join(m.setting.urn for m in user.setting_memberships.all() if m.is_senco)

    def dehydrate_caseload(self, user: User) -> str:
        return "; ".join(m.child.reference for m in user.caseload_memberships.all())

    def dehydrate_since(self, user: User) -> str:
        days = [m.since for m in user.caseload_memberships.all()]
        return uk_date(min(days)) if days else ""

    # Import --------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        headers = dataset.headers or []
        urns = set()
        references = set()
        for row in dataset.dict:
            urns.update(u.upper() for u in split_list(row.get("Settings")))
            urns.update(u.upper() for u in split_list(row.get("SENCO at")))
            references.update(split_list(row.get("Caseload")))
        # The file's settings read once: their ids for the rows, the records for the new
        # memberships (the account audit names each setting, without a query a membership).
        self.settings_by_id = {s.pk: s for s in Setting.objects.filter(urn__in=urns)}
        self.setting_ids = {s.urn.upper(): pk for pk, s in self.settings_by_id.items()}
        # Only the references the file itself names, to link caseloads: nothing else about a
        # child is read here.
        self.child_ids = dict(
            Child.objects.filter(reference__in=references).values_list("reference", "pk")
        )
        if "Email" in headers:
            wanted = {str(r.get("Email") or "").strip().lower() for r in dataset.dict}
            self.emails = dict(
                User.objects.annotate(email_l=Lower("email"))
                .filter(email_l__in=wanted - {""})
                .values_list("email_l", "username")
            )
        names = [str(r.get("Username") or "").strip() for r in dataset.dict]
        self.admins = (
            set(
                User.objects.filter(username__in=names)
                .filter(is_staff=True)
                .values_list("username", flat=True)
            )
            | set(
                User.objects.filter(username__in=names)
                .filter(is_superuser=True)
                .values_list("username", flat=True)
            )
            | set(
                User.objects.filter(username__in=names, role=Role.ADMIN).values_list(
                    "username", flat=True
                )
            )
        )
        self.note_duplicates(dataset, "Username", "username", "Username")
        self.note_duplicates(dataset, "Email", "email", "Email")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        username = str(row.get("Username") or "").strip()
        errors: dict[str, list[str]] = defaultdict(list)
        if username in self.admins:
            raise ValidationError(
                {
                    "username": f"'{username}' is a staff admin or service administrator "
                    "account: change it in the staff admin, not by import"
                }
            )
        wanted: dict[str, Any] = {"settings": None, "senco": set(), "caseload": None}
        if "Settings" in row or "SENCO at" in row:
            given = [u.upper() for u in split_list(row.get("Settings"))]
            senco = [u.upper() for u in split_list(row.get("SENCO at"))]
            unknown = [u for u in dict.fromkeys(given + senco) if u not in self.setting_ids]
            for urn in unknown:
                errors["settings"].append(f"No setting has the URN '{urn}'")
            wanted["settings"] = {self.setting_ids[u] for u in given + senco if u not in unknown}
            wanted["senco"] = {self.setting_ids[u] for u in senco if u not in unknown}
        if "Caseload" in row:
            references = split_list(row.get("Caseload"))
            for reference in references:
                if reference not in self.child_ids:
                    errors["caseload"].append(f"No child has the reference '{reference}'")
            wanted["caseload"] = {self.child_ids[r] for r in references if r in self.child_ids}
        try:
            wanted["since"] = (
                parse_uk_date(row.get("Caseload since"), "Caseload since") or timezone.localdate()
            )
        except ValidationError as error:
            errors["caseload_since"].append(error.messages[0])
        if errors:
            raise ValidationError(dict(errors))
        self.wanted[row.get("line")] = wanted

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        new = instance.pk is None
        if new and not instance.password:
            instance.set_unusable_password()
        email = (instance.email or "").strip().lower()
        if new and not email and "email" not in errors:
            errors.setdefault("email", []).append(
                ValidationError(
                    "Enter an email address: the invitation to set a password is sent there"
                )
            )
        elif email and self.emails.get(email, instance.username) != instance.username:
            errors.setdefault("email", []).append(
                ValidationError(f"Another account ({self.emails[email]}) uses this email address")
            )
        wanted = self.wanted.get(row.get("line"), {})
        role = instance.role
        if wanted.get("settings") and role != Role.PRACTITIONER:
            errors.setdefault("settings", []).append(
                ValidationError(
                    f"Only nursery practitioners work at settings: leave Settings blank for a "
                    f"{Role(role).label.lower()}"
                )
            )
        if wanted.get("caseload") and role != Role.PORTAGE_WORKER:
            errors.setdefault("caseload", []).append(
                ValidationError("Only portage workers have a caseload: leave Caseload blank")
            )
        if not new and not errors:
            try:
                accounts.review(self.user, instance, self.guarded(instance, wanted))
            except accounts.AccountRuleBroken as error:
                errors.setdefault("role", []).append(ValidationError(str(error)))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def guarded(instance: User, wanted: dict[str, Any]) -> dict[str, Any]:
        """The row's values that the account rules guard (`earlyyears.accounts`)."""
        values = {"email": instance.email, "role": instance.role, "is_active": instance.is_active}
        if wanted.get("settings") is not None:
            values["settings"] = [(s, s in wanted["senco"]) for s in wanted["settings"]]
        if wanted.get("caseload") is not None:
            values["caseload"] = list(wanted["caseload"])
        return values

    def error_labels(self):
        labels = super().error_labels()
        labels.update({"settings": "Settings", "caseload": "Caseload"})
        labels["caseload_since"] = "Caseload since"
        return labels

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The username's uniqueness without a query a row: an existing account is found by
        the instance loader (all read once) and updated; staff admins' and administrators'
        usernames are refused by name (`before_import_row`); a username twice in the file is
        an error on the later row (`note_duplicates`). The database's constraint still holds:
        a row it refuses is that row's error, and the row's savepoint undoes it."""
        super().validate_instance(instance, import_validation_errors, validate_unique=False)

    def _save_settings(self, instance: User, is_create: bool, wanted: dict[str, Any]) -> None:
        """The account's settings as the row gives them. Each membership is saved on its own
        (its signals write the account audit); a new account has none to compare, and an
        existing one's were read with it (`get_queryset`), not once a setting."""
        current: dict[int, SettingMembership] = {}
        if not is_create:
            SettingMembership.objects.filter(user=instance).exclude(
                setting_id__in=wanted["settings"]
            ).delete()
            current = {m.setting_id: m for m in instance.setting_memberships.all()}
        for setting_id in sorted(wanted["settings"]):
            senco = setting_id in wanted["senco"]
            membership = current.get(setting_id)
            if membership is None:
                SettingMembership.objects.create(
                    user=instance, setting=self.settings_by_id[setting_id], is_senco=senco
                )
            elif membership.is_senco != senco:
                membership.is_senco = senco
                membership.save(update_fields=["is_senco"])

    def _save_caseload(self, instance: User, is_create: bool, wanted: dict[str, Any]) -> None:
        """The portage worker's caseload as the row gives it, as `_save_settings` does."""
        current: set[int] = set()
        if not is_create:
            CaseloadMembership.objects.filter(portage_worker=instance).exclude(
                child_id__in=wanted["caseload"]
            ).delete()
            current = {m.child_id for m in instance.caseload_memberships.all()}
        since = wanted.get("since") or timezone.localdate()
        for child_id in sorted(wanted["caseload"] - current):
            CaseloadMembership.objects.create(
                portage_worker=instance, child_id=child_id, since=since
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        # The memberships as the instance loader read them (`get_queryset` prefetches them), not
        # two queries a row: an account is on one row of a file, so nothing has changed them.
        wanted = self.wanted.get(row.get("line"), {})
        if wanted.get("settings") is not None:
            current = {(m.setting_id, m.is_senco) for m in instance.setting_memberships.all()}
            if current != {(s, s in wanted["senco"]) for s in wanted["settings"]}:
                return False
        if wanted.get("caseload") is not None:
            current = {m.child_id for m in instance.caseload_memberships.all()}
            if current != wanted["caseload"]:
                return False
        return True

    def save_instance(self, instance, is_create, row, **kwargs):
        """An account that can see children changes only when a SEND manager approves, as in
        the admins: the held part of the row waits, the rest is saved."""
        wanted = self.wanted.get(row.get("line"), {})
        result = None
        if not is_create:
            result = accounts.review(self.user, instance, self.guarded(instance, wanted))
            for key in result.held:
                if key in accounts.SCALAR_KEYS:
                    setattr(instance, key, result.before[key])
            wanted = {**wanted, **{k: None for k in ("settings", "caseload") if k in result.held}}
        super().save_instance(instance, is_create, row, **kwargs)
        if wanted.get("settings") is not None:
            self._save_settings(instance, is_create, wanted)
        if wanted.get("caseload") is not None:
            self._save_caseload(instance, is_create, wanted)
        if is_create:
            accounts.new_account_made(self.user, instance)
        elif result is not None:
            accounts.hold(self.user, instance, result)


# The resources the admin and the jobs know, by key -------------------------------------------


SPECS: dict[str, ResourceSpec] = {
    "areas": ResourceSpec(
        key="areas",
        label="areas",
        model=Area,
        resource_class=AreaResource,
        permission_model="area",
        guidance=(
            "One row for each area: its code, name, kind (county, district, locality or "
            "ward), the code of the area it is part of, and its under-5 population. A parent "
            "can be in the same file. Boundaries are loaded separately, with the command "
            "import_area_boundaries."
        ),
    ),
    "settings": ResourceSpec(
        key="settings",
        label="settings",
        model=Setting,
        resource_class=SettingResource,
        permission_model="setting",
        guidance=(
            "One row for each setting, by Ofsted URN. The headings of Ofsted's early years "
            "register work as they are (Provider URN, Provider name, Provider type, Provider "
            "subtype, address, town, postcode, Registration status). Add an 'Area code' column, "
            "or each setting takes the area of the other settings in its postcode district."
        ),
    ),
    "staff": ResourceSpec(
        key="staff",
        label="staff accounts",
        model=User,
        resource_class=StaffResource,
        permission_model="user",
        guidance=(
            "One row for each member of staff, by username, with their role. Settings and "
            "SENCO at list setting URNs; Caseload lists child references (portage workers), "
            "separated by semicolons. There are no passwords: each new account is emailed a "
            "link to set their own, which works once and expires."
        ),
    ),
}

for _key, _spec in SPECS.items():
    register(_key, _spec)

__all__ = ["SPECS", "AreaResource", "ResourceSpec", "SettingResource", "StaffResource"]
