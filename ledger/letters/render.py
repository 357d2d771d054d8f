"""Render a letter from its Jinja2 template as plain text, Markdown or PDF.

Templates are plain Dutch text with autoescaping off; ``heading()`` and ``datum()`` are
the only helpers they need. A municipality's own templates (beside its letters.toml)
take precedence over the shipped ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ledger.errors import BadInput
from ledger.letters.content import LetterFacts
from ledger.letters.pdf import letter_pdf
from ledger.letters.retention_words import dutch_date
from policies.letters import AddresseeKind, LettersFile, template_dirs


@dataclass(frozen=True)
class Person:
    """Opened personal fields, used only while rendering and never stored."""

    name: str
    address: str | None


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
        return f"## {text}"  # pdf: ledger.letters.pdf sets it in bold

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
            fill=lambda text: text.replace("{naam}", youth.name),
            fmt=fmt,
        )
    except jinja2.TemplateSyntaxError as exc:
        raise BadInput(f"{exc.filename or name}: line {exc.lineno}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise BadInput(f"template '{name}': {exc.message}") from None
    return _tidy(_dutch_dates(text))


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _dutch_dates(text: str) -> str:
    """Dates from policy and convenant texts (a besluit "van 2026-01-15") read as the
    letter's own do: "15 januari 2026". The checkpoint line keeps its exact form."""

    def dutch(match: re.Match[str]) -> str:
        try:
            return dutch_date(date(*(int(g) for g in match.groups())))
        except ValueError:
            return match.group(0)

    return "\n".join(
        line
        if "checkpoint" in line.lower() or "controlepunt" in line.lower()
        else _ISO_DATE.sub(dutch, line)
        for line in text.splitlines()
    )


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
        return letter_pdf(_latin1(text), _latin1(title))
    return text.encode("utf-8")
