"""Key material on disk: where it lives, how it is created, and how servers pass it in.

The key directory holds ``master.key`` and ``signing.key`` (mode 0600) and
``signing.pub``. A server can instead give the master key in ``REGIE_MASTER_KEY``
(base64) or ``REGIE_MASTER_KEY_FILE``, and the signing key in ``REGIE_SIGNING_KEY_FILE``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.errors import BadInput, RegieError

ENV_MASTER_KEY = "REGIE_MASTER_KEY"
ENV_MASTER_KEY_FILE = "REGIE_MASTER_KEY_FILE"
ENV_SIGNING_KEY_FILE = "REGIE_SIGNING_KEY_FILE"

MASTER = "master.key"
MASTER_NEXT = "master.key.next"
SIGNING = "signing.key"
SIGNING_NEXT = "signing.key.next"
PUBLIC = "signing.pub"
FIRST_PUBLIC = "signing.first.pub"


class KeysMissing(RegieError):
    exit_code = 1


def key_id(key: bytes) -> str:
    """A short, non-secret name of a key: the first 8 bytes of its SHA-256, hex."""
    return hashlib.sha256(b"regie-key-id\x00" + key).hexdigest()[:16]


def _write_private(path: Path, data: bytes) -> None:
    """Create a file only its owner can read, atomically, never overwriting."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".tmp{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.link(tmp, path)  # fails if path exists: never overwrite a key
    tmp.unlink()


def _read_master(text: bytes, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise BadInput(f"{where}: the master key must be 32 bytes in base64") from exc
    if len(key) != 32:
        raise BadInput(f"{where}: the master key must be 32 bytes in base64, not {len(key)}")
    return key


@dataclass(frozen=True)
class KeyFiles:
    directory: Path

    # -- creation -------------------------------------------------------------------

    def create_missing(self) -> list[str]:
        """Create the master and signing keys if absent; returns the names created."""
        created: list[str] = []
        if not self._master_from_env() and not (self.directory / MASTER).exists():
            _write_private(self.directory / MASTER, base64.b64encode(secrets.token_bytes(32)))
            created.append(MASTER)
        if not os.environ.get(ENV_SIGNING_KEY_FILE) and not (self.directory / SIGNING).exists():
            private = Ed25519PrivateKey.generate()
            _write_private(self.directory / SIGNING, _pem_private(private))
            public = _pem_public(private.public_key())
            (self.directory / PUBLIC).write_bytes(public)
            (self.directory / FIRST_PUBLIC).write_bytes(public)
            created.append(SIGNING)
        return created

    # -- master key -------------------------------------------------------------------

    def _master_from_env(self) -> bytes | None:
        if os.environ.get(ENV_MASTER_KEY):
            return _read_master(os.environ[ENV_MASTER_KEY].encode(), ENV_MASTER_KEY)
        path = os.environ.get(ENV_MASTER_KEY_FILE)
        if path:
            try:
                return _read_master(Path(path).read_bytes(), path)
            except OSError as exc:
                raise KeysMissing(f"{path}: cannot read the master key ({exc.strerror})") from exc
        return None

    def master_keys(self) -> dict[str, bytes]:
        """Every master key available, by id: the current one and a pending rotation's."""
        keys: dict[str, bytes] = {}
        from_env = self._master_from_env()
        if from_env is not None:
            keys[key_id(from_env)] = from_env
        for name in (MASTER, MASTER_NEXT):
            path = self.directory / name
            if path.exists():
                key = _read_master(path.read_bytes(), str(path))
                keys[key_id(key)] = key
        if not keys:
            raise KeysMissing(
                f"no master key in {self.directory} or {ENV_MASTER_KEY}; run `regie init` "
                "or point REGIE_KEY_DIR at the ledger's key directory"
            )
        return keys

    def current_master(self) -> bytes:
        from_env = self._master_from_env()
        if from_env is not None:
            return from_env
        path = self.directory / MASTER
        if not path.exists():
            raise KeysMissing(f"no master key at {path}; run `regie init`")
        return _read_master(path.read_bytes(), str(path))

    def master_source(self) -> str:
        """Where the current master key comes from, to name it in an error (never the key)."""
        if os.environ.get(ENV_MASTER_KEY):
            return ENV_MASTER_KEY
        if os.environ.get(ENV_MASTER_KEY_FILE):
            return ENV_MASTER_KEY_FILE
        return str(self.directory / MASTER)

    def staged_master(self) -> bytes | None:
        """The key of an interrupted rotation (``master.key.next``), if there is one."""
        path = self.directory / MASTER_NEXT
        return _read_master(path.read_bytes(), str(path)) if path.exists() else None

    def stage_next_master(self) -> bytes:
        """Write a new master key beside the current one (first half of a rotation)."""
        if self._master_from_env() is not None:
            raise BadInput(
                "the master key comes from the environment; rotate it by re-wrapping with "
                "`regie keys rotate --new-key-file FILE` and then switching the variable"
            )
        path = self.directory / MASTER_NEXT
        if path.exists():
            return _read_master(path.read_bytes(), str(path))
        key = secrets.token_bytes(32)
        _write_private(path, base64.b64encode(key))
        return key

    def promote_next_master(self) -> None:
        """Make the staged key current (second half of a rotation, after re-wrapping)."""
        os.replace(self.directory / MASTER_NEXT, self.directory / MASTER)

    # -- signing key ------------------------------------------------------------------

    def signing_key(self) -> Ed25519PrivateKey:
        path = Path(os.environ.get(ENV_SIGNING_KEY_FILE) or self.directory / SIGNING)
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except FileNotFoundError:
            raise KeysMissing(f"no signing key at {path}; run `regie init`") from None
        except ValueError as exc:
            raise BadInput(f"{path}: not an Ed25519 private key in PEM") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise BadInput(f"{path}: not an Ed25519 private key")
        return key


def _pem_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pem_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


class SigningKeyFiles:
    """The signing key's files beyond the current one: the first public key (the trust
    anchor of the key chain) and a rotation's staged next key."""

    def __init__(self, keys: KeyFiles) -> None:
        self.directory = keys.directory
        self.keys = keys

    def first_public_key(self) -> Ed25519PublicKey:
        """The first signing key of this ledger: ``signing.first.pub``, written by ``init``
        (a ledger from before 0.2, never rotated, takes the current ``signing.pub``)."""
        first = self.directory / FIRST_PUBLIC
        if first.exists():
            return load_public_key(first)
        current = self.keys.signing_key().public_key()
        first.write_bytes(_pem_public(current))
        return current

    def staged(self) -> Ed25519PrivateKey | None:
        path = self.directory / SIGNING_NEXT
        if not path.exists():
            return None
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise BadInput(f"{path}: not an Ed25519 private key")
        return key

    def stage_next(self) -> Ed25519PrivateKey:
        """A new signing key beside the current one (first half of a rotation)."""
        if os.environ.get(ENV_SIGNING_KEY_FILE):
            raise BadInput(
                f"the signing key comes from {ENV_SIGNING_KEY_FILE}; rotate it where that "
                "file is kept"
            )
        staged = self.staged()
        if staged is not None:
            return staged
        key = Ed25519PrivateKey.generate()
        _write_private(self.directory / SIGNING_NEXT, _pem_private(key))
        return key

    def promote_next(self) -> None:
        """Make the staged key current, once the log recorded the rotation."""
        staged = self.staged()
        if staged is None:
            return
        (self.directory / PUBLIC).write_bytes(_pem_public(staged.public_key()))
        os.replace(self.directory / SIGNING_NEXT, self.directory / SIGNING)

    def discard_next(self) -> None:
        """A staged key whose rotation was never recorded signs nothing: remove it."""
        (self.directory / SIGNING_NEXT).unlink(missing_ok=True)


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read an Ed25519 public key (PEM, or 32 raw bytes in hex) for offline verification."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the public key ({exc.strerror})") from exc
    return public_key_from(data, str(path))


def public_key_from(data: bytes, path: str) -> Ed25519PublicKey:
    """A public key from a file's bytes (read elsewhere: by a client of the server)."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        else:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(data.decode().strip()))
    except ValueError as exc:
        raise BadInput(f"{path}: not an Ed25519 public key (PEM or hex)") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise BadInput(f"{path}: not an Ed25519 public key")
    return key


def public_key_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
