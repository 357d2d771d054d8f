"""What the demo has set up by the time the integral picture is due, handed to the parts
of the scenario that go on from there (execution, meetings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting


@dataclass(frozen=True)
class Scene:
    """Who and what the scenario has set up by the time the integral picture is due."""

    ledger: Ledger
    ref: str
    day: Callable[[int], date]
    regisseur: Acting
    uc: Acting
    youths: list[str]
    police_provision: str
    """The police's provision about the group (the plan's home visits build on it)."""

    def advance(self, ago: int, body: str, reason: str, merge: bool = False) -> None:
        self.ledger.cases.advance(
            c.build(
                c.Advance,
                case=self.ref,
                body=body,
                reason=reason,
                decided_on=self.day(ago),
                merge_4_5=merge,
            ),
            self.regisseur,
        )
