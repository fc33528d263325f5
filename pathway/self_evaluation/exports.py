"""A version of the self-evaluation as a tagged PDF, for the board's papers. The same content
as the printable page: the areas and their judgements, then the figures as stored."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from earlyyears.templatetags.govuk_style import govuk_date
from pathway.models import SelfEvaluationVersion
from pathway.pdf import Look, TaggedPDF, unicode_font

from . import selectors
from .tables import suppression_explanation

LOOK = Look(heading_sizes={1: 18, 2: 13}, body_size=10.5, line_height=5.2)


def _status(version: SelfEvaluationVersion) -> str:
    if version.is_agreed:
        return (
            f"Agreed on {govuk_date(timezone.localtime(version.agreed_at).date())} "
            f"({version.agreed_note}), recorded by {version.agreed_by_name}."
        )
    return "Draft: not yet agreed."


def version_pdf(version: SelfEvaluationVersion) -> bytes:
    evaluation = version.self_evaluation
    title = f"Partnership self-evaluation: {evaluation.label}"
    pdf = TaggedPDF(unicode_font(), LOOK)
    pdf.begin(
        title=title,
        heading=title,
        author=settings.AUTHORITY_NAME,
        subject="The early years SEND partnership's self-evaluation",
    )
    pdf.paragraph(
        f"{settings.AUTHORITY_NAME}. Version {version.number}, saved on "
        f"{govuk_date(timezone.localtime(version.saved_at).date())} by {version.saved_by_name}. "
        f"{_status(version)} Figures from {govuk_date(version.figures_from)} to "
        f"{govuk_date(version.figures_to)}."
    )
    if version.summary:
        pdf.heading("The overall picture", 2)
        pdf.paragraph(version.summary)
    for judgement in selectors.judgements(version):
        pdf.heading(judgement.area_name, 2)
        pdf.summary_list(
            [
                ("Level", judgement.get_level_display() or "Not judged yet"),
                ("Evidence", judgement.evidence or "None recorded"),
                ("What would move it on", judgement.next_steps or "None recorded"),
            ]
        )
    pdf.heading("The evidence figures", 2)
    pdf.paragraph(suppression_explanation())
    for figure in version.figures:
        pdf.heading(figure["title"], 2)
        columns = figure["columns"]
        pdf.bullets(
            "{}: {}".format(
                row["label"],
                "; ".join(
                    f"{name} {cell}" for name, cell in zip(columns, row["cells"], strict=False)
                ),
            )
            for row in figure["rows"]
        )
        pdf.paragraph(f"How it is computed: {figure['definition']}")
    return pdf.to_bytes()


def filename(version: SelfEvaluationVersion) -> str:
    year = version.self_evaluation.year
    return f"self-evaluation-{year}-{year + 1}-version-{version.number}.pdf"
