"""The server's OpenID Connect settings, checked when it starts (decision 0024).

Each problem is one line naming the setting where it was given (``REGIE_OIDC_JWKS``, or
``<config file>: oidc_jwks``) and what is wrong; nothing is half-configured: the issuer,
the audience and the key set go together.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ledger.errors import BadInput
from ledger.tokens.jwks import FileKeys

DEFAULT_ACTOR_CLAIM = "regie_actor"
DEFAULT_ALGORITHMS = ("RS256", "ES256")
ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
)  # fmt: skip
"""Public-key signatures only: a token is checked against the identity provider's public
keys, so ``none`` (unsigned) and the HS* family (a shared secret) are never accepted."""

_REQUIRED = ("issuer", "audience", "jwks")
_CLAIM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$")
_NOT_AN_IDENTITY = frozenset({"iss", "aud", "exp", "nbf", "iat", "jti", "azp", "scope"})
_AUDIENCE_MAX = 200


@dataclass(frozen=True)
class OidcSettings:
    """Whose tokens the server accepts, for whom, checked against which keys."""

    issuer: str
    audience: str
    jwks: str
    """An https:// URL (http:// on a loopback address only), or a file path."""
    actor_claim: str = DEFAULT_ACTOR_CLAIM
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS

    @property
    def jwks_file(self) -> Path | None:
        return None if _is_url(self.jwks) else Path(self.jwks)


def _where(name: str) -> str:
    return f"REGIE_OIDC_{name.upper()} (or oidc_{name} in the config file)"


def _is_url(value: str) -> bool:
    return value.lower().startswith(("https://", "http://"))


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _url(value: str, where: str, what: str) -> str:
    """An https:// URL, or http:// to this machine (a test or a local proxy)."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        raise BadInput(f"{where}: {what} is not a valid URL") from None
    if parts.scheme.lower() not in ("https", "http") or not host:
        raise BadInput(f"{where}: {what} must be an https:// URL")
    if parts.scheme.lower() == "http" and not _loopback(host):
        raise BadInput(
            f"{where}: {what} must be https:// (plain http:// only to 127.0.0.1 or "
            "localhost): over http anyone on the way could substitute the keys"
        )
    if parts.fragment or (parts.query and what == "the issuer"):
        raise BadInput(f"{where}: {what} has no query or fragment (OpenID Connect Core 1.0)")
    return value


def _algorithms(value: str, where: str) -> tuple[str, ...]:
    chosen: list[str] = []
    for name in re.split(r"[,\s]+", value.strip()):
        if not name:
            continue
        if name.lower() == "none":
            raise BadInput(f"{where}: 'none' is never accepted: it means an unsigned token")
        if name.upper().startswith("HS"):
            raise BadInput(
                f"{where}: {name} is never accepted: it is a shared secret, not the identity "
                "provider's public key"
            )
        known = {a.upper(): a for a in ALGORITHMS}
        if name.upper() not in known:
            raise BadInput(
                f"{where}: unknown algorithm '{name}'; choose from {', '.join(ALGORITHMS)}"
            )
        if known[name.upper()] not in chosen:
            chosen.append(known[name.upper()])
    if not chosen:
        raise BadInput(f"{where}: name at least one algorithm, such as RS256")
    return tuple(chosen)


def _claim(value: str, where: str) -> str:
    if not _CLAIM.fullmatch(value):
        raise BadInput(f"{where}: not a claim name (letters, digits, _ . : -)")
    if value in _NOT_AN_IDENTITY:
        raise BadInput(f"{where}: the claim '{value}' does not name a person")
    return value


def oidc_settings(given: Mapping[str, tuple[str, str]]) -> OidcSettings | None:
    """The settings from what ``load_settings`` found, or None when OIDC is not set up."""
    if not given:
        return None
    missing = [name for name in _REQUIRED if name not in given]
    if missing:
        present = next(where for _, where in given.values())
        raise BadInput(
            f"OpenID Connect needs {_where(missing[0])} too ({present} is set); set the "
            "issuer, audience and key set (jwks) together, or none of them"
        )
    issuer, issuer_where = given["issuer"]
    audience, audience_where = given["audience"]
    jwks, jwks_where = given["jwks"]
    _url(issuer, issuer_where, "the issuer")
    if len(audience) > _AUDIENCE_MAX or re.search(r"\s", audience):
        raise BadInput(f"{audience_where}: one audience (the client id), without spaces")
    if _is_url(jwks):
        _url(jwks, jwks_where, "the key set")
    elif not Path(jwks).expanduser().is_file():
        raise BadInput(f"{jwks_where}: no file at {jwks} (give an https:// URL or a JWKS file)")
    else:
        jwks = str(Path(jwks).expanduser().resolve())
        problem = FileKeys(Path(jwks)).problem()
        if problem:
            raise BadInput(f"{jwks_where}: {problem}")
    claim = given.get("actor_claim")
    algorithms = given.get("algorithms")
    return OidcSettings(
        issuer=issuer,
        audience=audience,
        jwks=jwks,
        actor_claim=_claim(*claim) if claim else DEFAULT_ACTOR_CLAIM,
        algorithms=_algorithms(*algorithms) if algorithms else DEFAULT_ALGORITHMS,
    )
