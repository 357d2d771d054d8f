"""Management information (issue 13, item 4): the overview counts what it should for the
cases a role may see, holds no personal data, and its HTML page shows its charts in a real
browser (headless Chromium)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.workbench import report
from tests import browser
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_sharing import ad_hoc

NAME = "Testpersoon Overzicht"
GROUP = "Groep Overzichtplein"
BLUE = (0x1F, 0x5F, 0x8B)


def two_cases(ledger: Ledger, clock: FixedClock) -> tuple[str, str]:
    by = b.seed_actors(ledger)
    first = b.open_case(ledger, by, GROUP)
    b.walk_to_step(ledger, by, first, 6)  # two actions of youth work, due 2027-01-15
    youth = ledger.persons.register(
        c.build(c.RegisterSubject, kind="jongere", name=NAME, date_of_birth=date(2010, 2, 3)), by
    ).short
    ledger.group.add_member(
        c.build(c.Membership, case=first, subject=youth, core="kern", influence="negatief"), by
    )
    ledger.sharing.record_share(ad_hoc(first), by)  # group level, ad hoc, by the gemeente
    second = b.open_case(ledger, by, "Groep Tweedeplein")
    b.walk_to_step(ledger, by, second, 2)
    clock.set(date(2027, 1, 20))  # the actions are now overdue
    return first, second


def test_the_figures_count_what_the_record_holds(ledger: Ledger, clock: FixedClock) -> None:
    two_cases(ledger, clock)
    by = ledger.app.acting(b.REGISSEUR)
    figures = ledger.overview.overview(by, since=date(2026, 1, 1))
    assert figures["cases"] == 2
    assert {s["step"]: s["groups"] for s in figures["per_step"] if s["groups"]} == {2: 1, 6: 1}
    assert figures["actions"] == [{"organisation": "jongerenwerk", "open": 2, "overdue": 2}]
    assert figures["provisions"] == [
        {"from": "gemeente", "basis": "ad hoc", "outcome": "verstrekt", "count": 1}
    ]
    stays = {s["step"]: s["stays"] for s in figures["time_per_step"]}
    assert stays[1] == 2 and stays[5] == 1  # both left step 1; one went through 5
    assert figures["letters"] is None or figures["letters"]["due"] >= 0
    text = json.dumps(figures, ensure_ascii=False)
    for personal in (NAME, GROUP, "P-"):
        assert personal not in text
    # A role that works on its own cases counts only those: the coordinator of the first.
    own = ledger.overview.overview(ledger.app.acting(b.UC), since=date(2026, 1, 1))
    assert own["cases"] == 1 and {s["step"] for s in own["per_step"] if s["groups"]} == {6}


def test_the_html_page_shows_its_charts_in_chromium(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    two_cases(ledger, clock)
    figures = ledger.overview.overview(ledger.app.acting(b.REGISSEUR), since=date(2026, 1, 1))
    page = tmp_path / "overzicht.html"
    page.write_text(report.html(figures), encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html), "self-contained"
    assert "<script" not in html and NAME not in html and GROUP not in html
    try:
        shown = browser.dom(page, tmp_path)
        picture = browser.screenshot(page, tmp_path)
    except browser.system_packages.Missing as missing:
        pytest.skip(str(missing))
    assert len(re.findall(r'<figure class="chart"[^>]*>\s*<svg', shown)) == 5
    with Image.open(picture) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
        blue = sum(
            n for n, rgb in colours if all(abs(a - e) <= 8 for a, e in zip(rgb, BLUE, strict=True))
        )
    assert blue > 2_000, "the bars are drawn"


def test_the_pdf_carries_the_charts(ledger: Ledger, clock: FixedClock) -> None:
    two_cases(ledger, clock)
    figures = ledger.overview.overview(ledger.app.acting(b.REGISSEUR), since=date(2026, 1, 1))
    made = report.pdf(figures)
    assert made.startswith(b"%PDF-")
    assert made.count(b"/Subtype /Image") == 5
