"""Generated letters as files: written all together or not at all.

The embedded CLI writes them before the generation is committed. Through the server they
travel as bytes in the answer, and the client writes them with the same function into
its own ``--out`` directory, so both say the same when a directory cannot be written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ledger.errors import BadInput


@dataclass(frozen=True)
class GeneratedLetter:
    addressee: str
    kind: str
    path: Path
    content_sha256: str
    text: str
    """The rendered text (for pdf: the text the PDF was made from); never logged."""


@dataclass(frozen=True)
class RenderedLetter:
    """A letter made and recorded on the server, for the client to write."""

    addressee: str
    kind: str
    file: str
    """The file name (no directory): the client chooses where."""
    content_sha256: str
    content: bytes


def write_all(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file, or (removing what was written) none, and say so in one line."""
    written: list[Path] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise BadInput(
            f"cannot write the letters to {files[0][0].parent} ({exc.strerror})"
        ) from None
