"""What each persona sends, and what it must get back.

Every write carries a marker unique to the run (``L<persona>-<number>``) in a text the
ledger keeps (a signal's text, a case's working name), so that afterwards each one can be
looked up: there once if it was acknowledged, not at all if it was refused. Every refusal
names the answer it must get: its status and a piece of the one-line reason, its own.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from tests.load.world import PARTNER_ROLE, PRIVACY, REGISSEUR, Persona, World

WRITES = frozenset({"signal", "shared-signal", "subject", "member", "open"})
FUTURE_DAYS = 30
"""How far ahead a future-dated signal lies: far enough that no clock skew matters."""


@dataclass(frozen=True)
class Op:
    kind: str
    route: str
    body: dict[str, Any]
    expect: int = 200
    reason: str = ""
    """A piece of the error the refusal must say (empty for a command that succeeds)."""
    marker: str = ""
    case: str = ""
    token: str | None = None
    """The token to send instead of the persona's own (a forged one)."""
    denied: str = ""
    """The command a gate or authentication denial is recorded under in the access log."""

    @property
    def write(self) -> bool:
        return self.kind in WRITES and self.expect == 200


@dataclass
class Known:
    """What a persona was told so far: read-your-writes is checked against it."""

    signals: int
    subjects: list[str] = field(default_factory=list)
    """Registered, not yet members of the persona's case."""
    members: list[str] = field(default_factory=list)


def signal_body(case: str, marker: str, **extra: Any) -> dict[str, Any]:
    """A signal.add body whose text carries the marker."""
    body = {"case": case, "kind": "overlast", "location": "Testplein", "source_org": "politie",
            "source_role": "wijkagent", "text": f"Melding {marker}: groep bij de hal"}  # fmt: skip
    return {**body, **extra}


def _without(body: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != field}


def _future() -> str:
    return (dt.date.today() + dt.timedelta(days=FUTURE_DAYS)).isoformat()


def _regisseur(p: Persona, world: World, known: Known, marker: str, pick: str) -> Op:
    case = p.case or ""
    if pick == "member" and known.subjects:
        subject = known.subjects[0]
        body = {"case": case, "subject": subject, "core": "kern", "influence": "negatief"}
        return Op("member", "member.add", body, marker=subject, case=case)
    if pick == "again" and known.members:
        body = {"case": case, "subject": known.members[0], "core": "kern", "influence": "meeloper"}
        known_member = "is already a member; change the position [rule member.known]"
        return Op("member-again", "member.add", body, 403, known_member)
    simple = {
        "signal": lambda: Op("signal", "signal.add", signal_body(case, marker), marker=marker,
                             case=case),
        "shared": lambda: Op("shared-signal", "signal.add", signal_body(world.shared, marker),
                             marker=marker, case=world.shared),
        "subject": lambda: Op("subject", "subject.add", {
            "kind": "jongere", "name": f"Jongere {marker}", "date_of_birth": "2010-05-01"}),
        "open": lambda: Op("open", "case.open", {"working_name": f"Groep {marker}",
                           "municipality": "Teststad", "area": "Noord"}, marker=marker),
        "show": lambda: Op("show", "case.show", {"ref": case, "with_members": True}, case=case),
        "list": lambda: Op("list", "case.list", {}),
        "signals": lambda: Op("signals", "signal.list", {"ref": case}, case=case),
        "future": lambda: Op("future", "signal.add",
                             signal_body(case, marker, observed_on=_future()),
                             403, "lies in the future [rule date.not-future]", marker),
        "kind": lambda: Op("bad-kind", "signal.add", signal_body(case, marker, kind="onbekend"),
                           400, "unknown signal kind 'onbekend'", marker),
        "missing": lambda: Op("missing", "signal.add", _without(signal_body(case, marker),
                              "location"), 400, "location: Field required", marker),
        "nocase": lambda: Op("no-case", "case.show", {"ref": "JG-2000-999"}, 404,
                             "there is no case JG-2000-999"),
        "forged": lambda: Op("forged", "case.list", {}, 401, "unknown API token",
                             token="tok_000000000000." + "A" * 43, denied="case.list"),
    }  # fmt: skip
    return simple.get(pick, simple["signal"])()


REGISSEUR_MIX = {
    "signal": 25, "shared": 10, "subject": 9, "member": 8, "again": 2, "open": 3, "show": 10,
    "list": 5, "signals": 5, "future": 4, "kind": 3, "missing": 3, "nocase": 2, "forged": 1,
}  # fmt: skip


def _partner(p: Persona, world: World, marker: str, pick: str) -> Op:
    case = p.case or ""
    ops = {
        "signal": lambda: Op("signal", "signal.add", signal_body(case, marker), marker=marker,
                             case=case),
        "signals": lambda: Op("signals", "signal.list", {"ref": case}, case=case),
        "show": lambda: Op("show", "case.show", {"ref": case}, case=case),
        "open": lambda: Op("open-refused", "case.open", {"working_name": f"Groep {marker}",
                           "municipality": "Teststad", "area": "Noord"}, 403,
                           "role 'partner-contact' may not run `case open` [rule "
                           "permission.denied]", marker, denied="case.open"),
        "elsewhere": lambda: Op("elsewhere", "signal.add", signal_body(world.private, marker), 403,
                                f"'{p.actor}' does not take part in case {world.private} "
                                "[rule permission.participant]", marker, denied="signal.add"),
        "subject": lambda: Op("subject-refused", "subject.add", {
            "kind": "jongere", "name": f"Jongere {marker}", "date_of_birth": "2010-05-01"}, 403,
            "may not run `subject add`", denied="subject.add"),
        "future": lambda: Op("future", "signal.add",
                             signal_body(case, marker, observed_on=_future()),
                             403, "lies in the future [rule date.not-future]", marker),
    }  # fmt: skip
    return ops[pick]()


PARTNER_MIX = {
    "signal": 40, "signals": 10, "show": 10, "open": 8, "elsewhere": 8, "subject": 4, "future": 4,
}  # fmt: skip


def _privacy(world: World, marker: str, pick: str, rng: random.Random) -> Op:
    ops = {
        "list": lambda: Op("list", "case.list", {}),
        "show": lambda: Op("show-any", "case.show", {"ref": rng.choice([world.shared,
                                                                        world.private])}),
        "signal": lambda: Op("signal-refused", "signal.add", signal_body(world.shared, marker), 403,
                             "role 'privacy-officer' may not run `signal add` [rule "
                             "permission.denied]", marker, denied="signal.add"),
        "open": lambda: Op("open-refused", "case.open", {"working_name": f"Groep {marker}",
                           "municipality": "Teststad", "area": "Noord"}, 403,
                           "role 'privacy-officer' may not run `case open`", marker,
                           denied="case.open"),
    }  # fmt: skip
    return ops[pick]()


PRIVACY_MIX = {"list": 30, "show": 30, "signal": 15, "open": 5}


def next_op(p: Persona, world: World, known: Known, number: int, rng: random.Random) -> Op:
    """The persona's ``number``-th command, drawn from its role's mix."""
    marker = f"L{p.index:02d}-{number:03d}"
    mix = {REGISSEUR: REGISSEUR_MIX, PARTNER_ROLE: PARTNER_MIX, PRIVACY: PRIVACY_MIX}[p.role]
    pick = rng.choices(list(mix), weights=list(mix.values()))[0]
    if p.role == REGISSEUR:
        return _regisseur(p, world, known, marker, pick)
    if p.role == PARTNER_ROLE:
        return _partner(p, world, marker, pick)
    return _privacy(world, marker, pick, rng)
