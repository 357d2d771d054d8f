"""The document model: plain frozen data, no format in it. A renderer turns a `Document`
into the bytes of a .docx, .pdf or .md file; all three show the same words, so a test
that reads one format reads what the others say too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

FORMATS = ("docx", "pdf", "md")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of running text (a blank line inside starts a new one)."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list; an empty list renders as `empty`, so a reader sees it was looked at."""

    items: tuple[str, ...]
    empty: str = "geen"


@dataclass(frozen=True)
class Table:
    """A table with a header row; every cell is text (the caller formats numbers/dates)."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "geen"

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.head):
                raise ValueError(f"a table row has {len(row)} cells for {len(self.head)} columns")


@dataclass(frozen=True)
class Image:
    """A PNG picture (e.g. a matplotlib chart), with a caption that says what it shows."""

    png: bytes
    caption: str = ""
    width_cm: float = 16.0


@dataclass(frozen=True)
class Supplied:
    """Text that the ledger cannot know and a person supplies (by default the regisseur).

    Rendered visibly marked as supplied; when `text` is None or blank, a placeholder
    ``[nog in te vullen door de regisseur: <what>]`` stands in its place, so an unfinished
    document can never pass for a finished one."""

    what: str
    text: str | None = None
    by: str = "de regisseur"

    @property
    def missing(self) -> bool:
        return self.text is None or not self.text.strip()

    @property
    def placeholder(self) -> str:
        return f"[nog in te vullen door {self.by}: {self.what}]"

    @property
    def label(self) -> str:
        return f"Aangeleverd door {self.by}"

    def paragraphs(self) -> list[str]:
        return paragraphs(self.text or "")


Block = Paragraph | Bullets | Table | Image | Supplied


@dataclass(frozen=True)
class Section:
    """A heading (level 1 = chapter, 2 = sub-section, 3) and the blocks under it."""

    title: str
    blocks: tuple[Block, ...] = ()
    level: int = 1
    key: str = ""

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"section level {self.level} is not 1, 2 or 3")


@dataclass(frozen=True)
class Document:
    """A whole document: its title, metadata lines (label, value) under the title, the
    sections in reading order and a footer line (e.g. the ledger checkpoint)."""

    title: str
    sections: tuple[Section, ...]
    metadata: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    subtitle: str = ""
    lang: str = "nl"
    keywords: tuple[str, ...] = field(default=())

    def headings(self) -> list[str]:
        return [s.title for s in self.sections]


def paragraphs(text: str) -> list[str]:
    """Split text on blank lines; single newlines inside a paragraph become spaces."""
    out = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        joined = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if joined:
            out.append(joined)
    return out


def cells(rows: Sequence[Sequence[object]]) -> tuple[tuple[str, ...], ...]:
    """Rows of any values as table cells: None as '-', everything else as str."""
    return tuple(tuple("-" if v is None else str(v) for v in row) for row in rows)
