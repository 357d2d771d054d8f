"""The high-water mark: the newest signed checkpoint, kept outside the database.

After every committed write the ledger's newest checkpoint is written beside the signing
key (embedded) or in the server's state directory, atomically: a temporary file, fsync,
rename (decision 0049: no fsync of the directory; after a power loss the mark may lag the
database, never lead it). A ledger found smaller than its mark, or not extending it,
was rolled back or truncated behind the ledger's back.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from ledger.audit.checkpoint import Checkpoint
from ledger.errors import BadInput

MARK_FILE = "checkpoint.json"


def write_atomically(path: Path, text: str, *, durable_name: bool = True) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves the old or the new file whole.

    ``durable_name=False`` leaves out the directory's fsync: after a power loss the name
    may still point at the old file (whole), which is all a mark that only has to lag, never
    lead, the database needs (decision 0049)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if not durable_name:
        return
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read_checkpoint_file(path: Path) -> Checkpoint:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise BadInput(f"{path}: not a readable checkpoint ({type(exc).__name__})") from None
    return checkpoint_from(text, str(path))


def checkpoint_from(text: str, path: str) -> Checkpoint:
    """A checkpoint from a file's text (read elsewhere: by a client of the server)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BadInput(f"{path}: not a readable checkpoint ({type(exc).__name__})") from None
    return Checkpoint.from_json(data, path)


class HighWaterMark:
    def __init__(self, directory: Path) -> None:
        self.path = directory / MARK_FILE
        # What this process last wrote or read: the file is read once, not at every commit.
        self._known: Checkpoint | None = None

    def read(self) -> Checkpoint | None:
        if not self.path.exists():
            return None
        return read_checkpoint_file(self.path)

    def raise_to(self, head: Checkpoint) -> None:
        """Keep the larger of the stored mark and ``head`` (another process may be ahead)."""
        current = self._known if self._known is not None else self.read()
        same_ledger = current is not None and current.origin == head.origin
        if same_ledger and current is not None and current.tree_size >= head.tree_size:
            return
        self.replace(head)

    def replace(self, head: Checkpoint) -> None:
        write_atomically(self.path, json.dumps(head.to_json()) + "\n", durable_name=False)
        self._known = head
