"""Render a letter from its Jinja2 template as plain text, Markdown or PDF.

Templates are plain Dutch text with autoescaping off; ``heading()`` and ``datum()`` are
the only helpers they need. A municipality's own templates (beside its letters.toml)
take precedence over the shipped ones.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ledger.documents import to_pdf
from ledger.errors import BadInput
from ledger.letters.content import LetterFacts
from policies.letters import AddresseeKind, LettersFile, template_dirs

MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


@dataclass(frozen=True)
class Person:
    """Opened personal fields, used only while rendering and never stored."""

    name: str
    address: str | None


def dutch_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _heading(fmt: str) -> Any:
    def heading(text: str) -> str:
        if fmt == "md":
            return f"## {text}"
        if fmt == "txt":
            return f"{text}\n{'-' * len(text)}"
        return text

    return heading


def render_text(
    letters: LettersFile,
    source: Path,
    kind: AddresseeKind,
    facts: LetterFacts,
    addressee: Person,
    youth: Person,
    fmt: str,
) -> str:
    """The letter for one addressee, as text (``fmt`` "md" for Markdown headings)."""
    import jinja2

    name = letters.templates.for_kind(kind)
    try:
        template = _environment(tuple(template_dirs(source))).get_template(name)
        text: str = template.render(
            f=facts,
            addressee=addressee,
            youth=youth,
            heading=_heading(fmt),
            datum=dutch_date,
            fmt=fmt,
        )
    except jinja2.TemplateSyntaxError as exc:
        raise BadInput(f"{exc.filename or name}: line {exc.lineno}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise BadInput(f"template '{name}': {exc.message}") from None
    return _tidy(text)


def _tidy(text: str) -> str:
    """At most one blank line in a row, and one newline at the end."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


_TYPOGRAPHIC = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "€": "EUR"}
)


def _latin1(text: str) -> str:
    """PDF core fonts cover Latin-1: other letters lose their accent, never the letter."""
    out = []
    for char in text.translate(_TYPOGRAPHIC):
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


def to_bytes(text: str, fmt: str, title: str) -> bytes:
    if fmt == "pdf":
        return to_pdf(_latin1(text), title)
    return text.encode("utf-8")
