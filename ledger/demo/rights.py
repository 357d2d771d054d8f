"""The demo's rights request: an inzageverzoek answered within its deadline.

The privacy officer registers the request of a youth (received a hundred days ago), which
places a legal hold on the youth; it is answered with the subject report three weeks
later, well within the month, and the decision lifts the hold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.rights.commands import DecideRequest, OpenRequest


def answer(ledger: Ledger, youths: list[str], day: Callable[[int], date]) -> str:
    """An inzage request of the first youth, decided in time; returns its reference."""
    officer = ledger.app.acting("privacy-demo")
    opened = ledger.rights.open(
        c.build(
            OpenRequest,
            subject=youths[0],
            kind="inzage",
            received_on=day(100),
            note="Moeder belde namens de jongere: welke gegevens zijn gedeeld?",
        ),
        officer,
    )
    ledger.rights.decide(
        c.build(
            DecideRequest,
            request=opened["request"],
            outcome="toegewezen",
            reason="Overzicht (audit subject-report) bij het huisbezoek overhandigd.",
            decided_on=day(79),
        ),
        officer,
    )
    return str(opened["request"])
