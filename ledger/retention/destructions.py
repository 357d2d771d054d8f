"""Recorded destructions whose keys still exist, and finishing them.

An erasure (``Subject.Erased``) or a purge (``Purge.Purged``) is recorded before its keys
are destroyed, and the key store is another store (decision 0010): a process killed in
between leaves a record of a destruction that did not happen, and the data still opens.
This compares what the read models say was destroyed with the key store's inventory.
Finishing destroys those keys again; destroying a key is idempotent and each key goes in
its own key-store transaction, so finishing may itself be interrupted and simply repeated.
Nothing is recorded for it: the erasure or purge is the record, made by whoever decided it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ledger.crypto.keystore import KeyStore, base_of
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.projections.rights_tables import rectifications
from policies.retention_schedule import CASE, SUBJECT

ERASURE, PURGE, RECTIFICATION = "erasure", "purge", "rectification"
"""A rectification retires one key generation (decision 0031): its record is the exact slot."""


@dataclass(frozen=True)
class Unfinished:
    """One recorded erasure or purge, and the keys it should have destroyed that still exist."""

    what: str
    """ERASURE or PURGE."""
    owner_kind: str
    owner: str
    label: str
    """The pseudonym, case reference or access-log month: never personal data."""
    categories: tuple[str, ...] | None
    """What the record destroys; None: every category of the subject."""
    alive: tuple[str, ...]
    recorded_on: str
    recorded_by: str

    @property
    def case(self) -> str | None:
        return self.label if self.owner_kind == CASE else None

    def age(self, today: date) -> int:
        """Days since the destruction was recorded."""
        return (today - date.fromisoformat(self.recorded_on)).days

    def describe(self, today: date) -> str:
        scope = "every category" if self.categories is None else ", ".join(self.categories)
        return (
            f"{self.what} of {self.owner_kind} {self.label} ({scope}) recorded {self.age(today)} "
            f"day(s) ago; key(s) still exist: {', '.join(self.alive)}"
        )


@dataclass(frozen=True)
class _Recorded:
    what: str
    owner_kind: str
    owner: str
    label: str
    categories: tuple[str, ...] | None
    recorded_on: str
    recorded_by: str


class Destructions:
    def __init__(self, queries: Queries, keystore: Callable[[], KeyStore]) -> None:
        self.queries = queries
        self._keystore = keystore

    def _recorded(self) -> list[_Recorded]:
        erasures = [
            _Recorded(
                ERASURE,
                SUBJECT,
                r["subject_id"],
                r["short"],
                None if r["categories"] is None else tuple(json.loads(r["categories"])),
                r["erased_on"],
                r["actor"],
            )
            for r in self.queries.rows(select(t.erasures).order_by(t.erasures.c.erased_on))
        ]
        p = t.purges
        purges = [
            _Recorded(
                PURGE,
                r["owner_kind"],
                r["owner"],
                r["label"],
                (r["category"],),
                r["executed_on"],
                r["actor"],
            )
            for r in self.queries.rows(
                select(
                    p.c.owner_kind, p.c.owner, p.c.label, p.c.category, p.c.executed_on, p.c.actor
                ).order_by(p.c.executed_on)
            )
        ]
        rectified = [
            _Recorded(
                RECTIFICATION, SUBJECT, r["subject_id"], r["short"], (r["retired"],),
                r["rectified_on"], r["actor"],
            )
            for r in self.queries.rows(
                select(rectifications)
                .where(rectifications.c.retired.is_not(None))
                .order_by(rectifications.c.rectified_on)
            )
        ]  # fmt: skip
        return [*erasures, *purges, *rectified]

    def unfinished(self) -> list[Unfinished]:
        """Every recorded erasure or purge with a key that still exists, oldest first.

        Cheap when nothing was ever destroyed: then the key store is not even opened.
        """
        recorded = self._recorded()
        if not recorded:
            return []
        alive: dict[str, set[str]] = {}
        for owner, category in self._keystore().alive(r.owner for r in recorded):
            alive.setdefault(owner, set()).add(category)
        out = []
        for r in recorded:
            left = sorted(c for c in alive.get(r.owner, ()) if _covers(r, c))
            if left:
                out.append(
                    Unfinished(
                        r.what, r.owner_kind, r.owner, r.label, r.categories, tuple(left),
                        r.recorded_on, r.recorded_by,
                    )
                )  # fmt: skip
        return sorted(out, key=lambda u: (u.recorded_on, u.what, u.label))

    def finish(self, items: Iterable[Unfinished]) -> int:
        """Destroy the keys the records say were destroyed; returns how many records."""
        keystore = self._keystore()
        done = 0
        for item in items:
            if item.what == RECTIFICATION and item.categories is not None:
                for slot in item.categories:
                    keystore.retire(item.owner, slot)
            else:
                keystore.shred(item.owner, None if item.categories is None else item.categories)
            done += 1
        return done

    def alive(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (owner, category) keys still exist."""
        wanted = set(keys)
        if not wanted:
            return set()
        return self._keystore().alive(o for o, _ in wanted) & wanted


def _covers(record: _Recorded, slot: str) -> bool:
    """Does this record destroy the key in ``slot``? An erasure or purge of a category
    takes every generation of it; a rectification exactly the one it retired."""
    if record.categories is None:
        return True
    if record.what == RECTIFICATION:
        return slot in record.categories
    return base_of(slot) in record.categories
