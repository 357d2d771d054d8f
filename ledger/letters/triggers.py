"""When the information duty starts for a youth, and where its letter history lives.

The duty is triggered by the first agreed namenlijst that includes the youth, or the
first provision (verstrekking) of data about the youth, whichever came first. Both are
read from the read models; the letter history is the youth's Letter aggregate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import select

from ledger.application import Regie
from ledger.domain.letter import Letter, letter_id
from ledger.domain.share import PROVIDED
from ledger.domain.subject import YOUTH, short_id
from ledger.errors import Inconsistent
from ledger.projections import tables as t
from ledger.projections.queries import Queries

NAMENLIJST, SHARE = "namenlijst", "verstrekking"


@dataclass(frozen=True)
class Trigger:
    subject_id: str
    kind: str
    on: date
    case: str


def _earliest(found: dict[str, Trigger], candidate: Trigger) -> None:
    known = found.get(candidate.subject_id)
    order = {NAMENLIJST: 0, SHARE: 1}
    if known is None or (candidate.on, order[candidate.kind]) < (known.on, order[known.kind]):
        found[candidate.subject_id] = candidate


def triggers(queries: Queries, subject_id: str | None = None) -> dict[str, Trigger]:
    """The trigger of every youth (or of one) that is not erased, by subject id."""
    queries.projections.catch_up()
    n, s, ss = t.namenlijsten, t.shares, t.share_subjects
    lists = select(n.c.subjects, n.c.agreed_on, t.cases.c.ref).join(
        t.cases, t.cases.c.case_id == n.c.case_id
    )
    shares = (
        select(ss.c.subject_id, s.c.decided_on, s.c.case_ref)
        .join(s, s.c.share_id == ss.c.share_id)
        .where(s.c.outcome == PROVIDED)
    )
    youths = select(t.subjects.c.subject_id).where(
        t.subjects.c.kind == YOUTH, t.subjects.c.erased_at.is_(None)
    )
    if subject_id is not None:
        lists = lists.where(n.c.subjects.contains(f'"{subject_id}"', autoescape=True))
        shares = shares.where(ss.c.subject_id == subject_id)
        youths = youths.where(t.subjects.c.subject_id == subject_id)
    found: dict[str, Trigger] = {}
    with queries.store.read() as conn:
        allowed = {r[0] for r in conn.execute(youths)}
        for subjects, agreed_on, ref in conn.execute(lists):
            for sid in json.loads(subjects):
                if sid in allowed:
                    _earliest(found, Trigger(sid, NAMENLIJST, date.fromisoformat(agreed_on), ref))
        for sid, decided_on, ref in conn.execute(shares):
            if sid in allowed:
                _earliest(found, Trigger(sid, SHARE, date.fromisoformat(decided_on), ref))
    return found


def first_disclosures(queries: Queries) -> dict[str, date]:
    """Per subject id: the day data about them was first provided to another organisation
    (AVG art. 14(3)(c): inform at the latest then)."""
    queries.projections.catch_up()
    s, ss = t.shares, t.share_subjects
    rows = (
        select(ss.c.subject_id, s.c.decided_on)
        .join(s, s.c.share_id == ss.c.share_id)
        .where(s.c.outcome == PROVIDED)
    )
    out: dict[str, date] = {}
    with queries.store.read() as conn:
        for sid, decided_on in conn.execute(rows):
            day = date.fromisoformat(decided_on)
            if sid not in out or day < out[sid]:
                out[sid] = day
    return out


def letter_of(app: Regie, subject_id: str) -> Letter | None:
    """The youth's letter history, or None when nothing was recorded yet."""
    try:
        aggregate: object = app.repository.get(letter_id(subject_id))
    except AggregateNotFoundError:
        return None
    if not isinstance(aggregate, Letter):
        raise Inconsistent(f"the letter record of subject {short_id(subject_id)} is not a letter")
    return aggregate


def active_deferral(app: Regie, subject_id: str, on: date) -> dict[str, Any] | None:
    """The deferral in force on ``on`` (ground, review date, who), if any."""
    letter = letter_of(app, subject_id)
    return letter.state(on).deferral if letter is not None else None


def deferrals_to_review(app: Regie, queries: Queries, on: date) -> list[dict[str, Any]]:
    """Deferrals whose review date has come (on or before ``on``), one row per youth."""
    out = []
    for subject_id, trigger in sorted(triggers(queries).items()):
        deferral = active_deferral(app, subject_id, on)
        if deferral is not None and deferral["review_date"] <= on.isoformat():
            out.append({"subject_id": subject_id, "case": trigger.case, **deferral})
    return out
