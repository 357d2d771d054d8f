"""The seeded ledger a load runs on: who the clients act as and which cases are theirs.

Each client thread is a persona with its own token: regisseurs (each with a case of its
own at step 3, where members may be added, and one case they all write to), partner
contacts of two organisations (each taking part in a case of its own, and in no other),
and privacy officers (who may read cases but record nothing). Only a persona writes to its
own case, so what it reads back there must be exactly what it was told it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ledger import commands as c
from ledger.bootstrap import open_ledger
from ledger.tokens import commands as tc
from tests import builders as b
from tests.serving import PARTNER, seed

PARTNER_2 = "partner-jw-test"
REGISSEUR, PARTNER_ROLE, PRIVACY = "regisseur", "partner-contact", "privacy-officer"
ROLES = (REGISSEUR,) * 8 + (PARTNER_ROLE,) * 6 + (PRIVACY,) * 2
"""The personas of 16 threads, in order (more threads repeat the pattern)."""


@dataclass(frozen=True)
class Persona:
    index: int
    role: str
    actor: str
    token: str
    case: str | None
    """The case only this persona writes to (None for privacy officers)."""


@dataclass(frozen=True)
class World:
    personas: list[Persona]
    shared: str
    """A case every regisseur records signals on at once."""
    private: str
    """A case no partner contact takes part in."""
    admin_token: str
    signals: dict[str, int]
    """Signals per case before the load (no subject is registered before it)."""

    def persona(self, index: int) -> Persona:
        return self.personas[index]


def _actor(role: str, index: int) -> str:
    if role == REGISSEUR:
        return b.REGISSEUR
    if role == PRIVACY:
        return b.PRIVACY
    return PARTNER if index % 2 == 0 else PARTNER_2


def seed_world(database_url: str, key_dir: Path, threads: int) -> World:
    """Initialise the ledger and seed it embedded, as an operator does before `serve`."""
    tokens = seed(database_url, key_dir)
    personas: list[Persona] = []
    with open_ledger(database_url, key_dir=key_dir) as ledger:
        admin = ledger.app.acting(b.ADMIN)
        ledger.actors.register_actor(
            c.build(c.RegisterActor, handle=PARTNER_2, display_name="Test Jongerenwerker",
                    organisation="jongerenwerk", roles=[PARTNER_ROLE]),
            admin,
        )  # fmt: skip
        by = ledger.app.acting(b.REGISSEUR, REGISSEUR)
        shared = b.open_case(ledger, by, "Groep Gedeeld")
        b.walk_to_step(ledger, by, shared, 2)
        private = b.open_case(ledger, by, "Groep Zonder Partners")
        for index in range(threads):
            role = ROLES[index % len(ROLES)]
            actor = _actor(role, index)
            case = None
            if role == REGISSEUR:
                case = b.open_case(ledger, by, f"Groep Regie {index:02d}")
                b.walk_to_step(ledger, by, case, 3)
            elif role == PARTNER_ROLE:
                case = b.open_case(ledger, by, f"Groep Partner {index:02d}")
                ledger.cases.add_participant(
                    c.build(c.Participation, case=case, actor=actor, reason="ketenpartner"), by
                )
            issued = ledger.tokens.issue(c.build(tc.IssueToken, actor=actor), admin)
            personas.append(Persona(index, role, actor, issued.secret, case))
        signals = {}
        for row in ledger.queries.signals():
            signals[row["ref"]] = signals.get(row["ref"], 0) + 1
    return World(personas, shared, private, tokens[b.ADMIN], signals)
