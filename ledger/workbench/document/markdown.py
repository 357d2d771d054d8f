"""Markdown rendering of a `Document` (CommonMark with pipe tables): readable as plain
text, diffable in review; images are embedded as data URIs so the file stands alone."""

from __future__ import annotations

import base64

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

_SPECIAL = str.maketrans({"|": "\\|", "\n": " ", "\r": " "})


def _cell(text: str) -> str:
    return text.translate(_SPECIAL) or " "


def _escape_start(text: str) -> str:
    """Keep a paragraph that starts like Markdown syntax (#, -, >, 1.) plain text."""
    if text[:1] in "#->+*" or text.split(" ", 1)[0].rstrip(".").isdigit():
        return "\\" + text
    return text


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [_escape_start(p) for p in paragraphs(block.text)]
    if isinstance(block, Bullets):
        if not block.items:
            return [f"*{block.empty}*"]
        return ["\n".join(f"- {' '.join(item.split())}" for item in block.items)]
    if isinstance(block, Table):
        if not block.rows:
            return [f"*{block.empty}*"]
        lines = [
            "| " + " | ".join(_cell(h) for h in block.head) + " |",
            "|" + "|".join("---" for _ in block.head) + "|",
        ]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
        return ["\n".join(lines)]
    if isinstance(block, Image):
        data = base64.b64encode(block.png).decode("ascii")
        out = [f"![{_cell(block.caption)}](data:image/png;base64,{data})"]
        return out + ([f"*{block.caption}*"] if block.caption else [])
    if isinstance(block, Supplied):
        if block.missing:
            return [f"**{block.placeholder}**"]
        quoted = [f"> *{block.label}:*"]
        for text in block.paragraphs():
            quoted += [">", f"> {text}"]
        return ["\n".join(quoted)]
    raise TypeError(f"not a document block: {type(block).__name__}")


def to_markdown(document: Document) -> str:
    parts = [f"# {document.title}"]
    if document.subtitle:
        parts.append(f"*{document.subtitle}*")
    if document.metadata:
        parts.append("\n".join(f"**{label}:** {value}  " for label, value in document.metadata))
    for section in document.sections:
        parts.append(f"{'#' * (section.level + 1)} {section.title}")
        for block in section.blocks:
            parts += _block(block)
    if document.footer:
        parts += ["---", f"<small>{document.footer}</small>"]
    return "\n\n".join(parts) + "\n"
