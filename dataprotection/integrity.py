"""The service's own integrity checks, run on a restored backup (`make restore-check`) or on
the live database (`manage.py integrity_check`):

- every referral has the routes it was given and the events of its timeline (at least its
  submission);
- every stored file reference resolves in the file store it names;
- the audit trail is intact: no fewer rows and no lower highest id than the backup's manifest
  says it held, and (on PostgreSQL) the trigger that keeps it append-only is there.

`manifest` is written when the backup is taken (`manage.py integrity_check --write-manifest`),
so a restore that silently lost rows is caught, not only one that lost tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, FileField, Max, Q

from pathway.models import Referral, ReferralEvent

from .models import AccessEvent

# Tables whose row counts the manifest records and the check compares (not fewer after restore).
COUNTED = ("pathway.Referral", "pathway.ReferralEvent", "earlyyears.Child")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def manifest() -> dict[str, Any]:
    audit = AccessEvent.objects.aggregate(rows=Count("pk"), highest=Max("pk"))
    return {
        "audit_rows": audit["rows"],
        "audit_highest_id": audit["highest"] or 0,
        "counts": {label: apps.get_model(label).objects.count() for label in COUNTED},
    }


def check_referrals(report: Report) -> None:
    referrals = Referral.objects.annotate(
        route_count=Count("current_routes", distinct=True),
        submitted_count=Count(
            "events", filter=Q(events__kind=ReferralEvent.Kind.SUBMITTED), distinct=True
        ),
    )
    report.checked["referrals"] = referrals.count()
    for referral in referrals.filter(Q(route_count=0) | Q(submitted_count=0)).values(
        "reference", "route_count", "submitted_count"
    )[:50]:
        missing = [
            what
            for what, count in (
                ("routes", referral["route_count"]),
                ("events", referral["submitted_count"]),
            )
            if not count
        ]
        report.problems.append(f"Referral {referral['reference']} has no {' or '.join(missing)}")


def check_files(report: Report) -> None:
    checked = 0
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, FileField)]
        for file_field in fields:
            names = (
                model._default_manager.exclude(**{file_field.name: ""})
                .exclude(**{f"{file_field.name}__isnull": True})
                .values_list("pk", file_field.name)
            )
            for pk, name in names.iterator():
                checked += 1
                if not file_field.storage.exists(name):
                    report.problems.append(
                        f"{model._meta.label} {pk}: the file {file_field.name} is missing"
                    )
    report.checked["files"] = checked


def check_audit(report: Report, expected: dict[str, Any] | None) -> None:
    now = manifest()
    report.checked["audit rows"] = now["audit_rows"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = %s",
                ["dataprotection_accessevent_append_only"],
            )
            if not cursor.fetchone()[0]:
                report.problems.append("The audit trail's append-only trigger is missing")
    if not expected:
        return
    if now["audit_rows"] < expected["audit_rows"]:
        report.problems.append(
            f"The audit trail has {now['audit_rows']} rows; the backup had {expected['audit_rows']}"
        )
    if now["audit_highest_id"] < expected["audit_highest_id"]:
        report.problems.append("The audit trail's latest rows are missing")
    for label, count in expected.get("counts", {}).items():
        if now["counts"].get(label, 0) < count:
            report.problems.append(
                f"{label} has {now['counts'].get(label, 0)} rows; the backup had {count}"
            )


def run(expected: dict[str, Any] | None = None) -> Report:
    report = Report()
    check_referrals(report)
    check_files(report)
    check_audit(report, expected)
    return report
