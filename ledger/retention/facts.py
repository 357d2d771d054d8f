"""The facts the retention engine judges, gathered from the read models and the key store:
cases and their memberships, subjects (with the date of birth opened, for age limits),
keys sealed under cases, access-log months, holds and purges already recorded."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ledger.crypto.envelope import RECORDS, SIGNALS
from ledger.crypto.keystore import KeyStore, data_keys
from ledger.crypto.seal import MASKED, Sealer
from ledger.domain.case import ACTIVE
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from policies import retention_schedule as engine
from policies.retention_schedule import ACCESS_LOG

CASE_CATEGORIES = {
    SIGNALS: "signals",
    RECORDS: "meeting-records",
    "politie-informatie": "meeting-records",  # the groepsscan summary, sealed per case
}


def gather(
    queries: Queries, keystore: KeyStore, sealer: Sealer, holds: list[dict[str, Any]]
) -> engine.Facts:
    """What the engine judges, gathered from the read models and the key store."""
    memberships: dict[str, list[engine.Membership]] = defaultdict(list)
    case_members: dict[str, set[str]] = defaultdict(set)
    for row in queries.rows(select(t.members)):
        memberships[row["subject_id"]].append(engine.Membership(row["case_id"], row["ended_on"]))
        case_members[row["case_id"]].add(row["subject_id"])
    last_signal = {
        r["case_id"]: r["last"]
        for r in queries.rows(
            select(t.signals.c.case_id, func.max(t.signals.c.observed_on).label("last")).group_by(
                t.signals.c.case_id
            )
        )
    }
    left_step_1 = {
        r["case_id"]
        for r in queries.rows(
            select(t.step_history.c.case_id).where(
                t.step_history.c.from_step == 1, t.step_history.c.kind == t.STEP_FORWARD
            )
        )
    }
    received = {
        r["case_id"]: r["first"]
        for r in queries.rows(
            select(t.groepsscans.c.case_id, func.min(t.groepsscans.c.received_on).label("first"))
            .where(t.groepsscans.c.received_on.is_not(None))
            .group_by(t.groepsscans.c.case_id)
        )
    }
    cases = {
        r["case_id"]: engine.CaseFacts(
            case_id=r["case_id"],
            ref=r["ref"],
            ongoing=r["status"] == ACTIVE,
            closed_on=r["closed_on"],
            ended_on=r["ended_on"],
            bewaartermijn=r["bewaartermijn"],
            last_signal=last_signal.get(r["case_id"]),
            left_step_1=r["case_id"] in left_step_1,
            members=frozenset(case_members[r["case_id"]]),
            police_received=received.get(r["case_id"]),
        )
        for r in queries.rows(select(t.cases))
    }
    rows = queries.rows(select(t.subjects).where(t.subjects.c.erased_at.is_(None)))
    by_id = {r["subject_id"]: r for r in rows}
    youths = {r["youth_id"] for r in rows if r["youth_id"]} - set(by_id)
    if youths:  # an erased youth's representative still follows the youth's cases
        by_id.update(
            (r["subject_id"], r)
            for r in queries.rows(select(t.subjects).where(t.subjects.c.subject_id.in_(youths)))
        )
    born = {r["subject_id"]: _date_of_birth(sealer, r) for r in rows}
    subjects = []
    for r in rows:
        # A legal representative's data follows the youth they represent: the youth's
        # cases, registration and age, never the representative's own date of birth.
        youth = by_id.get(r["youth_id"] or "")
        follows = youth or r
        subjects.append(
            engine.SubjectFacts(
                subject_id=r["subject_id"],
                short=r["short"],
                categories=tuple(json.loads(r["categories"])),
                registered_on=follows["registered_on"],
                born=born.get(follows["subject_id"]),
                memberships=tuple(memberships[follows["subject_id"]]),
                represents=youth["subject_id"] if youth else None,
                represents_short=youth["short"] if youth else None,
            )
        )
    held = frozenset(r["target"] for r in holds)
    with keystore.engine.connect() as conn:
        case_keys = [
            (r[0], r[1])
            for r in conn.execute(
                select(data_keys.c.subject_id, data_keys.c.category).where(
                    data_keys.c.category.in_(list(CASE_CATEGORIES))
                )
            )
        ]
        months = {
            r[0]
            for r in conn.execute(
                select(data_keys.c.subject_id).where(
                    data_keys.c.subject_id.startswith(f"{ACCESS_LOG}:", autoescape=True)
                )
            )
        }
    purged = frozenset((r["owner"], r["category"]) for r in queries.rows(select(t.purges)))
    months |= {o for o, _ in purged if o.startswith(f"{ACCESS_LOG}:")}
    held_subjects = [h for h in held if len(h) == 36]
    access = [
        engine.AccessMonth(owner, owner.split(":", 1)[1], _seen(queries, owner, held_subjects))
        for owner in sorted(months)
    ]
    return engine.Facts(cases, subjects, case_keys, CASE_CATEGORIES, access, held, purged)


def _seen(queries: Queries, owner: str, subjects: list[str]) -> bool:
    """Was any of these (held) subjects seen in this access-log month?"""
    if not subjects:
        return False
    month = owner.split(":", 1)[1]
    query = (
        select(t.access_log.c.access_id)
        .where(
            t.access_log.c.on_date.startswith(month, autoescape=True),
            t.access_log.c.subject_id.in_(subjects),
        )
        .limit(1)
    )
    return bool(queries.rows(query))


def _date_of_birth(sealer: Sealer, subject: dict[str, Any]) -> date | None:
    sealed = subject.get("dob_sealed")
    if not sealed:
        return None
    value = sealer.open(subject["subject_id"], "date_of_birth", json.loads(sealed))
    return None if value in (None, MASKED) else date.fromisoformat(str(value))
