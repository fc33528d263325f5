"""Changes for the SEN2 return: the items the SEND team records for it, and producing an
extract (kept, never changed, through the storage API like every file)."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from earlyyears.exports import csv_bytes
from earlyyears.models import Role, User, display_name
from pathway.models import EhcRequest, ReferralEvent, Sen2Extract, SenNeed
from pathway.sen2.selectors import MODULES, build_return, may_use
from pathway.timeline import record_event

DETAIL_FIELDS = ("sex", "ethnicity", "upn", "upn_unknown", "setting_school_urn")


class ExtractRefused(Exception):
    """The extract cannot be produced as asked; the words say why and what to do."""


@transaction.atomic
def record_details(
    user: User,
    ehc: EhcRequest,
    *,
    primary_need: str,
    secondary_need: str = "",
    **values: str,
) -> EhcRequest:
    if not may_use(user):
        raise PermissionDenied
    ehc = EhcRequest.objects.select_for_update().get(pk=ehc.pk)
    for name in DETAIL_FIELDS:
        setattr(ehc, name, values.get(name, "") or "")
    if ehc.upn:
        ehc.upn_unknown = ""
    ehc.full_clean()
    ehc.save(update_fields=list(DETAIL_FIELDS))
    wanted = {SenNeed.Rank.PRIMARY: primary_need, SenNeed.Rank.SECONDARY: secondary_need}
    for rank, sen_type in wanted.items():
        if sen_type:
            SenNeed.objects.update_or_create(
                ehc=ehc, rank=rank, defaults={"sen_type": sen_type, "recorded_by": user}
            )
        else:
            SenNeed.objects.filter(ehc=ehc, rank=rank).delete()
    record_event(
        ehc.referral,
        ReferralEvent.Kind.CHILD_RECORD,
        user,
        f"Details for the SEN2 return recorded by {display_name(user)}",
    )
    return ehc


def zip_of(tables: dict[str, list[dict[str, str]]]) -> bytes:
    """One CSV a module, named as COLLECT's tables are, formulae neutralised."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in MODULES.items():
            rows = [columns, *([row.get(column, "") for column in columns] for row in tables[name])]
            archive.writestr(f"{name}.csv", csv_bytes(rows, bom=False))
    return buffer.getvalue()


@transaction.atomic
def produce_extract(user: User, collection_year: int, reason: str = "") -> Sen2Extract:
    """Produce and keep the extract. With problems left, only a SEND manager may, and only with
    a reason, which is kept with it."""
    if not may_use(user):
        raise PermissionDenied
    built = build_return(collection_year)
    reason = reason.strip()
    if built.problems:
        if user.role != Role.SEND_MANAGER:
            raise ExtractRefused(
                "Fix the problems listed first. A SEND manager can produce the extract with "
                "problems left, giving a reason."
            )
        if not reason:
            raise ExtractRefused("Say why the extract is produced with problems left")
    extract = Sen2Extract(
        collection_year=collection_year,
        reference_date=built.reference_date,
        produced_by=user,
        produced_at=timezone.now(),
        counts=built.counts,
        problems=[problem.__dict__ for problem in built.problems],
        reason=reason if built.problems else "",
    )
    extract.file.save(
        f"sen2-{collection_year}-{timezone.localtime():%Y%m%d%H%M%S}.zip",
        ContentFile(zip_of(built.tables)),
        save=False,
    )
    extract.save()
    return extract
