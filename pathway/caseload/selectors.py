"""Reads for the caseload import: who may use it, and their own import jobs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from earlyyears.access import AnyUser
from earlyyears.models import ImportJob, Role

from .services import KINDS


def may_import(user: AnyUser) -> bool:
    """Only a SEND manager brings records in: an import writes to every child it names."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", None) == Role.SEND_MANAGER
    )


def jobs_for(user: AnyUser) -> QuerySet[ImportJob]:
    """The user's own caseload imports, newest first (a report names children, so nobody sees
    another person's)."""
    if not may_import(user):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user, resource__in=list(KINDS)).defer("content")


def job_for(user: AnyUser, job_id: int) -> ImportJob:
    job = jobs_for(user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def problem_rows(report: dict, labels: list[str]) -> list[dict]:
    """Each problem with its row, the column it is in (when the message names one) and the
    message, which says what is wrong and how to put it right."""
    by_length = sorted(labels, key=len, reverse=True)
    rows = []
    for row in report.get("rows", []):
        for error in row.get("errors", []):
            column, message = "", error
            named = [label for label in by_length if error.startswith(label + ": ")]
            if named:
                column, message = named[0], error[len(named[0]) + 2 :]
            else:
                column = next((x for x in by_length if x.lower() in error.lower()), "")
            rows.append(
                {
                    "line": row.get("line"),
                    "record": row.get("summary", ""),
                    "column": column,
                    "message": message[:1].upper() + message[1:],
                }
            )
    return rows
