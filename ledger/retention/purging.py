"""Purging due keys in batches: per batch one durable commit of its purge records (one
signed checkpoint) and then one key-store transaction destroying its keys (decision 0047).

Records first, keys after, batch by batch, exactly as one by one before (decision 0010):
a run cut short between the two leaves recorded purges with live keys, which the next
write or run finishes (decision 0019); a batch cut short before its commit left nothing,
and its items are still due.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError

from ledger.application import Regie
from ledger.crypto.keystore import KeyStore
from ledger.domain.acting import Acting
from ledger.domain.retention import Purge
from ledger.errors import Inconsistent
from ledger.retention import lists
from policies.retention_schedule import Item

BATCH = 500
"""Keys per batch: a durable commit and a key-store transaction each, for this many."""

Progress = Callable[[int, int], None]


def purge_record(item: Item, run_id: str, executed_on: str, app: Regie, by: Acting) -> Purge:
    """The record of one destroyed key, made before the key goes."""
    if item.due is None or item.start_date is None or not item.class_id:
        raise Inconsistent(
            f"retention item {item.label} ({item.category}) is due without a class "
            "or dates; nothing more was purged"
        )
    # A date derived from the date of birth would outlive the destroyed key: the
    # record of an age limit keeps only the year in which it was reached.
    start_date, due_date = (
        (item.start_date[:4] + "-01-01", item.due[:4] + "-01-01")
        if item.year_only
        else (item.start_date, item.due)
    )
    return Purge(
        owner=item.owner,
        owner_kind=item.owner_kind,
        label=item.label,
        category=item.category,
        class_id=item.class_id,
        start_event=item.start_event,
        start_date=start_date,
        due_date=due_date,
        executed_on=executed_on,
        run_id=run_id,
        policy_hash=app.policies.policy_hash,
        by=by.record(),
    )


def _record(app: Regie, records: Sequence[tuple[Item, Purge]]) -> list[dict[str, Any]]:
    """Save the batch's records in one commit; those another run recorded first (a
    rare race) are skipped one by one. Returns the items this run recorded."""
    try:
        app.save(*(purge for _, purge in records))
    except IntegrityError:
        recorded = []
        for item, purge in records:
            try:
                app.save(purge)
            except IntegrityError:
                continue  # recorded by another run; its key is destroyed below all the same
            recorded.append(lists.shown(item))
        return recorded
    return [lists.shown(item) for item, _ in records]


def purge(
    app: Regie,
    keystore: KeyStore,
    run_id: str,
    due: Sequence[Item],
    by: Acting,
    progress: Progress | None = None,
    batch: int | None = None,
) -> list[dict[str, Any]]:
    """Record and destroy every due key, ``batch`` (default BATCH) at a time; returns
    what was recorded."""
    batch = batch or BATCH
    executed_on = app.clock().isoformat()
    purged: list[dict[str, Any]] = []
    for start in range(0, len(due), batch):
        chunk = due[start : start + batch]
        records = [(item, purge_record(item, run_id, executed_on, app, by)) for item in chunk]
        purged.extend(_record(app, records))  # recorded first: never a key gone unrecorded
        keystore.shred_many((item.owner, [item.category]) for item in chunk)
        if progress is not None:
            progress(start + len(chunk), len(due))
    return purged
