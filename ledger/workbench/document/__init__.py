"""A small document model (title, metadata, sections of headings, paragraphs, lists,
tables, images and text the regisseur supplies) with renderers to Word, PDF and Markdown,
so every workbench document (plan van aanpak, evaluations) is written once (decision 0039)."""

from ledger.workbench.document.model import (
    FORMATS,
    Block,
    Bullets,
    Document,
    Image,
    Paragraph,
    Section,
    Supplied,
    Table,
)
from ledger.workbench.document.rendering import render

__all__ = [
    "FORMATS",
    "Block",
    "Bullets",
    "Document",
    "Image",
    "Paragraph",
    "Section",
    "Supplied",
    "Table",
    "render",
]
