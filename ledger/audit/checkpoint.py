"""Signed checkpoints (tree heads): what the ledger vouches for, and how anyone checks it.

The signed body follows the shape of a C2SP transparency-log checkpoint: an origin line
naming this ledger, the tree size, the base64 root hash, and one extension line with the
time. The signature is Ed25519 over exactly those bytes.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ledger.errors import BadInput, RegieError


class CheckpointError(RegieError):
    """A checkpoint's signature or content does not hold (exit 1, as a failed verification)."""

    exit_code = 1


def public_key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(b"regie-signing-key\x00" + raw).hexdigest()[:16]


def body(
    origin: str, tree_size: int, root_hash: bytes, timestamp: str, previous: int | None = None
) -> bytes:
    """The signed bytes. Since 0.2 a checkpoint also names the size of the one before it
    (``— previous N``), so that a checkpoint taken out of the chain is found by verify;
    checkpoints written before carry no such line and verify as they were signed."""
    text = f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n— time {timestamp}\n"
    if previous is not None:
        text += f"— previous {previous}\n"
    return text.encode()


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    timestamp: str
    key_id: str
    signature: bytes
    previous: int | None = None

    @property
    def signed_body(self) -> bytes:
        return body(self.origin, self.tree_size, self.root_hash, self.timestamp, self.previous)

    @classmethod
    def sign(
        cls,
        key: Ed25519PrivateKey,
        origin: str,
        tree_size: int,
        root_hash: bytes,
        timestamp: str,
        previous: int | None = None,
    ) -> Checkpoint:
        signature = key.sign(body(origin, tree_size, root_hash, timestamp, previous))
        key_id = public_key_id(key.public_key())
        return cls(origin, tree_size, root_hash, timestamp, key_id, signature, previous)

    def verify(self, key: Ed25519PublicKey) -> None:
        if public_key_id(key) != self.key_id:
            raise CheckpointError(
                f"checkpoint of size {self.tree_size} was signed by key {self.key_id}, "
                f"not by the given key {public_key_id(key)}"
            )
        try:
            key.verify(self.signature, self.signed_body)
        except InvalidSignature:
            raise CheckpointError(
                f"the signature of the checkpoint of size {self.tree_size} does not verify"
            ) from None

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
            "previous": self.previous,
            "note": self.signed_body.decode(),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "checkpoint") -> Checkpoint:
        try:
            return cls(
                origin=str(data["origin"]),
                tree_size=int(data["tree_size"]),
                root_hash=bytes.fromhex(data["root_hash"]),
                timestamp=str(data["timestamp"]),
                key_id=str(data["key_id"]),
                signature=base64.b64decode(data["signature"], validate=True),
                previous=None if data.get("previous") is None else int(data["previous"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(f"{where}: not a regie checkpoint ({exc})") from exc
