"""What the CLI asks of the tamper-evident log: checkpoints, verification, proofs, rotation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.audit import verify as v
from ledger.audit.checkpoint import Checkpoint
from ledger.crypto.keyfiles import KeyFiles, load_public_key, public_key_hex
from ledger.store import Store


class LogAudit:
    def __init__(self, store: Store, keys: KeyFiles, origin: Callable[[], str]) -> None:
        self.store = store
        self.keys = keys
        self.origin = origin

    def public_key(self) -> Ed25519PublicKey:
        return self.keys.signing_key().public_key()

    def checkpoint(self) -> dict[str, Any]:
        with self.store.read() as conn:
            head = v.latest_checkpoint(conn, self.origin())
        out = head.to_json()
        out["public_key"] = public_key_hex(self.public_key())
        return out

    def checkpoints(self) -> list[Checkpoint]:
        with self.store.read() as conn:
            return v.list_checkpoints(conn, self.origin())

    def verify(self, progress: v.Progress | None = None) -> v.VerifyReport:
        with self.store.read() as conn:
            return v.verify(conn, self.origin(), self.public_key(), progress)

    def prove(self, position: int, with_event: bool = False) -> dict[str, Any]:
        with self.store.read() as conn:
            return v.inclusion(conn, self.origin(), position, with_event)

    def consistency(self, old_size: int, new_size: int) -> dict[str, Any]:
        with self.store.read() as conn:
            return v.consistency(conn, self.origin(), old_size, new_size)


def check_proof_file(proof: Any, public_key_path: Any) -> str:
    """Offline: no database, only the proof and the ledger's public key."""
    return v.check_proof(proof, load_public_key(public_key_path))
