"""Reading a rendered letter the way the privacy officer does: the art. 14 checker and
the PDF's layout, measured on the page rendered to pixels (pypdfium2, decision 0037).

The checker looks for every mandatory element with the values the scenario and the
policy put in, never with values taken from the renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MM = 72 / 25.4
"""Points per millimetre: pages are rendered at 72 dpi, one pixel per point."""

RIGHTS = {
    "inzage (15)": r"inzage.*artikel 15\b",
    "rectificatie (16)": r"rectificatie.*artikel 16\b",
    "gegevenswissing (17)": r"wis.*artikel 17\b",
    "beperking (18)": r"beperking.*artikel 18\b",
    "bezwaar (21)": r"bezwaar.*artikel 21\b",
}
MONTH = (
    r"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december)"
)


@dataclass(frozen=True)
class ControllerFacts:
    name: str
    address: str
    contact: str
    fg: str


@dataclass
class Expected:
    """What a letter must say, from what the scenario recorded and the policy holds."""

    controllers: list[ControllerFacts]
    purposes: list[str]
    legal_bases: list[str]
    categories: list[str]
    sources: list[str]
    recipients: list[str]
    intended: list[str]
    arrangement: str
    signatory: str
    retention: list[str] = field(default_factory=list)
    explanations: dict[str, str] = field(default_factory=dict)
    """Per category label: its plain explanation (the youth's letter only)."""
    personal: str | None = None


def _flat(text: str) -> str:
    """Whitespace folded, so text extracted from a PDF (broken over lines) compares, and
    an ISO date in a policy or convenant text as the letter writes it (15 januari 2026)."""
    months = MONTH.strip("()").split("|")

    def dutch(m: re.Match[str]) -> str:
        return f"{int(m.group(3))} {months[int(m.group(2)) - 1]} {m.group(1)}"

    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", dutch, re.sub(r"\s+", " ", text))


def missing_art14_elements(text: str, expected: Expected, youth: bool = False) -> list[str]:
    """Every mandatory element the letter lacks (empty when complete)."""
    flat = re.sub(r"\s+", " ", text)
    lower = flat.lower()
    missing = []

    def need(condition: bool, element: str) -> None:
        if not condition:
            missing.append(element)

    need("verantwoordelijk" in lower, "controller heading")
    for c in expected.controllers:
        need(c.name in flat, f"controller {c.name}")
        need(_flat(c.address) in flat, f"address of {c.name}")
        need(_flat(c.contact) in flat, f"contact of {c.name}")
        need(_flat(c.fg) in flat, f"FG of {c.name}")
    need("functionaris gegevensbescherming" in lower, "FG heading")
    need(_flat(expected.arrangement) in flat, "essence of the joint arrangement (art. 26)")
    need(
        "geautomatiseerde besluitvorming" in lower or "een computer beslist niets" in lower,
        "statement on automated decision-making",
    )
    need("doel" in lower, "purpose heading")
    for purpose in expected.purposes:
        need(_flat(purpose) in flat, f"purpose {purpose}")
    need("grondslag" in lower, "legal basis heading")
    for basis in expected.legal_bases:
        need(_flat(basis) in flat, f"legal basis {basis}")
    for category in expected.categories:
        need(category.split(" (")[0] in flat, f"category {category}")
    for label, plain in expected.explanations.items():
        short = label.split(" (")[0]
        need(_flat(f"{short}: {plain}") in flat, f"explanation of {label}")
    need("bron" in lower, "source heading")
    for source in expected.sources:
        need(source in flat, f"source {source}")
    need("ontvanger" in lower, "recipients")
    if not expected.recipients:
        need("geen ontvangers" in lower, "no recipients stated")
    for recipient in expected.recipients + expected.intended:
        need(recipient in flat, f"recipient {recipient}")
    if expected.intended:
        need("later" in lower, "intended recipients stated")
    need("bewaren" in lower, "retention heading")
    for category in expected.categories:
        short = re.escape(category.split(" (")[0])
        need(
            re.search(short + r"[^:]{0,200}: .{0,300}?(\d+ (jaar|maand|maanden)|uiterlijk)", flat)
            is not None,
            f"retention of {category}",
        )
    need("logboek" in lower, "retention of the access log")
    for phrase in expected.retention:
        need(_flat(phrase) in flat, f"retention {phrase}")
    body = "\n".join(line for line in text.splitlines() if "checkpoint" not in line.lower())
    need(re.search(r"\b\d{4}-\d{2}-\d{2}\b", body) is None, "Dutch dates only (no ISO date)")
    need(re.search(r"Datum: \d{1,2} " + MONTH + r" \d{4}", text) is not None, "letter date")
    for right, pattern in RIGHTS.items():
        need(re.search(pattern, lower) is not None, f"right of {right}")
    need("klacht" in lower and "Autoriteit Persoonsgegevens" in flat, "complaint to the AP")
    need(expected.signatory in flat, "signatory")
    if expected.personal:
        need(_flat(expected.personal) in flat, "personal paragraph")
    if youth:
        need("groepsscan" not in lower or "groepsscan is" in lower, "groepsscan explained")
    return missing


# -- the PDF as pixels -------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    text: str
    ink_in_margin: list[str]
    """Where ink was found in a margin band, as 'page N left|right|top|bottom'."""
    bold_font: bool


def pdf_facts(data: bytes, margin_mm: float = 20.0, bottom_mm: float = 12.0) -> PdfFacts:
    """Render each page (72 dpi) and look for ink in the margin bands; extract the text."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    texts, inked = [], []
    try:
        for number in range(len(doc)):
            page = doc[number]
            texts.append(page.get_textpage().get_text_range())
            image: Any = page.render(scale=1).to_pil().convert("L")
            width, height = image.size
            side, bottom = round(margin_mm * MM), round(bottom_mm * MM)
            bands = {
                "left": (0, 0, side, height),
                "right": (width - side, 0, width, height),
                "top": (0, 0, width, side),
                "bottom": (0, height - bottom, width, height),
            }
            for where, box in bands.items():
                darkest, _ = image.crop(box).getextrema()
                if darkest < 200:
                    inked.append(f"page {number + 1} {where}")
        pages = len(doc)
    finally:
        doc.close()
    return PdfFacts(
        pages=pages,
        text="\n".join(texts).replace("\r\n", "\n").replace("\r", "\n"),
        ink_in_margin=inked,
        bold_font=b"/Helvetica-Bold" in data,
    )
