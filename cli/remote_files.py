"""Service calls that read or write files here, made through the server: the client reads
what the command names and sends its text, or the server answers with the files' bytes
and the client writes them where the command said.

``letters.generate(cmd, by, out_dir, ...)`` becomes ``letters.render`` on the server (the
same gate, access log and record of who generated what) and the letters are written into
the client's own ``out_dir``, with the names and answer the embedded ledger gives.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cli.answers import Record
from ledger.audit.exported import checkpoint_texts, key_text
from ledger.errors import BadInput, RegieError
from ledger.letters.files import write_all

Call = Callable[[str, tuple[Any, ...], dict[str, Any]], Any]


def _writable(out_dir: Path) -> None:
    """Checked before the request (creating nothing yet), so that the server records no
    letter this client cannot write."""
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    problem = (
        None
        if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)
        else "File exists"
        if existing == out_dir and existing.exists()
        else "Not a directory"
        if existing.exists() and not existing.is_dir()
        else "Permission denied"
    )
    if problem is not None:
        raise BadInput(f"cannot write the letters to {out_dir} ({problem})")


def _content(letter: Any) -> bytes:
    """A letter's bytes, refused unless they are what the server recorded the hash of."""
    try:
        data = base64.b64decode(letter["content"], validate=True)
    except (binascii.Error, KeyError, TypeError):
        raise RegieError("the server's answer holds no readable letter") from None
    if hashlib.sha256(data).hexdigest() != letter["content_sha256"]:
        raise RegieError("a letter from the server does not match its recorded hash")
    return data


def _name(letter: Any) -> str:
    """A bare file name: the server never says where on this machine to write."""
    name = str(letter["file"])
    if not name or name != Path(name).name or name.startswith("."):
        raise RegieError("the server's answer names a letter file outside --out")
    return name


def generate_letters(call: Call, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    def split(
        cmd: Any, by: Any, out_dir: Path, *rest: Any, **options: Any
    ) -> tuple[Any, Any, Path, tuple[Any, ...], dict[str, Any]]:
        return cmd, by, out_dir, rest, options

    cmd, by, out_dir, rest, options = split(*args, **kwargs)
    _writable(out_dir)
    answer = call("letters.render", (cmd, by, *rest), options)
    files = [(out_dir / _name(letter), _content(letter)) for letter in answer]
    write_all(files)
    return [
        Record(
            addressee=letter["addressee"],
            kind=letter["kind"],
            path=path,
            content_sha256=letter["content_sha256"],
        )
        for letter, (path, _) in zip(answer, files, strict=True)
    ]


def verify(call: Call, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``audit verify --against FILE... --first-key FILE``: the files are read here and
    their text sent; the server holds its ledger against them (and its own witnesses)."""

    def split(
        by: Any,
        progress: Any = None,
        against: Sequence[Path] = (),
        witnesses: bool = False,
        first_key: Path | None = None,
        full: bool = False,
    ) -> tuple[Any, Sequence[Path], bool, Path | None, bool]:
        return by, against, witnesses, first_key, full

    by, against, witnesses, first_key, full = split(*args, **kwargs)
    options: dict[str, Any] = {"witnesses": witnesses, "full": full}
    if against:
        options["checkpoints"] = checkpoint_texts(against)
    if first_key is not None:
        options["first_key_file"] = {str(first_key): key_text(first_key)}
    return call("operations.verify", (by,), options)


HERE: dict[str, Callable[[Call, tuple[Any, ...], dict[str, Any]], Any]] = {
    "letters.generate": generate_letters,
    "operations.verify": verify,
}
"""The service methods the client completes here, by the method they stand in for."""
