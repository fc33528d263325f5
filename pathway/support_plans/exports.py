"""A support plan out of the service: a JSON document with a published schema (PLAN_SCHEMA,
served at /support-plans/schema.json) and a tagged PDF, like the early help pack's.

The files leave the service, so they carry the child's safeguarding flags, no postcode and no
family contacts, and are named by the child's reference, never their name. Downloads are
recorded in the audit trail (export) and on the child's timeline. The schema is versioned:
fields may be added in a minor change; renaming or removing one raises PLAN_SCHEMA_VERSION."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from earlyyears.models import display_name
from earlyyears.safeguarding import child_flags
from earlyyears.templatetags.govuk_style import govuk_date as uk_date
from pathway.models import PlanCycle, SupportTier
from pathway.pdf import Look, TaggedPDF, file_part, unicode_font
from pathway.support_plans.selectors import PlanPage

PLAN_SCHEMA_VERSION = "1.0"

_CODED = {
    "type": "object",
    "required": ["code", "label"],
    "properties": {"code": {"type": "string"}, "label": {"type": "string"}},
    "additionalProperties": False,
}
_DATE = {"type": ["string", "null"], "format": "date"}
_DATETIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": "string"}
_CODED_OR_NULL = {"oneOf": [_CODED, {"type": "null"}]}

PLAN_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "support-plan",
    "title": "Support plan",
    "description": (
        "A child's SEN support plan in an early years setting: the tier of support, the "
        "outcomes sought, the help that meets them, and the assess, plan, do, review cycles. "
        "schema_version is MAJOR.MINOR: a minor change only adds optional fields."
    ),
    "type": "object",
    "required": ["schema", "schema_version", "generated_at", "authority", "child", "plan"],
    "properties": {
        "schema": {"const": "support-plan"},
        "schema_version": {"type": "string", "pattern": r"^\d+\.\d+$"},
        "generated_at": _DATETIME,
        "authority": _TEXT,
        "child": {
            "type": "object",
            "required": ["reference", "first_name", "last_name", "date_of_birth"],
            "properties": {
                "reference": _TEXT,
                "first_name": _TEXT,
                "last_name": _TEXT,
                "date_of_birth": _DATE,
                "safeguarding_flags": {"type": "array", "items": _CODED},
            },
        },
        "plan": {
            "type": "object",
            "required": ["tier", "version", "outcomes", "provision", "cycles", "history"],
            "properties": {
                "tier": _CODED,
                "setting": {"type": ["string", "null"]},
                "strengths": _TEXT,
                "version": {"type": "integer", "minimum": 1},
                "started_at": _DATETIME,
                "updated_at": _DATETIME,
                "seeded_from_concern": {"type": ["string", "null"]},
                "outcomes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "text", "by_when", "ended_at"],
                        "properties": {
                            "id": {"type": "integer"},
                            "text": _TEXT,
                            "by_when": _DATE,
                            "ended_at": _DATETIME,
                        },
                    },
                },
                "provision": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["what", "who", "how_often", "starts_on", "outcome_id"],
                        "properties": {
                            "what": _TEXT,
                            "who": _TEXT,
                            "how_often": _TEXT,
                            "starts_on": _DATE,
                            "outcome_id": {"type": ["integer", "null"]},
                        },
                    },
                },
                "cycles": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["number", "started_on", "review_due_on", "planned"],
                        "properties": {
                            "number": {"type": "integer", "minimum": 1},
                            "started_on": _DATE,
                            "review_due_on": _DATE,
                            "assess": _TEXT,
                            "planned": _TEXT,
                            "from_concern": {"type": ["string", "null"]},
                            "reviewed_on": _DATE,
                            "overall": _CODED_OR_NULL,
                            "review_notes": _TEXT,
                            "family_views": _TEXT,
                            "child_voice": _TEXT,
                            "progress": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["outcome_id", "progress"],
                                    "properties": {
                                        "outcome_id": {"type": "integer"},
                                        "progress": _CODED,
                                        "notes": _TEXT,
                                    },
                                },
                            },
                        },
                    },
                },
                "history": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["version", "saved_at", "saved_by", "summary"],
                        "properties": {
                            "version": {"type": "integer"},
                            "saved_at": _DATETIME,
                            "saved_by": _TEXT,
                            "summary": _TEXT,
                        },
                    },
                },
            },
        },
    },
}


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _coded(code: str, label: Any) -> dict[str, str]:
    return {"code": code, "label": str(label)}


def plan_json(page: PlanPage, generated_at: datetime.datetime | None = None) -> dict[str, Any]:
    """The plan as the documented structure (PLAN_SCHEMA)."""
    plan, child = page.plan, page.child
    assert plan is not None
    return {
        "schema": "support-plan",
        "schema_version": PLAN_SCHEMA_VERSION,
        "generated_at": _iso(generated_at or timezone.now()),
        "authority": settings.AUTHORITY_NAME,
        "child": {
            "reference": child.reference,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": _iso(child.date_of_birth),
            "safeguarding_flags": [_coded(f.code, f.label) for f in child_flags(child)],
        },
        "plan": {
            "tier": _coded(plan.tier, SupportTier(plan.tier).label),
            "setting": plan.setting.name if plan.setting else None,
            "strengths": plan.strengths,
            "version": plan.version,
            "started_at": _iso(plan.created_at),
            "updated_at": _iso(plan.updated_at),
            "seeded_from_concern": (
                plan.seeded_from.reference if plan.seeded_from_id and plan.seeded_from else None
            ),
            "outcomes": [
                {
                    "id": o.pk,
                    "text": o.text,
                    "by_when": _iso(o.by_when),
                    "ended_at": _iso(o.ended_at),
                }
                for o in [*page.outcomes, *page.ended_outcomes]
            ],
            "provision": [
                {
                    "what": p.what,
                    "who": p.who,
                    "how_often": p.how_often,
                    "starts_on": _iso(p.starts_on),
                    "outcome_id": p.outcome_id,
                }
                for p in page.provision
            ],
            "cycles": [_cycle_json(c) for c in page.cycles],
            "history": [
                {
                    "version": v.number,
                    "saved_at": _iso(v.saved_at),
                    "saved_by": display_name(v.saved_by, nobody="Not recorded"),
                    "summary": v.summary,
                }
                for v in page.versions
            ],
        },
    }


def _cycle_json(cycle: PlanCycle) -> dict[str, Any]:
    return {
        "number": cycle.number,
        "started_on": _iso(cycle.started_on),
        "review_due_on": _iso(cycle.review_due_on),
        "assess": cycle.assess,
        "planned": cycle.planned,
        "from_concern": cycle.from_referral.reference if cycle.from_referral else None,
        "reviewed_on": _iso(cycle.reviewed_on),
        "overall": _coded(cycle.overall, cycle.get_overall_display()) if cycle.overall else None,
        "review_notes": cycle.review_notes,
        "family_views": cycle.family_views,
        "child_voice": cycle.child_voice,
        "progress": [
            {
                "outcome_id": p.outcome_id,
                "progress": _coded(p.progress, p.get_progress_display()),
                "notes": p.notes,
            }
            for p in cycle.progress.all()
        ],
    }


def plan_filename(page: PlanPage, extension: str) -> str:
    """Named by the child's reference, never their name: files travel."""
    safe = file_part(page.child.reference, page.child.pk)
    return f"support-plan-{safe}.{extension}"


