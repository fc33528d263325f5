"""django-import-export resources: completions out, face-to-face attendance in."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from import_export import resources
from import_export.fields import Field
from import_export.widgets import DateWidget, ForeignKeyWidget

from earlyyears.dates import UK_DATE, uk_date
from earlyyears.models import Role, User, display_name

from .models import LEARNER_ROLES, Completion, TrainingModulePage


class CompletionExportResource(resources.ModelResource):
    """Every completion, one row each, with dates in UK format and no live formulae."""

    username = Field(column_name="Username")
    email = Field(column_name="Email")
    name = Field(column_name="Name")
    settings = Field(column_name="Settings")
    module_title = Field(column_name="Module")
    module_slug = Field(column_name="Module slug")
    completed = Field(column_name="Completed on")
    renew_by_date = Field(column_name="Renew by")
    source_label = Field(column_name="How")
    certificate = Field(column_name="Certificate")

    class Meta:
        model = Completion
        fields = (
            "username",
            "email",
            "name",
            "settings",
            "module_title",
            "module_slug",
            "completed",
            "renew_by_date",
            "source_label",
            "certificate",
        )
        export_order = fields

    def dehydrate_username(self, completion: Completion) -> str:
        return completion.user.username

    def dehydrate_email(self, completion: Completion) -> str:
        return completion.user.email

    def dehydrate_name(self, completion: Completion) -> str:
        return completion.user.get_full_name()

    def dehydrate_settings(self, completion: Completion) -> str:
        names = sorted(m.setting.name for m in completion.user.setting_memberships.all())
        return "; ".join(names)

    def dehydrate_module_title(self, completion: Completion) -> str:
        return completion.module_title

    def dehydrate_module_slug(self, completion: Completion) -> str:
        return completion.module.slug if completion.module else ""

    def dehydrate_completed(self, completion: Completion) -> str:
        return uk_date(completion.completed_at)

    def dehydrate_renew_by_date(self, completion: Completion) -> str:
        return uk_date(completion.renew_by)

    def dehydrate_source_label(self, completion: Completion) -> str:
        return completion.get_source_display()

    def dehydrate_certificate(self, completion: Completion) -> str:
        return completion.reference


class AttendanceResource(resources.ModelResource):
    """Attendance at face-to-face sessions, as completions.

    Takes a dataset already normalised by `training.importing` (columns `line`, `staff`,
    `module`, `date_attended`); `before_import` resolves each row to a person, a module and a
    date, and any row that does not resolve is a validation error on that row. A completion
    already recorded (same person, module and day) is skipped, so a file imports once."""

    user = Field(attribute="user", column_name="user", widget=ForeignKeyWidget(User))
    module = Field(
        attribute="module", column_name="module_id", widget=ForeignKeyWidget(TrainingModulePage)
    )
    completed_at = Field(
        attribute="completed_at", column_name="completed_at", widget=DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = Completion
        fields = ("user", "module", "completed_at")
        import_id_fields = ("user", "module", "completed_at")
        skip_unchanged = True
        report_skipped = True
        store_row_values = True
        use_transactions = True

    def __init__(self, today: datetime.date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.today = today or timezone.localdate()
        self.row_errors: dict[int, dict[str, list[str]]] = {}
        self.modules: dict[int, TrainingModulePage] = {}

    # Resolving the rows -------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        people = self._people(dataset["staff"])
        self.modules = {m.pk: m for m in TrainingModulePage.objects.order_by("path")}
        users, modules, dates, names, titles, renewals = [], [], [], [], [], []
        for number, row in enumerate(dataset.dict, 1):
            errors: dict[str, list[str]] = {}
            user, error = self._person(row["staff"], people)
            if error:
                errors["staff"] = [error]
            module, error = self._module(row["module"])
            if error:
                errors["module"] = [error]
            day, error = self._date(row["date_attended"])
            if error:
                errors["date_attended"] = [error]
            if errors:
                self.row_errors[number] = errors
            users.append(user.pk if user else "")
            names.append(display_name(user, nobody=""))
            modules.append(module.pk if module else "")
            dates.append(day.isoformat() if day else "")
            # What the preview shows will be saved: the module's title and the renewal date.
            titles.append(module.title if module else "")
            renewals.append(module.renew_by_for(day) if module and day else None)
        dataset.append_col(users, header="user")
        dataset.append_col(modules, header="module_id")
        dataset.append_col(dates, header="completed_at")
        dataset.append_col(names, header="person")
        dataset.append_col(titles, header="module_title")
        dataset.append_col(renewals, header="renew_by")

    def before_import_row(self, row, **kwargs):
        errors = self.row_errors.get(kwargs["row_number"])
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        module = self.modules.get(instance.module_id) or instance.module
        instance.module_title = module.title
        instance.renew_by = module.renew_by_for(instance.completed_at)
        instance.source = Completion.Source.FACE_TO_FACE
        user = kwargs.get("user")
        instance.recorded_by = user if getattr(user, "pk", None) else None

    @staticmethod
    def _people(values) -> dict[str, list[User]]:
        """Everyone a cell could name, by username and by lower-cased email, in one query."""
        wanted = {str(v).strip() for v in values if v}
        lowered = {v.lower() for v in wanted}
        found: dict[str, list[User]] = {}
        for user in User.objects.annotate(email_l=Lower("email")).filter(
            Q(username__in=wanted) | Q(email_l__in=lowered)
        ):
            found.setdefault(f"u:{user.username}", []).append(user)
            if user.email:
                found.setdefault(f"e:{user.email.lower()}", []).append(user)
        return found

    @staticmethod
    def _person(value, people) -> tuple[User | None, str | None]:
        value = str(value or "").strip()
        if not value:
            return None, "Enter the email address or username of the member of staff"
        matches = people.get(f"u:{value}") or people.get(f"e:{value.lower()}") or []
        if not matches:
            return None, f"No member of staff has the email address or username '{value}'"
        if len(matches) > 1:
            return (
                None,
                f"More than one member of staff has the email address '{value}': "
                "use their username",
            )
        user = matches[0]
        if not user.is_active:
            return None, f"The account '{value}' has been switched off"
        if user.role not in LEARNER_ROLES:
            return (
                None,
                f"'{value}' is a {Role(user.role).label.lower()}, who does not take training",
            )
        return user, None

    def _module(self, value) -> tuple[TrainingModulePage | None, str | None]:
        value = str(value or "").strip()
        if not value:
            return None, "Enter the module's slug or title"
        for module in self.modules.values():
            if module.slug == value:
                return module, None
        titled = [m for m in self.modules.values() if m.title.casefold() == value.casefold()]
        if len(titled) == 1:
            return titled[0], None
        if titled:
            return None, f"More than one module is called '{value}': use its slug"
        return None, f"There is no module with the slug or title '{value}'"

    def _date(self, value) -> tuple[datetime.date | None, str | None]:
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        else:
            text = str(value or "").strip()
            if not text:
                return None, "Enter the date attended"
            try:
                day = datetime.datetime.strptime(text, UK_DATE).date()
            except ValueError:
                return None, (
                    f"Date attended must be a real date written as day/month/year, "
                    f"for example 14/03/2026 (not '{text}')"
                )
        if day > self.today:
            return None, "Date attended must be today or in the past"
        if day.year < 2000:
            return None, "Date attended must be in 2000 or later"
        return day, None
