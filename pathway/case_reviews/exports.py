"""A sampled case's chronology as a printable, tagged PDF: for the panel's papers and for the
cases inspectors sample. Pseudonymised, as on screen."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from earlyyears.templatetags.govuk_style import govuk_date
from pathway.models import ReviewCase
from pathway.pdf import Look, TaggedPDF, file_part, unicode_font

from . import selectors

LOOK = Look(heading_sizes={1: 18, 2: 13}, body_size=10.5, line_height=5.2)


def case_pdf(case: ReviewCase) -> bytes:
    label = selectors.case_label(case.referral)
    pdf = TaggedPDF(unicode_font(), LOOK)
    title = f"Case {case.position}: {label}"
    pdf.begin(
        title=title,
        heading=title,
        author=settings.AUTHORITY_NAME,
        subject=f"Chronology for the case review {case.review.title}",
    )
    pdf.paragraph(
        f"Official sensitive. Case review: {case.review.title}. Produced "
        f"{govuk_date(timezone.localdate())} by {settings.AUTHORITY_NAME}. Names are replaced by "
        "initials; staff appear by their role."
    )
    chronology = selectors.chronology(case.referral)
    for stage, label_text in selectors.Stage.choices:
        entries = [e for e in chronology if e.stage == stage]
        pdf.heading(label_text, 2)
        pdf.bullets(
            (
                f"{govuk_date(e.day)}: {'From the family. ' if e.from_family else ''}{e.what}"
                + (f". {e.detail}" if e.detail else "")
                for e in entries
            ),
            empty="Nothing recorded.",
        )
    return pdf.to_bytes()


def case_filename(case: ReviewCase) -> str:
    reference = file_part(case.referral.reference or "", case.referral_id)
    return f"case-review-{case.review_id}-case-{case.position}-{reference}.pdf"