# Imported under this name so that a test can switch the PDF to the core fonts.
_unicode_font = unicode_font

LOOK = Look(
    heading_sizes={1: 20, 2: 14},
    body_size=11,
    line_height=6,
    space_above_h2=3,
    space_above_h2_at_page_top=3,
    space_below_heading=1,
    space_below_paragraph=1,
    keep_below_heading={1: 18, 2: 15},
)


def _day(value: datetime.date | None, empty: str = "Not given") -> str:
    return uk_date(value) if value else empty


def plan_pdf(page: PlanPage) -> bytes:
    """The plan as a tagged, text PDF with title, language, headings and outline."""
    plan, child = page.plan, page.child
    assert plan is not None
    pdf = TaggedPDF(_unicode_font(), LOOK)
    title = f"Support plan for {child.full_name}"
    pdf.begin(
        title=title,
        heading=title,
        author=plan.setting.name if plan.setting else settings.AUTHORITY_NAME,
        subject="SEN support plan: outcomes, help and reviews",
    )
    pdf.paragraph(
        f"Official sensitive: personal information about a child. Produced "
        f"{uk_date(timezone.localdate())} by {settings.AUTHORITY_NAME}. Version {plan.version}."
    )
    pdf.summary_list(
        [
            ("Child", child.full_name),
            ("Date of birth", _day(child.date_of_birth)),
            ("Reference", child.reference),
            ("Setting", plan.setting.name if plan.setting else "Not in a setting"),
            ("Tier of support", SupportTier(plan.tier).label),
            ("Last changed", uk_date(timezone.localdate(plan.updated_at))),
        ]
    )
    flags = child_flags(child)
    if flags:
        pdf.paragraph("Safeguarding: " + "; ".join(f.label for f in flags) + ".", bold=True)
    if plan.strengths:
        pdf.heading(f"What {child.first_name} is good at and enjoys", 2)
        pdf.paragraph(plan.strengths)
    pdf.heading(f"Outcomes: what {child.first_name} will be able to do", 2)
    pdf.bullets(
        (f"{o.text} (by {_day(o.by_when, 'no date given')})" for o in page.outcomes),
        empty="None recorded.",
    )
    pdf.heading(f"The help {child.first_name} gets", 2)
    if not page.provision:
        pdf.paragraph("None recorded.")
    for item in page.provision:
        pdf.summary_list(
            [
                ("What", item.what),
                ("Who", item.who),
                ("How often", item.how_often),
                ("From", _day(item.starts_on)),
                ("For the outcome", item.outcome.text if item.outcome else "All outcomes"),
            ]
        )
    for cycle in page.cycles:
        pdf.heading(f"Cycle {cycle.number}", 2)
        rows = [
            ("Started", _day(cycle.started_on)),
            ("Review date", _day(cycle.review_due_on)),
        ]
        if cycle.assess:
            rows.append(("What we know", cycle.assess))
        rows.append(("What we will do", cycle.planned))
        if cycle.from_referral:
            rows.append(("Recorded in the concern", cycle.from_referral.reference or ""))
        if cycle.is_reviewed:
            rows += [
                ("Reviewed", _day(cycle.reviewed_on)),
                ("Progress overall", cycle.get_overall_display() or "Not recorded"),
            ]
            rows += [
                (f"Progress: {p.outcome.text}", p.get_progress_display())
                for p in cycle.progress.all()
            ]
            if cycle.review_notes:
                rows.append(("What the review found", cycle.review_notes))
            if cycle.family_views:
                rows.append(("The family's views", cycle.family_views))
            if cycle.child_voice:
                rows.append(("The child's views", cycle.child_voice))
        else:
            rows.append(("Reviewed", "Not yet"))
        pdf.summary_list(rows)
    pdf.heading("Changes to this plan", 2)
    pdf.bullets(
        (
            f"Version {v.number}, {uk_date(timezone.localdate(v.saved_at))}, "
            f"{display_name(v.saved_by, nobody='not recorded')}: {v.summary}"
            for v in page.versions
        ),
        empty="None.",
    )
    return pdf.to_bytes()
