"""Word rendering of a `Document` with python-docx (decision 0039): partners edit and sign
plans in Word, so the file uses Word's own styles (Title, Heading 1-3, List Bullet, Table
Grid) and stays editable; text the regisseur supplies is marked in italics with a label,
and a missing text as a highlighted placeholder."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from docx.document import Document as WordDocument


def _block(d: WordDocument, block: Block) -> None:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Cm, RGBColor

    if isinstance(block, Paragraph):
        for text in paragraphs(block.text):
            d.add_paragraph(text)
    elif isinstance(block, Bullets):
        if not block.items:
            d.add_paragraph().add_run(block.empty).italic = True
        for item in block.items:
            d.add_paragraph(" ".join(item.split()), style="List Bullet")
    elif isinstance(block, Table):
        if not block.rows:
            d.add_paragraph().add_run(block.empty).italic = True
            return
        table = d.add_table(rows=1, cols=len(block.head))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, block.head, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in block.rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
        d.add_paragraph()
    elif isinstance(block, Image):
        d.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
        if block.caption:
            d.add_paragraph(block.caption, style="Caption")
    elif isinstance(block, Supplied):
        if block.missing:
            run = d.add_paragraph().add_run(block.placeholder)
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            return
        label = d.add_paragraph().add_run(f"{block.label}:")
        label.italic = True
        label.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        for text in block.paragraphs():
            d.add_paragraph().add_run(text).italic = True
    else:
        raise TypeError(f"not a document block: {type(block).__name__}")


def to_docx(document: Document) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = document.title
    d.core_properties.language = document.lang
    d.core_properties.keywords = ", ".join(document.keywords)
    d.core_properties.author = "regie"
    d.add_heading(document.title, level=0)
    if document.subtitle:
        d.add_paragraph(document.subtitle, style="Subtitle")
    for label, value in document.metadata:
        line = d.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    for section in document.sections:
        d.add_heading(section.title, level=section.level)
        for block in section.blocks:
            _block(d, block)
    if document.footer:
        d.sections[0].footer.paragraphs[0].text = document.footer
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
