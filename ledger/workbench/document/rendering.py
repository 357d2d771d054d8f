"""A document as the bytes of a file: the one place that knows every renderer, so the
model itself imports none of them."""

from __future__ import annotations

from ledger.errors import BadInput
from ledger.workbench.document.model import FORMATS, Document


def render(document: Document, fmt: str) -> bytes:
    """The document as the bytes of a file in `fmt` (docx, pdf or md)."""
    if fmt == "docx":
        from ledger.workbench.document.word import to_docx

        return to_docx(document)
    if fmt == "pdf":
        from ledger.workbench.document.pdf import to_pdf

        return to_pdf(document)
    if fmt == "md":
        from ledger.workbench.document.markdown import to_markdown

        return to_markdown(document).encode("utf-8")
    raise BadInput(f"unknown document format {fmt!r}: choose one of {', '.join(FORMATS)}")
