"""Consent in one place (issue 22): the referral's share list and the portage paperwork's
consent become ConsentRecords, one per child and agency, with each statement in its history.

Where a child's statements differ (two referrals, or a referral and the portage paperwork), the
most recent decides for each agency: a later statement that does not name an agency is read as
not agreeing. That is the careful reading: nobody gains access by the move, and the history
keeps every statement. `SharingOverride` (a SEND manager's lawful basis) is not consent and is
not moved."""

from __future__ import annotations

from collections import defaultdict

from django.db import migrations

# The referral's ShareWith values, which the ConsentRecord agencies share one for one.
AGENCIES = ("send_team", "portage", "early_help", "health")


def plan_consent(referral_rows, paperwork_rows) -> dict:
    """{child_id: {agency: [(given, at, how, by_staff_id, on_behalf_of), ...]}}: the changes
    for each child and agency, oldest first, one for each statement that changed the answer.
    Rows are dicts: referrals with child_id, share_with, at, by_id, given_by; paperwork with
    child_id, consent_to_share, at, by_id, given_by."""
    statements = defaultdict(list)
    for row in referral_rows:
        statements[row["child_id"]].append(
            (row["at"], "referral_form", set(row["share_with"] or []), row)
        )
    for row in paperwork_rows:
        statements[row["child_id"]].append(
            (row["at"], "portage_paperwork", set(row["consent_to_share"] or []), row)
        )
    plan = {}
    for child_id, said in statements.items():
        said.sort(key=lambda s: s[0])
        per_agency = {}
        for agency in AGENCIES:
            changes, current = [], False
            for at, how, agreed, row in said:
                given = agency in agreed
                if given != current:
                    changes.append((given, at, how, row["by_id"], (row["given_by"] or "")[:200]))
                    current = given
            per_agency[agency] = changes
        plan[child_id] = per_agency
    return plan


def write_consent(plan, ConsentRecord, ConsentChange, asked_at) -> int:
    """Write the plan: a record for every agency the family was asked about (given as the last
    change says, or not agreed), and its history. Returns the number of records written."""
    written = 0
    for child_id, per_agency in plan.items():
        for agency, changes in per_agency.items():
            last = changes[-1] if changes else None
            record, created = ConsentRecord.objects.get_or_create(
                child_id=child_id,
                agency=agency,
                defaults={
                    "given": bool(last and last[0]),
                    "changed_at": last[1] if last else asked_at,
                },
            )
            if not created:
                continue  # already recorded in the new way: never overwritten by the move
            written += 1
            ConsentChange.objects.bulk_create(
                ConsentChange(
                    record=record,
                    given=given,
                    at=at,
                    how=how,
                    by_staff_id=by_id,
                    on_behalf_of=given_by,
                )
                for given, at, how, by_id, given_by in changes
            )
    return written


def forwards(apps, schema_editor):
    from django.utils import timezone

    Referral = apps.get_model("pathway", "Referral")
    FamilyPaperwork = apps.get_model("pathway", "FamilyPaperwork")
    ConsentRecord = apps.get_model("pathway", "ConsentRecord")
    ConsentChange = apps.get_model("pathway", "ConsentChange")
    referrals = (
        {
            "child_id": r["child_id"],
            "share_with": r["share_with"],
            "at": r["submitted_at"],
            "by_id": r["submitted_by_id"],
            "given_by": r["consent_given_by"],
        }
        for r in Referral.objects.values(
            "child_id", "share_with", "submitted_at", "submitted_by_id", "consent_given_by"
        ).iterator()
    )
    paperwork = (
        {
            "child_id": p["child_id"],
            "consent_to_share": p["consent_to_share"],
            "at": p["updated_at"],
            "by_id": p["recorded_by_id"],
            "given_by": p["completed_by"],
        }
        for p in FamilyPaperwork.objects.values(
            "child_id", "consent_to_share", "updated_at", "recorded_by_id", "completed_by"
        ).iterator()
    )
    write_consent(plan_consent(referrals, paperwork), ConsentRecord, ConsentChange, timezone.now())


class Migration(migrations.Migration):
    dependencies = [("pathway", "0026_case_reviews")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
