"""What the CLI asks of the tamper-evident log: checkpoints, verification, proofs, rotation."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection

from ledger.audit import proving
from ledger.audit import verify as v
from ledger.audit.checkpoint import Checkpoint, public_key_id
from ledger.audit.document import line
from ledger.audit.keychain import KeyChain, key_chain
from ledger.crypto.keyfiles import KeyFiles, SigningKeyFiles, load_public_key, public_key_hex
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
            head = proving.latest_checkpoint(conn, self.origin())
        out = head.to_json()
        out["public_key"] = public_key_hex(self.public_key())
        out["printed"] = line(head)  # as documents carry it (ledger/audit/document.py)
        return out

    def checkpoints(self) -> list[Checkpoint]:
        with self.store.read() as conn:
            return proving.list_checkpoints(conn, self.origin())

    def chain(self, first: Ed25519PublicKey | None = None) -> KeyChain:
        """The key chain from ``first`` (default: the ledger's own first key file)."""
        anchor = first if first is not None else SigningKeyFiles(self.keys).first_public_key()
        with self.store.read() as conn:
            return key_chain(conn, anchor)

    def chain_in(self, conn: Connection) -> KeyChain:
        """The key chain from the ledger's own first key, read in ``conn``'s transaction."""
        return key_chain(conn, SigningKeyFiles(self.keys).first_public_key())

    def first_key_fingerprint(self) -> str:
        """The key id of the first signing key: what to keep elsewhere to trust the chain."""
        return public_key_id(SigningKeyFiles(self.keys).first_public_key())

    def verify(
        self,
        progress: v.Progress | None = None,
        first: Ed25519PublicKey | None = None,
        *,
        full: bool = False,
        also: Collection[int] = (),
    ) -> v.VerifyReport:
        """The whole log recomputed; every signature with ``full``, else the sample of
        :func:`ledger.audit.verify.signed_sample` and the sizes in ``also``."""
        chain = self.chain(first)
        with self.store.read() as conn:
            return v.verify(conn, self.origin(), chain, progress, full=full, also=also)

    def prove(self, position: int, with_event: bool = False) -> dict[str, Any]:
        with self.store.read() as conn:
            return proving.inclusion(conn, self.origin(), position, with_event)

    def consistency(self, old_size: int, new_size: int) -> dict[str, Any]:
        with self.store.read() as conn:
            return proving.consistency(conn, self.origin(), old_size, new_size)


def check_proof_file(proof: Any, public_key_path: Any) -> str:
    """Offline: no database, only the proof and the ledger's public key."""
    return proving.check_proof(proof, load_public_key(public_key_path))
