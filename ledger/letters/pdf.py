"""A letter as a PDF a privacy officer can sign off: real typography, not a text dump.

The rendered text is light markup: the first line is the title, ``## `` starts a
heading, ``- `` a list item, a blank line ends a paragraph. Headings are bold, text is
left-aligned (never justified: justified lines open large gaps), side margins are 22 mm and
list items hang under their bullet. fpdf2's core Helvetica covers Latin-1, which holds
every Dutch letter.
"""

from __future__ import annotations

from typing import Any

MARGIN_MM = 22.0
"""Left and right margin."""
TOP_MM = 20.0
BOTTOM_MM = 17.0
"""Where the page breaks."""
BODY_PT, HEADING_PT, TITLE_PT = 10.0, 11.0, 13.0
LINE_MM = 4.6
BULLET_INDENT_MM = 5.0


def letter_pdf(text: str, title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(title)
    pdf.set_margins(MARGIN_MM, TOP_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=BOTTOM_MM)
    pdf.add_page()
    lines = text.splitlines()
    if lines:
        pdf.set_font("Helvetica", style="B", size=TITLE_PT)
        pdf.multi_cell(0, 7, lines[0], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    for line in lines[1:]:
        _line(pdf, line)
    return bytes(pdf.output())


def _line(pdf: Any, line: str) -> None:
    if not line.strip():
        pdf.ln(1.8)
        return
    if line.startswith("## "):
        # Keep a heading with at least two lines of what follows it.
        if pdf.get_y() > pdf.h - BOTTOM_MM - 3 * LINE_MM:
            pdf.add_page()
        pdf.ln(1.0)
        pdf.set_font("Helvetica", style="B", size=HEADING_PT)
        pdf.multi_cell(0, 5.5, line[3:], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)
        return
    pdf.set_font("Helvetica", size=BODY_PT)
    if line.startswith("- "):
        pdf.set_x(MARGIN_MM)
        pdf.cell(BULLET_INDENT_MM, LINE_MM, "-")
        pdf.set_left_margin(MARGIN_MM + BULLET_INDENT_MM)
        pdf.multi_cell(0, LINE_MM, line[2:], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_left_margin(MARGIN_MM)
        pdf.set_x(MARGIN_MM)
        return
    pdf.multi_cell(0, LINE_MM, line, align="L", new_x="LMARGIN", new_y="NEXT")
