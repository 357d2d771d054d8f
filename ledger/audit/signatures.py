"""The checkpoints as verify meets them, streamed in size order: chain, key, signature,
root and stored frontier of each (steps 3 and 4 of :mod:`ledger.audit.verify`)."""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Collection, Iterator
from typing import Any
from uuid import UUID

from ledger.audit.checkpoint import Checkpoint, CheckpointError, public_key_id
from ledger.audit.keychain import KeyChain
from ledger.audit.log import leaf_data
from ledger.audit.merkle import leaf_hash
from ledger.errors import RegieError

_sha256 = hashlib.sha256
_NEVER = 1 << 64


class VerificationFailed(RegieError):
    exit_code = 1

    def __init__(self, position: int | None, problem: str) -> None:
        where = f"position {position}" if position is not None else "the log"
        super().__init__(f"verification failed at {where}: {problem}")
        self.position = position
        self.problem = problem


def leaf_of(
    notification_id: Any, originator_id: Any, originator_version: Any, topic: Any, state: Any
) -> bytes:
    """The leaf hash of an event row; a row that cannot be encoded is itself tampering."""
    try:
        canonical = str(UUID(originator_id))
        if originator_id != canonical:
            raise ValueError("aggregate id not in canonical form")
        data = leaf_data(notification_id, canonical, originator_version, topic, bytes(state))
    except (ValueError, TypeError, AttributeError, struct.error) as exc:
        raise VerificationFailed(notification_id, f"the event row is malformed ({exc})") from None
    return leaf_hash(data)


def _frontier_text(hexes: list[str]) -> str:
    """``json.dumps(hexes)``, as the append hook stores it, without the encoder."""
    return '["' + '", "'.join(hexes) + '"]' if hexes else "[]"


class ChainCheck:
    """Consumes the checkpoint rows (tree_size, root_hash, timestamp, key_id, signature,
    frontier, previous_size) as the recomputed tree reaches each one's size.

    Every checkpoint: its link to the one before, the key id the key chain names for its
    size, its root and its stored frontier. Its signature too when ``sample`` is None
    (all), when its place is in ``sample``, when it is the first or the newest, when its
    size is in ``also``, and on both sides of a key rotation.
    """

    def __init__(
        self,
        origin: str,
        chain: KeyChain,
        rows: Iterator[Any],
        sample: set[int] | None,
        also: Collection[int] = (),
    ) -> None:
        self.origin = origin
        self.rows = rows
        self.sample = sample
        self.also = set(also)
        self.keys = [key for _, key in chain.steps]
        self.starts = [position for position, _ in chain.steps]
        self.ids = [public_key_id(key) for key in self.keys]
        self.step = 0
        self.rotation = self.starts[1] if len(self.starts) > 1 else _NEVER
        """The size after which the next key signs."""
        self.count = 0
        self.signatures = 0
        self.before = 0  # the size of the checkpoint before
        self.chained = False
        self.last: tuple[Any, int, bool] | None = None  # (row, key step, signature checked)
        self.head: Any = next(rows, None)

    @property
    def next_size(self) -> int | None:
        return None if self.head is None else int(self.head[0])

    def check(self, position: int, stack: list[bytes], hexes: list[str]) -> int | None:
        """The checkpoint of size ``position``, against the recomputed frontier; returns
        the size of the next checkpoint."""
        row = self.head
        self.head = head = next(self.rows, None)
        ordinal = self.count
        self.count = ordinal + 1
        if row[6] != self.before:  # the common case, a link to the one before, is fine
            self._link(position, row[6])
        step = self.step
        rotated = position > self.rotation
        if rotated:
            while step + 1 < len(self.starts) and position > self.starts[step + 1]:
                step += 1
            self.step = step
            self.rotation = self.starts[step + 1] if step + 1 < len(self.starts) else _NEVER
        if row[3] != self.ids[step]:
            raise VerificationFailed(
                None,
                f"checkpoint {position}: checkpoint {position} is signed by key {row[3]}, but "
                f"the key chain from the first key says {self.ids[step]} signs it",
            )
        last = self.last
        if rotated and last is not None and not last[2]:
            self._signature(last[0], last[1])
        sample = self.sample
        checked = (
            sample is None
            or ordinal in sample
            or head is None
            or ordinal == 0
            or rotated
            or position in self.also
        )
        if checked:
            self._signature(row, step)
        self.last = (row, step, checked)
        # Step 4: the root, then the stored frontier the next append would extend.
        root = stack[-1]
        for i in range(len(stack) - 2, -1, -1):
            root = _sha256(b"\x01" + stack[i] + root).digest()
        stored_root = row[1]
        if root != (stored_root if type(stored_root) is bytes else bytes(stored_root)):
            raise VerificationFailed(
                self.before + 1,
                f"checkpoint {position} does not match the recomputed tree "
                f"(a change between positions {self.before + 1} and {position})",
            )
        stored = row[5]
        if stored != _frontier_text(hexes) and _parsed(stored) != hexes:
            raise VerificationFailed(
                None,
                f"checkpoint {position}: its stored frontier differs from the recomputed "
                "tree (the next append would fail)",
            )
        self.before = position
        return self.next_size

    def _signature(self, row: Any, step: int) -> None:
        size, root, timestamp, key_id, signature, _, previous = row
        head = Checkpoint(
            self.origin,
            int(size),
            bytes(root),
            timestamp,
            key_id,
            bytes(signature),
            None if previous is None else int(previous),
        )
        try:
            head.verify(self.keys[step])
        except CheckpointError as exc:
            raise VerificationFailed(None, f"checkpoint {head.tree_size}: {exc}") from None
        self.signatures += 1

    def _link(self, size: int, previous: Any) -> None:
        """Each chained checkpoint names the size of the one before it: one taken out of
        the table, or put in, breaks the chain (checkpoints written before chaining began
        carry no link and are not judged by it)."""
        before = self.before
        if previous is None:
            if self.chained:
                raise VerificationFailed(
                    None,
                    f"checkpoint {size} carries no link to the one before it, "
                    "though the checkpoints before it do (a checkpoint was put in)",
                )
            return
        self.chained = True
        if previous > before:
            raise VerificationFailed(
                None,
                f"checkpoint {previous} is missing: checkpoint {size} follows it, but the "
                f"one stored before is {before or 'none'}",
            )
        if previous < before:
            raise VerificationFailed(
                None,
                f"checkpoint {before} does not belong between {previous} and {size} "
                "(a checkpoint was put in)",
            )

    def finish(self, size: int) -> None:
        """Step 5: no checkpoint beyond the events, and the newest covers them all."""
        if self.head is not None:
            raise VerificationFailed(
                size + 1,
                f"checkpoint {int(self.head[0])} claims more events than the {size} stored",
            )
        if self.count and self.before != size:
            raise VerificationFailed(self.before + 1, "events after the newest checkpoint")
        if size and not self.count:
            raise VerificationFailed(1, "events without any signed checkpoint")


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
