"""The check that the concept plan names nobody (000 L2174-2176: the concept goes to the
step-4 decision anonymised). Every text the concept would carry is compared with the
identifying fields of the case's people: members past and present, their legal
representatives, and the professionals taking part (their display names)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

MIN_LENGTH = 3
"""Shorter values (initials) are not looked for: they would match ordinary words."""


def folded(text: str) -> str:
    """Lower case without accents and with single spaces: "Noël  de Vries" -> "noel de vries"."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = re.sub(r"(?<=\d)[-/.](?=\d)", "-", plain.lower())  # 3/5/2010 = 3-5-2010
    words = re.sub(r"[^\w-]+", " ", plain).split()
    return " ".join(w.strip("-") for w in words if w.strip("-"))


def date_forms(day: date) -> list[str]:
    """The ways a date of birth is written in Dutch texts."""
    return [
        day.isoformat(),
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day}-{day.month}-{day.year}",
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
    ]


def identifying(values: Iterable[str]) -> list[str]:
    """The folded values to look for: whole names, addresses, dates as written. A lone first
    or family name is not looked for ("de wijkagent", "drie jongeren" would match the
    synthetic names); the regisseur stays responsible for what they write (decision 0045)."""
    return sorted({text for text in (folded(v) for v in values) if len(text) >= MIN_LENGTH})


def found(text: str, forbidden: Iterable[str]) -> bool:
    """Whether any forbidden value occurs in the text as a whole word (or run of words)."""
    haystack = f" {folded(text)} "
    return any(f" {needle} " in haystack for needle in forbidden)
