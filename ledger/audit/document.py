"""The ledger's checkpoint printed on a document, short enough for a person to type back.

``Controlepunt grootboek: 1234-3f9a2c1d0b4e5f60718293a4b5c6d7e8-9b1c2d3e4f5a6b7c``: the
tree size, the first 32 hex digits (128 bits) of the root hash and the first 16 hex digits
of the signature. Whoever holds a letter, a report or a plan can later ask the ledger
whether it still extends the tree the document was made from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.audit.checkpoint import Checkpoint
from ledger.errors import BadInput

LABEL = "Controlepunt grootboek"
ROOT_DIGITS = 32
SIGNATURE_DIGITS = 16
_DASH = r"[ \t]*-[ \t]*"
_LINE = re.compile(
    rf"(?<![0-9a-f-])(\d{{1,12}}){_DASH}([0-9a-f]{{{ROOT_DIGITS}}}){_DASH}"
    rf"([0-9a-f]{{{SIGNATURE_DIGITS}}})(?![0-9a-f])"
)


@dataclass(frozen=True)
class PrintedCheckpoint:
    tree_size: int
    root_prefix: str
    signature_prefix: str

    def __str__(self) -> str:
        return f"{self.tree_size}-{self.root_prefix}-{self.signature_prefix}"


def printed(head: Checkpoint) -> PrintedCheckpoint:
    return PrintedCheckpoint(
        head.tree_size,
        head.root_hash.hex()[:ROOT_DIGITS],
        head.signature.hex()[:SIGNATURE_DIGITS],
    )


def line(head: Checkpoint) -> str:
    return f"{LABEL}: {printed(head)}"


def found_in(text: str) -> list[PrintedCheckpoint]:
    """Every printed checkpoint in a document's text (case and spaces forgiven)."""
    out = [PrintedCheckpoint(int(m[1]), m[2], m[3]) for m in _LINE.finditer(text.lower())]
    if not out:
        raise BadInput(
            f"no checkpoint found: expected a line like '{LABEL}: 1234-<32 hex>-<16 hex>'"
        )
    return out
