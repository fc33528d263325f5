"""Referrals out, for reporting and planning.

The default export is pseudonymised: no names, NHS number, date of birth or postcode. The child
is a stable pseudonymous key (an HMAC of the child's id under EXPORT_PSEUDONYM_KEY, so the same
child has the same key in every export while the key is unchanged, and nobody without the key
can work back to the child), age is a band at the time of referral, the home is the area code,
and the referral date is the month. The full export (names, date of birth, postcode) is for a
SEND team manager only, and even there a postcode the SEND team marked as not to be disclosed
is "Withheld": a file leaves the service. Every export is recorded in the audit of imports and
exports.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from import_export import resources
from import_export.fields import Field

from earlyyears.bulk.services import audit
from earlyyears.dates import age_in_months, uk_date
from earlyyears.exports import render_dataset
from earlyyears.models import ImportExportAudit, Setting
from earlyyears.needs import BroadAreaOfNeed
from earlyyears.roles import EXPORT_ROLES, FULL_EXPORT_ROLES
from earlyyears.safeguarding import child_flags, postcode_for_sharing
from pathway.access import referrals_for
from pathway.models import Referral, Route

PSEUDONYMISED = "pseudonymised"
FULL = "full"
AGE_BANDS = (
    (12, "Under 1 year"),
    (24, "1 year"),
    (36, "2 years"),
    (48, "3 years"),
    (60, "4 years"),
)


def can_export(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in EXPORT_ROLES)


def can_export_full(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in FULL_EXPORT_ROLES)


def pseudonym_key() -> str:
    return getattr(settings, "EXPORT_PSEUDONYM_KEY", "") or settings.SECRET_KEY


def pseudonym(kind: str, pk: int) -> str:
    """A stable key for a record that cannot be turned back into its id without the secret."""
    digest = salted_hmac(f"pathway.exports.{kind}", str(pk), secret=pseudonym_key())
    return digest.hexdigest()[:20]


def age_band(date_of_birth: datetime.date, on: datetime.date) -> str:
    months = age_in_months(date_of_birth, on)
    for below, label in AGE_BANDS:
        if months < below:
            return label
    return "5 years or older"


def _labels(codes, choices) -> str:
    names = dict(choices)
    return "; ".join(names.get(code, code) for code in codes or [])


class PseudonymisedReferralResource(resources.ModelResource):
    """One row a referral, with nothing that names or locates a child."""

    referral_key = Field(column_name="Referral key")
    child_key = Field(column_name="Child key")
    month_referred = Field(column_name="Month referred")
    age_band = Field(column_name="Age band at referral")
    area_code = Field(column_name="Area code")
    area_name = Field(column_name="Area")
    setting_type = Field(column_name="Setting type")
    source = Field(column_name="How it came in")
    status = Field(column_name="Status")
    routes = Field(column_name="Routes")
    needs = Field(column_name="Broad areas of need")
    ehc_requested = Field(column_name="EHC needs assessment requested")

    class Meta:
        model = Referral
        fields = (
            "referral_key",
            "child_key",
            "month_referred",
            "age_band",
            "area_code",
            "area_name",
            "setting_type",
            "source",
            "status",
            "routes",
            "needs",
            "ehc_requested",
        )
        export_order = fields

    def dehydrate_referral_key(self, referral: Referral) -> str:
        return pseudonym("referral", referral.pk)

    def dehydrate_child_key(self, referral: Referral) -> str:
        return pseudonym("child", referral.child_id)

    def dehydrate_month_referred(self, referral: Referral) -> str:
        return timezone.localtime(referral.submitted_at).strftime("%m/%Y")

    def dehydrate_age_band(self, referral: Referral) -> str:
        on = timezone.localtime(referral.submitted_at).date()
        return age_band(referral.child.date_of_birth, on)

    def dehydrate_area_code(self, referral: Referral) -> str:
        return referral.area.code

    def dehydrate_area_name(self, referral: Referral) -> str:
        return referral.area.name

    def dehydrate_setting_type(self, referral: Referral) -> str:
        if referral.setting is None:
            return ""
        return Setting.ProviderType(referral.setting.provider_type).label

    def dehydrate_source(self, referral: Referral) -> str:
        return referral.get_source_display()

    def dehydrate_status(self, referral: Referral) -> str:
        return referral.get_status_display()

    def dehydrate_routes(self, referral: Referral) -> str:
        return _labels(referral.routes, Route.choices)

    def dehydrate_needs(self, referral: Referral) -> str:
        return _labels(referral.broad_areas_of_need, BroadAreaOfNeed.choices)

    def dehydrate_ehc_requested(self, referral: Referral) -> str:
        return "Yes" if referral.ehc_assessment_requested else "No"


class FullReferralResource(PseudonymisedReferralResource):
    """The same, with who the child is: for a SEND team manager only."""

    reference = Field(column_name="Reference")
    date_referred = Field(column_name="Date referred")
    child_reference = Field(column_name="Child reference")
    first_name = Field(column_name="First name")
    last_name = Field(column_name="Last name")
    date_of_birth = Field(column_name="Date of birth")
    postcode = Field(column_name="Postcode")
    safeguarding = Field(column_name="Safeguarding flags")
    setting_name = Field(column_name="Setting")
    setting_urn = Field(column_name="Setting URN")

    class Meta:
        model = Referral
        fields = (
            "reference",
            "date_referred",
            "child_reference",
            "first_name",
            "last_name",
            "date_of_birth",
            "postcode",
            "safeguarding",
            "age_band",
            "area_code",
            "area_name",
            "setting_name",
            "setting_urn",
            "setting_type",
            "source",
            "status",
            "routes",
            "needs",
            "ehc_requested",
        )
        export_order = fields

    def dehydrate_reference(self, referral: Referral) -> str:
        return referral.reference or ""

    def dehydrate_date_referred(self, referral: Referral) -> str:
        return uk_date(timezone.localtime(referral.submitted_at).date())

    def dehydrate_child_reference(self, referral: Referral) -> str:
        return referral.child.reference

    def dehydrate_first_name(self, referral: Referral) -> str:
        return referral.child.first_name

    def dehydrate_last_name(self, referral: Referral) -> str:
        return referral.child.last_name

    def dehydrate_date_of_birth(self, referral: Referral) -> str:
        return uk_date(referral.child.date_of_birth)

    def dehydrate_postcode(self, referral: Referral) -> str:
        return postcode_for_sharing(referral.child)

    def dehydrate_safeguarding(self, referral: Referral) -> str:
        """The file may be passed on: whoever reads it must know how to handle the child."""
        return "; ".join(flag.label for flag in child_flags(referral.child))

    def dehydrate_setting_name(self, referral: Referral) -> str:
        return referral.setting.name if referral.setting else ""

    def dehydrate_setting_urn(self, referral: Referral) -> str:
        return referral.setting.urn if referral.setting else ""


def referrals_for_export(
    user, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet[Referral]:
    """The user's referrals (through the access layer) submitted between the two dates."""
    referrals = referrals_for(user).select_related("child", "area", "setting")
    if date_from:
        referrals = referrals.filter(submitted_at__date__gte=date_from)
    if date_to:
        referrals = referrals.filter(submitted_at__date__lte=date_to)
    return referrals.order_by("submitted_at", "pk")


def export_referrals(
    user,
    *,
    kind: str = PSEUDONYMISED,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    file_format: str = "csv",
) -> tuple[bytes, str, str]:
    """The file, its content type and its name; the export is audited."""
    if not can_export(user) or (kind == FULL and not can_export_full(user)):
        raise PermissionDenied
    resource_class = FullReferralResource if kind == FULL else PseudonymisedReferralResource
    dataset = resource_class().export(referrals_for_export(user, date_from, date_to))
    content, content_type = render_dataset(dataset, file_format)
    name = f"referrals-{kind}-{timezone.localdate().isoformat()}.{file_format}"
    audit(
        user=user,
        resource="referrals",
        direction=ImportExportAudit.Direction.EXPORT,
        file_name=name,
        rows_total=len(dataset),
        detail={
            "kind": kind,
            "format": file_format,
            "from": date_from.isoformat() if date_from else "",
            "to": date_to.isoformat() if date_to else "",
        },
    )
    return content, content_type, name
