"""The demo's information duty as practised: one letter handed over at the home visit;
for the youngest, the jongerenwerker phones the parent (000 L280-282) and the youth gets
the letter at the home conversation; one deferral under UAVG art. 41, confirmed by the
privacy officer in a second decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting

PERSONAL = (
    "Wij maken ons zorgen omdat Demo Jongere Drie de laatste tijd vaak 's avonds laat op "
    "het Stationsplein is, waar het onrustig is. Het jongerenwerk praat graag over wat "
    "Demo Jongere Drie zelf wil, bijvoorbeeld over school of een bijbaan."
)
"""The personal paragraph stands in both letters (the youth's and the parent's), so it
names the youth rather than saying "je" or "u"."""


def inform(ledger: Ledger, youths: list[str], day: Any, uc: Acting) -> None:
    from tempfile import TemporaryDirectory

    from ledger.letters.commands import (
        DecideDeferral,
        DeferLetters,
        DeliverLetter,
        GenerateLetters,
        InformSubject,
    )

    letters = ledger.letters
    with TemporaryDirectory() as out:  # the demo keeps the record, not the paper
        written = letters.generate(
            c.build(GenerateLetters, subject=youths[0], format="txt", letter_date=day(210)),
            uc,
            Path(out),
        )
        youngest = letters.generate(
            c.build(
                GenerateLetters,
                subject=youths[2],
                format="pdf",
                letter_date=day(207),
                personal=PERSONAL,
            ),
            uc,
            Path(out),
        )
    for letter in written:
        letters.hand_over(
            c.build(
                DeliverLetter,
                subject=youths[0],
                addressee=letter.addressee,
                how="overhandigd",
                delivered_on=day(205),
            ),
            uc,
        )
    # The jongerenwerker phones the parent, and records it himself (a partner contact).
    jongerenwerker = ledger.app.acting("jongerenwerk-demo")
    letters.inform(
        c.build(
            InformSubject,
            subject=youths[2],
            how="telefoon",
            to="vertegenwoordiger",
            informed_on=day(206),
            told="Ouder gebeld: uitgelegd dat de partners hun zorgen over de groep delen, "
            "welke gegevens en waarom; de brief volgt bij het huisgesprek (demo)",
        ),
        jongerenwerker,
    )
    youth_letter = next(x for x in youngest if x.kind == "jongere")
    letters.inform(
        c.build(
            InformSubject,
            subject=youths[2],
            how="huisgesprek",
            to="jongere",
            addressee=youth_letter.addressee,
            informed_on=day(204),
            with_letter=True,
        ),
        uc,
    )
    letters.defer(
        c.build(
            DeferLetters,
            subject=youths[1],
            ground="uavg41",
            reason="Lopend strafrechtelijk onderzoek (demo)",
            review_date=day(64),  # passed: the privacy officer sees it among the findings
            deferred_on=day(214),
        ),
        uc,
    )
    letters.decide_deferral(
        c.build(
            DecideDeferral,
            subject=youths[1],
            confirm=True,
            reason="Opsporingsbelang bevestigd door de officier van justitie (demo)",
            decided_on=day(213),
        ),
        ledger.app.acting("privacy-demo"),
    )
