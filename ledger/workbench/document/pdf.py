"""PDF rendering of a `Document` with fpdf2, for the record: bold headings, left-aligned
text, tables with a bold header row, images at their width. The font is DejaVu Sans,
which matplotlib ships (a runtime dependency already), so every character a Dutch text
has (ë, é, €, ‘quotes’) prints as itself rather than being folded to Latin-1."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from ledger.workbench.document.model import (
    Block,
    Bullets,
    Document,
    Image,
    Paragraph,
    Supplied,
    Table,
    paragraphs,
)

FONT = "DejaVu"
_SIZES = {0: 16.0, 1: 13.0, 2: 11.5, 3: 10.5}
_BODY = 10.0
_LINE = 5.0


@lru_cache(maxsize=1)
def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    fonts = _font_dir()
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font(FONT, "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.add_font(FONT, "BI", str(fonts / "DejaVuSans-BoldOblique.ttf"))
    pdf.set_title(title)
    pdf.set_creator("regie")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, style: str = "", size: float = _BODY) -> None:
    pdf.set_font(FONT, style=style, size=size)
    pdf.multi_cell(0, _LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str, level: int) -> None:
    pdf.ln(3 if level else 0)
    size = _SIZES[level]
    pdf.set_font(FONT, style="B", size=size)
    pdf.multi_cell(0, size * 0.55, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Paragraph):
        for text in paragraphs(block.text):
            _text(pdf, text)
            pdf.ln(1.5)
    elif isinstance(block, Bullets):
        if not block.items:
            _text(pdf, block.empty, style="I")
        for item in block.items:
            pdf.set_font(FONT, size=_BODY)
            pdf.cell(5, _LINE, "•")
            pdf.multi_cell(
                0, _LINE, " ".join(item.split()), align="L", new_x="LMARGIN", new_y="NEXT"
            )
        pdf.ln(1.5)
    elif isinstance(block, Table):
        if not block.rows:
            _text(pdf, block.empty, style="I")
            return
        pdf.set_font(FONT, size=_BODY - 1)
        with pdf.table(
            text_align="LEFT",
            align="LEFT",
            line_height=_LINE,
            headings_style=FontFace(emphasis="BOLD"),
            repeat_headings=1,
        ) as table:
            for row in (block.head, *block.rows):
                line = table.row()
                for value in row:
                    line.cell(value)
        pdf.ln(2)
    elif isinstance(block, Image):
        pdf.image(io.BytesIO(block.png), w=min(block.width_cm * 10, pdf.epw))
        if block.caption:
            _text(pdf, block.caption, style="I", size=_BODY - 1)
        pdf.ln(1.5)
    elif isinstance(block, Supplied):
        if block.missing:
            pdf.set_fill_color(255, 242, 153)
            pdf.set_font(FONT, style="B", size=_BODY)
            pdf.multi_cell(
                0, _LINE, block.placeholder, align="L", fill=True, new_x="LMARGIN", new_y="NEXT"
            )
        else:
            pdf.set_text_color(85, 85, 85)
            _text(pdf, f"{block.label}:", style="I", size=_BODY - 1)
            pdf.set_text_color(0, 0, 0)
            for text in block.paragraphs():
                _text(pdf, text, style="I")
                pdf.ln(1)
        pdf.ln(1.5)
    else:
        raise TypeError(f"not a document block: {type(block).__name__}")


def to_pdf(document: Document) -> bytes:
    pdf = _new_pdf(document.title)
    if document.keywords:
        pdf.set_keywords(", ".join(document.keywords))
    _heading(pdf, document.title, 0)
    if document.subtitle:
        _text(pdf, document.subtitle, style="I")
    for label, value in document.metadata:
        pdf.set_font(FONT, style="B", size=_BODY - 1)
        pdf.write(_LINE, f"{label}: ")
        pdf.set_font(FONT, size=_BODY - 1)
        pdf.write(_LINE, value)
        pdf.ln(_LINE)
    pdf.ln(2)
    for section in document.sections:
        _heading(pdf, section.title, section.level)
        for block in section.blocks:
            _block(pdf, block)
    if document.footer:
        pdf.ln(4)
        _text(pdf, document.footer, size=7)
    return bytes(pdf.output())
