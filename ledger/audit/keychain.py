"""Which key signs which checkpoint: the first key, then each rotation recorded in the log.

A rotation is an event (``SigningKeys.Rotated``) naming the next public key. The checkpoint
of the transaction that stores it is signed by the old key, every later one by the new
key; so a verifier who trusts the first key (its fingerprint kept outside the ledger) can
follow the chain, and whoever merely replaces the key files cannot re-sign history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.utils import get_topic
from sqlalchemy import Connection, select

from ledger.audit.checkpoint import Checkpoint, CheckpointError, public_key_id
from ledger.domain.log import SigningKeys
from ledger.store.schema import events


@dataclass(frozen=True)
class KeyChain:
    """``steps[i] = (position, key)``: ``key`` signs checkpoints larger than ``position``."""

    steps: tuple[tuple[int, Ed25519PublicKey], ...]

    @property
    def first(self) -> Ed25519PublicKey:
        return self.steps[0][1]

    def key_for(self, tree_size: int) -> Ed25519PublicKey:
        key = self.steps[0][1]
        for position, next_key in self.steps[1:]:
            if tree_size > position:
                key = next_key
        return key

    def by_id(self) -> dict[str, Ed25519PublicKey]:
        return {public_key_id(key): key for _, key in self.steps}

    def check(self, head: Checkpoint) -> None:
        """The checkpoint is signed by the key that was current for its size."""
        expected = self.key_for(head.tree_size)
        if head.key_id != public_key_id(expected):
            raise CheckpointError(
                f"checkpoint {head.tree_size} is signed by key {head.key_id}, but the key "
                f"chain from the first key says {public_key_id(expected)} signs it"
            )
        head.verify(expected)

    def check_witnessed(self, head: Checkpoint) -> None:
        """A checkpoint from outside: signed by one of the chain's keys, the right one."""
        known = self.by_id()
        if head.key_id not in known:
            raise CheckpointError(
                f"the witnessed checkpoint {head.tree_size} is signed by key {head.key_id}, "
                "which is not in this ledger's key chain"
            )
        head.verify(known[head.key_id])


def key_chain(conn: Connection, first: Ed25519PublicKey) -> KeyChain:
    """The chain as the log records it, starting from the trusted first key."""
    steps: list[tuple[int, Ed25519PublicKey]] = [(0, first)]
    rows = conn.execute(
        select(events.c.notification_id, events.c.state)
        .where(events.c.topic == get_topic(SigningKeys.Rotated))
        .order_by(events.c.notification_id)
    )
    for position, state in rows:
        try:
            raw = bytes.fromhex(json.loads(bytes(state))["new_public_key"])
            steps.append((int(position), Ed25519PublicKey.from_public_bytes(raw)))
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(
                f"the key rotation at position {position} is unreadable ({type(exc).__name__})"
            ) from None
    return KeyChain(tuple(steps))
