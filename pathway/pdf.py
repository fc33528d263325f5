"""The pathway's accessible PDFs ("All about me", the early help pack): tagged text documents
whose headings and paragraphs are structure elements (H1, H2, P) a screen reader navigates,
with every heading in the outline, the title shown instead of the file name, and a language.

fpdf2 tags only images and outline titles itself; `TaggedPDF.tagged` extends its marked-content
mechanism (the version is pinned in constraints.txt) to the text these documents need. Each
document keeps its own type sizes and spacing (a `Look`); the logic is shared."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.prefs import ViewerPreferences

# fontTools reports every glyph it keeps when embedding a font: not worth a log line per PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)


def unicode_font() -> tuple[str, str] | None:
    """A regular and a bold TrueType font: settings.PDF_FONT_FILES if both files exist, else
    the first installed candidate; None when there is none (the Latin-1 core fonts are used)."""
    configured = getattr(settings, "PDF_FONT_FILES", None)
    for regular, bold in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


@dataclass(frozen=True)
class Look:
    """A document's type sizes (points) and spacing (millimetres). The defaults are the
    family's documents' ("All about me"): large and airy."""

    heading_sizes: dict[int, float] = field(default_factory=lambda: {1: 22, 2: 15})
    body_size: float = 12
    line_height: float = 6.5
    space_above_h2: float = 4
    space_above_h2_at_page_top: float = 0
    space_below_heading: float = 2
    space_below_paragraph: float = 2
    # Room kept below a heading, by level, so that it never ends a page alone.
    keep_below_heading: dict[int, float] = field(default_factory=lambda: {1: 17, 2: 17})


class TaggedPDF(FPDF):
    """An A4 tagged PDF: `begin`, then `heading`, `paragraph`, `bullets` and `summary_list`.

    `fonts` is a (regular, bold) pair of TrueType files, or None for the core fonts."""

    def __init__(self, fonts: tuple[str, str] | None, look: Look | None = None) -> None:
        super().__init__(format="A4")
        self.look = look or Look()
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        if fonts:
            self.add_font("body", "", fonts[0])
            self.add_font("body", "B", fonts[1])
            self.body_font, self.unicode_text = "body", True
        else:
            self.body_font, self.unicode_text = "helvetica", False

    def begin(
        self, *, title: str, heading: str, author: str, subject: str, language: str = "en-GB"
    ) -> None:
        """The document's metadata (the viewer shows the title, a screen reader uses the
        language), its first page and its H1."""
        self.set_title(title)
        self.set_lang(language)
        self.set_author(author)
        self.set_subject(subject)
        self.set_creator(getattr(settings, "SERVICE_NAME", "Early years SEND pathway"))
        self.add_page()
        self.heading(heading, 1)

    def clean(self, text: object) -> str:
        """Core fonts only know Latin-1: without a Unicode font, other letters are replaced."""
        text = str(text or "").replace("\r\n", "\n").replace("\t", " ")
        if self.unicode_text:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    @contextmanager
    def tagged(self, struct_type: str) -> Iterator[None]:
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid)
        self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
        yield
        self._out("EMC")

    def heading(self, text: str, level: int) -> None:
        """An H1 or H2, in the outline, kept on one page with room below it for what follows."""
        look = self.look
        size = look.heading_sizes[level]
        height = size * 0.5
        text = self.clean(text)
        self.set_font(self.body_font, "B", size)
        lines = self.multi_cell(0, height, text, dry_run=True, output=MethodReturnValue.LINES)
        space_above = 0.0
        if self.will_page_break(len(lines) * height + look.keep_below_heading[level]):
            self.add_page()
            if level == 2:
                space_above = look.space_above_h2_at_page_top
        elif level == 2:
            space_above = look.space_above_h2
        if space_above:
            self.ln(space_above)
        self.start_section(text, level=level - 1)
        with self.tagged(f"H{level}"):
            self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(look.space_below_heading)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        """Paragraphs (blocks split at blank lines), each split at page ends so that every
        marked sequence stays on one page."""
        look = self.look
        self.set_font(self.body_font, "B" if bold else "", look.body_size)
        for block in self.clean(text).split("\n\n"):
            if not block.strip():
                continue
            lines = self.multi_cell(
                0, look.line_height, block, dry_run=True, output=MethodReturnValue.LINES
            )
            while lines:
                room = int((self.page_break_trigger - self.y) // look.line_height)
                if room < 1:
                    self.add_page()
                    continue
                chunk, lines = lines[:room], lines[room:]
                with self.tagged("P"):
                    self.multi_cell(
                        0, look.line_height, "\n".join(chunk), new_x=XPos.LMARGIN, new_y=YPos.NEXT
                    )
            self.ln(look.space_below_paragraph)

    def bullets(self, items: Iterable[str], *, empty: str = "") -> None:
        """A list, one "- item" line each, as a paragraph; `empty` when there are no items."""
        self.paragraph("\n".join(f"- {item}" for item in items) or empty)

    def summary_list(self, rows: Iterable[tuple[str, str]]) -> None:
        """Key and value pairs, one "Key: value" line each, which read well aloud."""
        self.paragraph("\n".join(f"{key}: {value}" for key, value in rows))

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def file_part(reference: str, fallback: object) -> str:
    """A reference made safe for a file name (letters, digits and hyphens), or the fallback:
    downloads are named by reference, never by a child's name, because files travel."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", reference or "").strip("-") or str(fallback)
