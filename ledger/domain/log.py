"""The log's own history: its signing keys, its witnesses, and an accepted rollback.

These events are what verification follows (a rotation names the next signing key, and
the checkpoint of its transaction is still signed by the old one) and what the audit
shows (who added a witness, who accepted that the ledger was restored from a backup).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain.acting import Acting

_NAMESPACE = uuid5(NAMESPACE_URL, "https://regie.invalid/log")
SIGNING_KEYS_ID = uuid5(_NAMESPACE, "signing-keys")


def witness_id(name: str) -> UUID:
    return uuid5(_NAMESPACE, f"witness:{name.lower()}")


class SigningKeys(Aggregate):
    """The chain of keys that sign the checkpoints, after the first (see ``regie init``)."""

    class Started(Aggregate.Created):
        class_version = 1

        by: dict[str, Any]

    @event(Started)
    def __init__(self, by: dict[str, Any]) -> None:
        self.rotations = 0

    @classmethod
    def create_id(cls, **_: Any) -> UUID:
        return SIGNING_KEYS_ID

    class Rotated(Aggregate.Event):
        """From the next checkpoint on, ``new_key_id`` signs; this one's is the old key's."""

        class_version = 1

        old_key_id: str
        new_key_id: str
        new_public_key: str  # raw Ed25519 public key, hex
        by: dict[str, Any]

        def apply(self, keys: SigningKeys) -> None:
            keys.rotations += 1

    def rotate(self, old_key_id: str, new_key_id: str, new_public_key: str, by: Acting) -> None:
        self.trigger_event(
            self.Rotated,
            old_key_id=old_key_id,
            new_key_id=new_key_id,
            new_public_key=new_public_key,
            by=by.record(),
        )

    class RollbackAccepted(Aggregate.Event):
        """The ledger was restored to an older state on purpose; the witnessed head it
        fell behind is kept here, so that the audit shows what was lost and why."""

        class_version = 1

        witnessed_size: int
        witnessed_root: str
        ledger_size: int
        reason: str
        by: dict[str, Any]

        def apply(self, keys: SigningKeys) -> None:
            pass

    def accept_rollback(
        self, witnessed_size: int, witnessed_root: str, ledger_size: int, reason: str, by: Acting
    ) -> None:
        self.trigger_event(
            self.RollbackAccepted,
            witnessed_size=witnessed_size,
            witnessed_root=witnessed_root,
            ledger_size=ledger_size,
            reason=reason,
            by=by.record(),
        )


class Witness(Aggregate):
    """A place outside the ledger that receives every new checkpoint (a directory)."""

    class Registered(Aggregate.Created):
        class_version = 1

        name: str
        kind: str
        location: str
        by: dict[str, Any]

    @event(Registered)
    def __init__(self, name: str, kind: str, location: str, by: dict[str, Any]) -> None:
        self.name = name
        self.kind = kind
        self.location = location

    @classmethod
    def create_id(cls, name: str, **_: Any) -> UUID:
        return witness_id(name)
