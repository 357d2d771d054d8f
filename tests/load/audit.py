"""After a load: what the ledger holds, and every way it disagrees with what clients heard.

An acknowledged write must be in the ledger exactly once, as it was answered (the signal
number, the case reference, the subject id); a refused one must have left nothing but its
denial in the access log; one that got no answer (the server was killed) may be there at
most once. Nothing else may be there; positions run 1..n without a gap, signal numbers
per case too; and the log verifies with every signed checkpoint and the high-water mark.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ledger.bootstrap import Ledger
from ledger.domain.access import DENIED
from ledger.projections import tables as t
from ledger.store.schema import events
from ledger.tokens.service import UNAUTHENTICATED
from tests import builders as b
from tests.load.clients import Outcome

MARKER = re.compile(r"L\d{2}-\d{3}")
SNAPSHOT = (t.cases, t.signals, t.subjects, t.members, t.access_log)
"""The read models compared before and after a rebuild."""


@dataclass
class Found:
    signals: dict[str, list[tuple[str, int]]]
    """By marker: where it was recorded, (case reference, signal number)."""
    numbers: dict[str, list[int]]
    opened: dict[str, list[str]]
    """By marker: the references of the cases whose working name carries it."""
    subjects: set[str]
    members: set[tuple[str, str]]
    positions: list[int]
    denials: Counter[tuple[str, str]]
    verified: int
    """Events `audit verify` recomputed."""


def read_ledger(ledger: Ledger) -> Found:
    """Catch the read models up, verify the log, and read back what the load left."""
    report = ledger.operations.verify(ledger.app.acting(b.ADMIN))
    ledger.projections.catch_up()
    found = Found({}, {}, {}, set(), set(), [], Counter(), report.events)
    with ledger.store.read() as conn:
        refs = dict(conn.execute(select(t.cases.c.case_id, t.cases.c.ref)).tuples().all())
        for case_key, number, text in conn.execute(
            select(t.signals.c.case_id, t.signals.c.number, t.signals.c.text)
        ).tuples():
            ref = refs[case_key]
            found.numbers.setdefault(ref, []).append(number)
            for marker in MARKER.findall(text):
                found.signals.setdefault(marker, []).append((ref, number))
        for ref, name in conn.execute(select(t.cases.c.ref, t.cases.c.working_name)).tuples():
            for marker in MARKER.findall(name):
                found.opened.setdefault(marker, []).append(ref)
        found.subjects = set(conn.execute(select(t.subjects.c.subject_id)).scalars())
        found.members = {
            (refs[case_key], subject)
            for case_key, subject in conn.execute(
                select(t.members.c.case_id, t.members.c.subject_id)
            ).tuples()
        }
        found.positions = list(
            conn.execute(select(events.c.notification_id).order_by(events.c.notification_id))
            .scalars()
        )  # fmt: skip
        a = t.access_log
        found.denials = Counter(
            conn.execute(select(a.c.actor, a.c.command).where(a.c.outcome == DENIED)).tuples()
        )
    return found


def snapshot(ledger: Ledger) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the compared read models, in a stable order."""
    ledger.projections.catch_up()
    with ledger.store.read() as conn:
        return {
            table.name: sorted(conn.execute(select(table)).tuples(), key=repr) for table in SNAPSHOT
        }


def _at_most_once(what: str, key: str, places: Iterable[object], answered: bool) -> str | None:
    count = len(list(places))
    if answered and count != 1:
        return f"acknowledged {what} {key} is in the ledger {count} times"
    if not answered and count > 1:
        return f"unanswered {what} {key} is in the ledger {count} times"
    return None


def disagreements(outcomes: list[Outcome], found: Found) -> list[str]:
    """Every way the ledger disagrees with the answers (empty: it agrees)."""
    problems: list[str] = []
    if found.positions != list(range(1, len(found.positions) + 1)):
        problems.append(f"positions are not 1..{len(found.positions)} without a gap")
    if found.verified != len(found.positions):
        problems.append(f"verify covered {found.verified} of {len(found.positions)} events")
    for ref, numbers in found.numbers.items():
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append(f"signal numbers of {ref} are not 1..{len(numbers)}")
    markers: set[str] = set()
    subjects: set[str] = set()
    members: set[tuple[str, str]] = set()
    denials: Counter[tuple[str, str]] = Counter()
    unanswered_denials: Counter[tuple[str, str]] = Counter()
    for o in outcomes:
        op, acked, answered = o.op, o.acknowledged, o.status is not None
        may = acked or not answered  # what the ledger may hold of it
        if op.denied:
            actor = UNAUTHENTICATED.actor if op.token else o.persona.actor
            (denials if answered else unanswered_denials)[(actor, op.denied)] += 1
        if op.kind in ("signal", "shared-signal") and may:
            markers.add(op.marker)
            places = found.signals.get(op.marker, [])
            problems.append(_at_most_once("signal", op.marker, places, acked) or "")
            if acked and places and places[0] != (op.case, o.answer):
                problems.append(f"signal {op.marker} is {places[0]}, answered {o.answer}")
        elif op.kind == "open" and may:
            markers.add(op.marker)
            places = found.opened.get(op.marker, [])
            problems.append(_at_most_once("case", op.marker, places, acked) or "")
            if acked and places and places[0] != o.answer["ref"]:
                problems.append(f"case {op.marker} is {places[0]}, answered {o.answer['ref']}")
        elif op.kind == "subject" and acked:
            subjects.add(str(o.answer["id"]))
        elif op.kind == "member" and may:
            members.add((op.case, op.marker))
            if acked and (op.case, op.marker) not in found.members:
                problems.append(f"acknowledged member of {op.case} is not in the ledger")
    unanswered_subjects = sum(1 for o in outcomes if o.op.kind == "subject" and o.status is None)
    stray = set(found.signals) | set(found.opened)
    problems += [f"{m} is in the ledger, but no write of it was acknowledged"
                 for m in sorted(stray - markers)]  # fmt: skip
    if not subjects <= found.subjects:
        problems.append(f"{len(subjects - found.subjects)} acknowledged subjects are missing")
    if len(found.subjects - subjects) > unanswered_subjects:
        problems.append(f"{len(found.subjects - subjects)} subjects nobody was told of")
    if found.members - members:
        problems.append(f"{len(found.members - members)} memberships nobody was told of")
    for key in set(denials) | set(found.denials):
        if not denials[key] <= found.denials[key] <= denials[key] + unanswered_denials[key]:
            problems.append(f"{found.denials[key]} denials of {key}, {denials[key]} answered")
    return [p for p in problems if p]
