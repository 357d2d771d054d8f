"""Read rendered documents back, for tests of anything that writes .docx, .pdf or .md:
the text a reader would see (python-docx for Word, PDFium for PDF) and the PDF's pages
as pictures, so a test checks what the file says, not how it was made."""

from __future__ import annotations

import io

from PIL import Image


def docx_text(data: bytes) -> str:
    """All text of a Word file: paragraphs, table cells, headers and footers."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        lines += [p.text for p in section.footer.paragraphs]
        lines += [p.text for p in section.header.paragraphs]
    return "\n".join(lines)


def docx_headings(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every Title and Heading paragraph, in order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None
        and p.style.name is not None
        and (p.style.name.startswith("Heading") or p.style.name == "Title")
    ]


def pdf_text(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def pdf_pages(data: bytes, scale: float = 1.0) -> list[Image.Image]:
    """Every page of a PDF rendered to a picture (PDFium), as a reader would see it."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return [page.render(scale=scale).to_pil() for page in pdf]
    finally:
        pdf.close()


def text_of(data: bytes, fmt: str) -> str:
    """What a document in `fmt` says, as one string (whitespace collapsed)."""
    if fmt == "docx":
        text = docx_text(data)
    elif fmt == "pdf":
        text = pdf_text(data)
    elif fmt == "md":
        text = data.decode("utf-8")
    else:
        raise ValueError(fmt)
    return " ".join(text.split())
