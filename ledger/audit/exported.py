"""Exported checkpoints named on the command line: files, or directories of ``*.json``.

Read where the command runs: by the embedded ledger, or by a client of the server, which
sends their text; either way the same file says the same when it is missing or unreadable.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ledger.errors import BadInput


def checkpoint_texts(paths: Iterable[Path]) -> dict[str, str]:
    """Each checkpoint file's text, by its path as given (a directory's files sorted)."""
    out: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            raise BadInput(f"{path}: no such checkpoint file or directory")
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise BadInput(f"{path}: holds no checkpoint files (*.json)")
        for file in files:
            try:
                out[str(file)] = file.read_text(encoding="utf-8")
            except (OSError, ValueError) as exc:
                raise BadInput(
                    f"{file}: not a readable checkpoint ({type(exc).__name__})"
                ) from None
    return out


def key_text(path: Path) -> str:
    """A public key file's text, for the server to read the key from."""
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the public key ({exc.strerror})") from None
