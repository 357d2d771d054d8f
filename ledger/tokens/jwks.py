"""The identity provider's public keys: fetched from its JWKS URL and cached, or a file.

A key rollover by the identity provider needs nothing here: a token signed with a key id
(``kid``) the cached set lacks makes the set be fetched again (at most once per cooldown,
so that made-up key ids cannot turn the server into a flood of requests to the provider).
After a failed fetch, tokens are refused at once for a few seconds instead of each waiting
for the timeout: every request passes through authentication one at a time.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Protocol

from jwt import PyJWK, PyJWKClient, PyJWKSet
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError, PyJWKSetError

from ledger.errors import Unauthorised

LIFESPAN_SECONDS = 300.0
"""How long a fetched key set is used before it is fetched again (a key the provider
withdrew stops being accepted within this time)."""
COOLDOWN_SECONDS = 30.0
"""An unknown key id fetches the set again at most this often."""
TIMEOUT_SECONDS = 5.0
RETRY_AFTER_SECONDS = 10.0
"""After a failed fetch, how long tokens are refused without trying again."""
_REASON_MAX = 120
_KID = re.compile(r"[A-Za-z0-9._~+/=-]{1,64}")
"""A key id as identity providers make them; another is not repeated (it is the client's)."""


class KeysUnavailable(Unauthorised):
    """The key set cannot be read now, so no token can be checked."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"the OpenID Connect token cannot be checked: {problem}")
        self.problem = problem


class UnknownKey(Unauthorised):
    """The token names a key id the key set does not hold."""


class KeySource(Protocol):
    def key(self, kid: str) -> PyJWK:
        """The public signing key with this id, or :class:`UnknownKey`/:class:`KeysUnavailable`."""

    def problem(self) -> str | None:
        """What keeps the set from being read right now, if anything (checked at start)."""


def _signing(keys: PyJWKSet) -> list[PyJWK]:
    return [k for k in keys.keys if k.public_key_use in ("sig", None) and k.key_id]


def _unknown(kid: str, where: str) -> UnknownKey:
    shown = f"'{kid}'" if _KID.fullmatch(kid) else "(an unusual key id)"
    return UnknownKey(
        f"the OpenID Connect token is signed with key {shown}, which the identity "
        f"provider's key set ({where}) does not hold"
    )


def _reason(exc: BaseException) -> str:
    """Why a fetch failed, in a few words (the cause's, never a response body)."""
    cause = exc.__cause__ or exc
    code = getattr(cause, "code", None)
    if isinstance(code, int):
        return f"HTTP {code}"
    reason = getattr(cause, "reason", None) or cause
    text = " ".join(str(reason).split()) or type(cause).__name__
    return text[:_REASON_MAX]


class RemoteKeys:
    """The key set at an https:// URL, by PyJWT's :class:`PyJWKClient` (its cache, its
    cooldown, no redirects followed), and a short memory of a failed fetch."""

    def __init__(
        self,
        url: str,
        *,
        lifespan: float = LIFESPAN_SECONDS,
        cooldown: float = COOLDOWN_SECONDS,
        timeout: float = TIMEOUT_SECONDS,
        retry_after: float = RETRY_AFTER_SECONDS,
    ) -> None:
        self.url = url
        self.client = PyJWKClient(
            url,
            lifespan=lifespan,
            timeout=timeout,
            cooldown_duration=cooldown,
            headers={"User-Agent": "regie", "Accept": "application/json"},
        )
        self.retry_after = retry_after
        self._failed: tuple[float, str] | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> PyJWK:
        with self._lock:
            if self._failed and time.monotonic() - self._failed[0] < self.retry_after:
                raise KeysUnavailable(self._failed[1])
            try:
                found = self.client.get_signing_key(kid)
            except PyJWKClientConnectionError as exc:
                raise self._failure(self._unreachable(exc)) from None
            except (PyJWKClientError, PyJWKSetError, ValueError) as exc:
                cache = self.client.jwk_set_cache
                if isinstance(exc, PyJWKClientError) and cache and cache.get() is not None:
                    raise _unknown(kid, self.url) from None
                raise self._failure(self._unusable()) from None
            self._failed = None
            return found

    def _unreachable(self, exc: BaseException) -> str:
        reason = _reason(exc)
        return f"the identity provider's key set could not be fetched from {self.url} ({reason})"

    def _unusable(self) -> str:
        return f"{self.url} did not answer with a JWKS holding a usable public key"

    def _failure(self, problem: str) -> KeysUnavailable:
        self._failed = (time.monotonic(), problem)
        return KeysUnavailable(problem)

    def problem(self) -> str | None:
        try:
            self.client.get_signing_keys()
        except PyJWKClientConnectionError as exc:
            return self._unreachable(exc)
        except (PyJWKClientError, PyJWKSetError, ValueError):
            return self._unusable()
        return None


class FileKeys:
    """A JWKS file, for a server without a route to the identity provider: read again when
    it changes (replace it to roll the keys over)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._read: tuple[int, list[PyJWK]] | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> PyJWK:
        with self._lock:
            for candidate in self._keys():
                if candidate.key_id == kid:
                    return candidate
        raise _unknown(kid, str(self.path))

    def _keys(self) -> list[PyJWK]:
        try:
            changed = self.path.stat().st_mtime_ns
            if self._read is None or self._read[0] != changed:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                keys = _signing(PyJWKSet.from_dict(data)) if isinstance(data, dict) else []
                if not keys:
                    raise ValueError("no signing key with a key id")
                self._read = (changed, keys)
        except OSError as exc:
            raise KeysUnavailable(
                f"the key set file {self.path} cannot be read ({exc.strerror})"
            ) from None
        except (ValueError, PyJWKSetError):
            raise KeysUnavailable(
                f"{self.path} is not a JWKS holding a usable public key with a key id (kid)"
            ) from None
        return self._read[1]

    def problem(self) -> str | None:
        try:
            with self._lock:
                self._keys()
        except KeysUnavailable as exc:
            return exc.problem
        return None


def key_source(jwks: str) -> KeySource:
    """The keys at a URL or in a file, as the settings give them."""
    if jwks.lower().startswith(("https://", "http://")):
        return RemoteKeys(jwks)
    return FileKeys(Path(jwks))
