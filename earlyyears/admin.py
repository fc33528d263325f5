"""Staff admin for accounts and places. Child records are deliberately not registered here:
they are reached only through the service's own pages and the access layer."""

import django_otp.plugins.otp_static.admin
import django_otp.plugins.otp_totp.admin  # noqa: F401 - registered first, so replaced below
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .accounts import services as accounts
from .accounts.selectors import LABELS
from .bulk import services as imports
from .bulk.resources import SPECS
from .models import (
    Area,
    ImportExportAudit,
    ImportJob,
    MessageTemplate,
    Setting,
    SettingMembership,
    User,
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="CSV (UTF-8, or Windows-1252 as older Excel saves it) or Excel .xlsx.",
        error_messages={"required": "Choose a file", "empty": "The chosen file is empty"},
    )


class ApplyForm(forms.Form):
    mode = forms.ChoiceField(
        label="How to apply the file",
        choices=ImportJob.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to apply the file"},
    )


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label="File type",
        choices=[("csv", "CSV"), ("xlsx", "Excel workbook (.xlsx)")],
        initial="csv",
        widget=forms.RadioSelect,
    )


class BulkDataMixin:
    """Import (with a dry-run preview) and export pages for one resource, on the model's own
    admin. Each needs the resource's own permission (earlyyears.import_<model> /
    export_<model>), which the "Data officers" group has."""

    bulk_key = ""
    change_list_template = "earlyyears/bulk/change_list.html"

    @property
    def spec(self):
        return SPECS[self.bulk_key]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path(
                "import/template/",
                wrap(self.template_view),
                name=f"{prefix}_import_template",
            ),
            path("import/<int:job_id>/", wrap(self.job_view), name=f"{prefix}_import_job"),
            path("export/", wrap(self.export_view), name=f"{prefix}_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perm(self.spec.import_permission),
            "can_export": request.user.has_perm(self.spec.export_permission),
            "import_url": reverse(self._url_name("import")),
            "export_url": reverse(self._url_name("export")),
        }
        return super().changelist_view(request, extra_context)

    def _url_name(self, what: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{what}"

    def _context(self, request, title: str, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "spec": self.spec,
            "changelist_url": reverse(self._url_name("changelist")),
            "import_url": reverse(self._url_name("import")),
            "template_url": reverse(self._url_name("import_template")),
            **extra,
        }

    def _require(self, request, permission: str) -> None:
        if not request.user.has_perm(permission):
            raise PermissionDenied

    def import_view(self, request):
        self._require(request, self.spec.import_permission)
        form = UploadForm(request.POST or None, request.FILES or None)
        file_error = ""
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.max_bytes():
                form.add_error("file", "The chosen file is too big")
            else:
                try:
                    job = imports.start_import(
                        request.user, self.spec.key, upload.name, upload.read()
                    )
                except imports.ImportFileError as error:
                    file_error = str(error)
                    form.add_error("file", file_error)
                else:
                    return redirect(self._url_name("import_job"), job.pk)
        return TemplateResponse(
            request,
            "earlyyears/bulk/upload.html",
            self._context(
                request,
                f"Import {self.spec.label}",
                form=form,
                columns=self.spec.columns,
                async_rows=imports.async_rows(),
            ),
            status=400 if file_error else 200,
        )

    def template_view(self, request):
        self._require(request, self.spec.import_permission)
        response = HttpResponse(self.spec.template_csv(), content_type=imports.CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{self.spec.key}-template.csv"'
        return response

    def job_view(self, request, job_id: int):
        """The check's progress, then the preview and the choice of how to apply it, then
        what happened. Only the person who uploaded the file sees it."""
        self._require(request, self.spec.import_permission)
        job = ImportJob.objects.filter(
            pk=job_id, resource=self.spec.key, created_by=request.user
        ).first()
        if job is None:
            raise Http404
        form = ApplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = imports.request_apply(job, form.cleaned_data["mode"])
            except imports.ApplyRefused as error:
                messages.error(request, str(error))
            else:
                if job.status == ImportJob.Status.APPLIED:
                    report = job.applied_report
                    messages.success(
                        request,
                        f"Imported {job.file_name}: {report.get('new', 0)} new, "
                        f"{report.get('updated', 0)} updated, {report.get('skipped', 0)} "
                        f"unchanged, {report.get('invalid', 0)} left out.",
                    )
            return redirect(self._url_name("import_job"), job.pk)
        report = job.applied_report if job.applied_report else job.report
        problems = [row for row in report.get("rows", []) if row.get("errors")]
        return TemplateResponse(
            request,
            "earlyyears/bulk/job.html",
            self._context(
                request,
                f"Import {self.spec.label}: {job.file_name}",
                job=job,
                report=report,
                problems=problems,
                form=form,
                refresh_seconds=3 if job.is_running else None,
            ),
        )

    def export_view(self, request):
        self._require(request, self.spec.export_permission)
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            content, content_type, name = imports.export_file(
                self.spec, request.user, form.cleaned_data["file_format"]
            )
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return TemplateResponse(
            request,
            "earlyyears/bulk/export.html",
            self._context(request, f"Export {self.spec.label}", form=form),
        )


class SettingMembershipInline(admin.TabularInline):
    """Nobody changes their own settings: they decide whose children a practitioner sees."""

    model = SettingMembership
    extra = 0
    autocomplete_fields = ["setting"]

    def _own(self, request, obj) -> bool:
        return obj is not None and obj.pk == request.user.pk

    def has_add_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_delete_permission(request, obj)


class NewAccountForm(forms.ModelForm):
    """No password: the new member of staff sets their own from an emailed link."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "job_title"]


class AccountForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].help_text = (
                "Administrators do not set passwords. To let someone choose a new one, tick "
                "them in the list of users and choose \u201cSend a link to set a new "
                "password\u201d."
            )


@admin.register(User)
class UserAdmin(BulkDataMixin, BaseUserAdmin):
    """Accounts follow `earlyyears.accounts`: no administrator sets a password or sees an
    authenticator's secret, a change to anyone who can see children waits for a SEND manager,
    and nobody changes their own access."""

    bulk_key = "staff"
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role in the service", {"fields": ["role", "job_title", "organisation"]}),
    ]
    form = AccountForm
    add_form = NewAccountForm
    add_fieldsets = [(None, {"fields": NewAccountForm.Meta.fields})]
    inlines = [SettingMembershipInline]
    actions = ["send_password_reset_links", "remove_authenticators"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += sorted(accounts.PRIVILEGE_KEYS - {"settings", "caseload"})
        return fields

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        messages.error(
            request,
            "Administrators do not set passwords. Send a link to set a new password instead: "
            "it goes to the email address the account has now.",
        )
        return redirect(reverse("admin:earlyyears_user_change", args=[user.pk]))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
            super().save_model(request, obj, form, change)
            return
        proposed = {
            key: form.cleaned_data[key]
            for key in (*accounts.SCALAR_KEYS, *accounts.MANY_KEYS)
            if key in form.cleaned_data
        }
        try:
            result = accounts.review(request.user, obj, proposed)
        except accounts.AccountRuleBroken as error:
            raise PermissionDenied(str(error)) from error
        for key in result.held:
            if key in accounts.SCALAR_KEYS:
                setattr(obj, key, result.before[key])
        request.account_review = result
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            if accounts.new_account_made(request.user, form.instance):
                messages.warning(
                    request,
                    f"{form.instance.username} can see children's records, so they cannot sign "
                    "in until a SEND team manager approves the new account. Then they are "
                    "emailed a link to set their password.",
                )
            return
        result = request.account_review
        guarded = accounts.sees_children(result.before["role"]) or accounts.sees_children(
            result.proposed["role"]
        )
        for key in accounts.MANY_KEYS:
            if key in result.held:
                form.cleaned_data[key] = result.before[key]
        form.save_m2m()
        for formset in formsets:
            if formset.model is SettingMembership and guarded:
                wanted = [
                    (f.cleaned_data["setting"], f.cleaned_data.get("is_senco", False))
                    for f in formset.forms
                    if f.cleaned_data.get("setting") and not f.cleaned_data.get("DELETE")
                ]
                settings = accounts.normalise({"settings": wanted})["settings"]
                if settings != result.before["settings"]:
                    result.held["settings"] = settings
                    result.proposed["settings"] = settings
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            else:
                self.save_formset(request, form, formset, change=change)
        if accounts.hold(request.user, form.instance, result):
            labels = ", ".join(LABELS[key].lower() for key in result.held)
            messages.warning(
                request,
                f"The change to {labels} waits for a SEND team manager to approve it. "
                f"{form.instance.username}'s email address has been told.",
            )

    @admin.action(description="Send a link to set a new password", permissions=["change"])
    def send_password_reset_links(self, request, queryset):
        sent, missing = 0, []
        for user in queryset:
            try:
                accounts.send_password_reset(request.user, user)
                sent += 1
            except accounts.AccountRuleBroken:
                missing.append(user.username)
        messages.success(request, f"Sent {sent} link{'s' if sent != 1 else ''} to set a password.")
        if missing:
            messages.error(request, f"No email address for: {', '.join(missing)}.")

    @admin.action(
        description="Remove authenticator app (they set up a new one at their next sign-in)",
        permissions=["change"],
    )
    def remove_authenticators(self, request, queryset):
        removed = sum(1 for user in queryset if accounts.remove_authenticator(user))
        messages.success(
            request,
            f"Removed the authenticator app of {removed} account{'s' if removed != 1 else ''}.",
        )


class DeviceAdmin(admin.ModelAdmin):
    """Authenticator apps and recovery codes can be listed and removed, nothing else: no page
    shows a secret key, a QR code or a recovery code after set-up."""

    list_display = ["user", "name", "confirmed"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = fields
    search_fields = ["user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
    admin.site.register(device_model, DeviceAdmin)


@admin.register(Area)
class AreaAdmin(BulkDataMixin, admin.ModelAdmin):
    bulk_key = "areas"
    list_display = ["code", "name", "kind", "parent", "under_5_population"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Setting)
class SettingAdmin(BulkDataMixin, admin.ModelAdmin):
    bulk_key = "settings"
    list_display = ["urn", "name", "provider_type", "postcode", "area", "registration_status"]
    list_filter = ["provider_type", "registration_status", "area"]
    search_fields = ["urn", "name", "postcode"]
    list_select_related = ["area"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """Editors change the words; messages must stay short and never name a child's needs."""

    list_display = ["key", "language", "body", "updated_at"]
    list_filter = ["key", "language"]
    readonly_fields = ["updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(ImportExportAudit)
class ImportExportAuditAdmin(admin.ModelAdmin):
    """Every preview, import and export: read-only, for data officers and auditors."""

    list_display = [
        "at",
        "username",
        "resource",
        "direction",
        "dry_run",
        "mode",
        "file_name",
        "rows_total",
        "rows_new",
        "rows_updated",
        "rows_skipped",
        "rows_invalid",
    ]
    list_filter = ["direction", "resource", "dry_run"]
    search_fields = ["username", "file_name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
