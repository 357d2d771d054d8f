"""The document model renders the same words to Word, PDF and Markdown: headings in
order, tables, images, and supplied text marked as supplied or as a placeholder."""

from __future__ import annotations

import io

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from ledger.errors import BadInput
from ledger.workbench.document import (
    FORMATS,
    Bullets,
    Document,
    Image,
    Paragraph,
    Section,
    Supplied,
    Table,
    render,
)
from tests.documents import docx_headings, pdf_pages, text_of


def _chart() -> bytes:
    figure = Figure(figsize=(3, 2))
    figure.subplots().bar([0, 1], [2, 3], color="#1f5f8b")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=80)
    return out.getvalue()


SAMPLE = Document(
    title="Plan van aanpak Groep Voorbeeld",
    subtitle="Concept",
    metadata=(("Zaak", "JG-0000-001"), ("Stap", "5")),
    sections=(
        Section("1. Probleemanalyse", (Paragraph("Eerste alinea.\n\nTweede alinea."),)),
        Section(
            "1.1 Aanleiding",
            (Supplied("de aanleiding", "Overlast bij het winkelcentrum, €1.500 schade."),),
            level=2,
        ),
        Section("1.2 Duiding", (Supplied("de duiding van de groep"),), level=2),
        Section(
            "2. Acties",
            (
                Table(
                    ("actie", "eigenaar", "uiterlijk"),
                    (("Huisbezoek | team", "jongerenwerk", "2030-01-31"),),
                ),
                Bullets(("eerste punt", "tweede punt")),
                Bullets(()),
            ),
        ),
        Section("3. Monitoring", (Image(_chart(), "Open acties per organisatie", 8),)),
    ),
    footer="Grootboek: 12 gebeurtenissen, wortel ab12",
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_says_the_same_words(fmt: str) -> None:
    text = text_of(render(SAMPLE, fmt), fmt)
    for expected in [
        "Plan van aanpak Groep Voorbeeld",
        "Zaak",
        "JG-0000-001",
        "1. Probleemanalyse",
        "Eerste alinea.",
        "Tweede alinea.",
        "Aangeleverd door de regisseur",
        "€1.500",
        "[nog in te vullen door de regisseur: de duiding van de groep]",
        "jongerenwerk",
        "2030-01-31",
        "tweede punt",
        "Open acties per organisatie",
        "wortel ab12",
    ]:
        assert expected in text, (fmt, expected)
    assert "[nog in te vullen door de regisseur: de aanleiding]" not in text


def test_the_word_file_opens_and_has_its_headings_in_order() -> None:
    data = render(SAMPLE, "docx")
    assert docx_headings(data) == [
        ("Title", "Plan van aanpak Groep Voorbeeld"),
        ("Heading 1", "1. Probleemanalyse"),
        ("Heading 2", "1.1 Aanleiding"),
        ("Heading 2", "1.2 Duiding"),
        ("Heading 1", "2. Acties"),
        ("Heading 1", "3. Monitoring"),
    ]
    opened = docx.Document(io.BytesIO(data))
    assert opened.core_properties.title == SAMPLE.title
    assert len(opened.tables) == 1 and opened.tables[0].cell(1, 0).text == "Huisbezoek | team"
    assert len(opened.inline_shapes) == 1


def test_the_pdf_renders_to_pages_with_the_chart_on_them() -> None:
    pages = pdf_pages(render(SAMPLE, "pdf"))
    assert len(pages) >= 1
    colours = pages[-1].convert("RGB").getcolors(maxcolors=1 << 24) or []
    blue = sum(n for n, rgb in colours if abs(rgb[0] - 0x1F) < 12 and abs(rgb[2] - 0x8B) < 12)
    assert blue > 300, "the chart is drawn"


def test_markdown_keeps_tables_and_placeholders_intact() -> None:
    md = render(SAMPLE, "md").decode()
    assert "| Huisbezoek \\| team | jongerenwerk | 2030-01-31 |" in md
    assert "**[nog in te vullen door de regisseur: de duiding van de groep]**" in md
    assert "![Open acties per organisatie](data:image/png;base64," in md
    assert "\n### 1.1 Aanleiding\n" in md


def test_an_unknown_format_is_bad_input() -> None:
    with pytest.raises(BadInput, match="docx, pdf, md"):
        render(SAMPLE, "odt")


def test_a_table_row_must_fit_the_header() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        Table(("a", "b", "c"), (("1", "2"),))


# What Dutch plan texts hold: letters with their accents, digits, punctuation, the euro
# sign, and characters that mean something in Markdown or a table (#, |, *, -).
_TEXT = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"()-/"
        "€éëïöüàèçñÉ&%@#|*‘’“”–"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=25, deadline=None)
@given(words=st.lists(_TEXT, min_size=1, max_size=4), fmt=st.sampled_from(FORMATS))
def test_any_text_survives_every_format(words: list[str], fmt: str) -> None:
    document = Document(
        title="Toets",
        sections=(
            Section("Tekst", tuple(Paragraph(w) for w in words)),
            Section("Tabel", (Table(("kolom",), tuple((w,) for w in words)),)),
        ),
    )
    text = text_of(render(document, fmt), fmt)
    for word in words:
        assert " ".join(word.split()) in (text.replace("\\", "") if fmt == "md" else text)
