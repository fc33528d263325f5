"""A completion certificate as a PDF (fpdf2), with its title and language set so screen
readers and document libraries know what it is."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from earlyyears.models import display_name

from .models import Completion

# A Unicode font if the system has one (names such as Łukasz or Zoë), else the PDF core font.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def _font(pdf: FPDF) -> str:
    for regular in FONT_CANDIDATES:
        bold = regular.with_name("DejaVuSans-Bold.ttf")
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu"
    return "Helvetica"


def _text(value: str, family: str) -> str:
    if family == "Helvetica":
        return value.encode("latin-1", "replace").decode("latin-1")
    return value


def _long(day) -> str:
    return f"{day.day} {day:%B %Y}"


def certificate_pdf(completion: Completion) -> bytes:
    name = display_name(completion.user)
    title = f"Certificate of completion: {completion.module_title}"
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(title)
    pdf.set_lang("en-GB")
    pdf.set_author(settings.AUTHORITY_NAME)
    pdf.set_subject(f"{name} completed {completion.module_title}")
    pdf.set_creator(settings.SERVICE_NAME)
    pdf.set_display_mode("fullwidth")
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    family = _font(pdf)

    def line(text: str, size: int, style: str = "", gap: float = 4) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, size * 0.5, _text(text, family), align="C")
        pdf.ln(gap)

    pdf.set_draw_color(11, 12, 12)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.ln(8)
    line(settings.AUTHORITY_NAME, 14, "B")
    line("Early Years SEND team", 12, gap=12)
    line("Certificate of completion", 26, "B", gap=10)
    line("This is to certify that", 13)
    line(name, 24, "B")
    line("completed the training module", 13)
    line(completion.module_title, 20, "B", gap=10)
    how = completion.get_source_display().lower()
    line(f"Completed on {_long(completion.completed_at)} ({how})", 12)
    line(f"Renew by {_long(completion.renew_by)}", 12)
    line(f"Certificate reference {completion.reference}", 10)
    return bytes(pdf.output())
