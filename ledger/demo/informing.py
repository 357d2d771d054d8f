"""The demo's information duty: one letter handed over at the home visit, one deferred."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting


def inform(ledger: Ledger, youths: list[str], day: Any, uc: Acting) -> None:
    """The information duty: one letter handed over at the home visit, one deferred."""
    from tempfile import TemporaryDirectory

    from ledger.letters.commands import DeferLetters, DeliverLetter, GenerateLetters

    letters = ledger.letters
    with TemporaryDirectory() as out:  # the demo keeps the record, not the paper
        written = letters.generate(
            c.build(GenerateLetters, subject=youths[0], format="txt", letter_date=day(210)),
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
