"""A test identity provider: key pairs made here, their JWKS served over real HTTP on
127.0.0.1, and tokens signed with them (or forged in the ways an attacker would)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://idp.gemeente.test/realms/regie"
AUDIENCE = "regie-api"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    alg: str
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            data = RSAAlgorithm.to_jwk(public, as_dict=True)
        else:
            data = ECAlgorithm.to_jwk(public, as_dict=True)
        return {**data, "kid": self.kid, "alg": self.alg, "use": "sig"}

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def rsa_key(kid: str) -> SigningKey:
    return SigningKey(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


def ec_key(kid: str) -> SigningKey:
    return SigningKey(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segments(header: dict[str, Any], claims: dict[str, Any]) -> str:
    encoded = (json.dumps(part, separators=(",", ":")).encode() for part in (header, claims))
    return ".".join(_b64(part) for part in encoded)


@dataclass
class IdentityProvider:
    """Signs with ``signing``; publishes ``published`` (what a rollover changes)."""

    signing: SigningKey = field(default_factory=lambda: rsa_key("key-1"))
    published: list[SigningKey] = field(default_factory=list)
    issuer: str = ISSUER
    audience: str = AUDIENCE
    fetches: int = 0

    def __post_init__(self) -> None:
        if not self.published:
            self.published = [self.signing]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.published]}

    def claims(self, actor: str | None, lifetime: int = 300, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": "3c0e6b2a-synthetic",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
        }
        if actor is not None:
            claims["regie_actor"] = actor
        claims.update(extra)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self, actor: str | None = "regisseur", *, key: SigningKey | None = None, **claims: Any
    ) -> str:
        """A token signed as the provider signs (or with ``key``); a claim given as None
        is left out."""
        signer = key or self.signing
        return jwt.encode(
            self.claims(actor, **claims), signer.private, algorithm=signer.alg,
            headers={"kid": signer.kid},
        )  # fmt: skip

    def unsigned(self, actor: str = "regisseur") -> str:
        """``alg: none``: no signature at all."""
        header = {"alg": "none", "typ": "JWT", "kid": self.signing.kid}
        return _segments(header, self.claims(actor)) + "."

    def hmac_with_public_key(self, actor: str = "regisseur") -> str:
        """HS256 keyed with the provider's public key: the classic algorithm confusion."""
        header = {"alg": "HS256", "typ": "JWT", "kid": self.signing.kid}
        signing_input = _segments(header, self.claims(actor))
        mac = hmac.new(self.signing.public_pem(), signing_input.encode(), hashlib.sha256)
        return f"{signing_input}.{_b64(mac.digest())}"

    @contextmanager
    def serving(self) -> Iterator[str]:
        """The JWKS over HTTP on 127.0.0.1; yields its URL; counts the fetches."""
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                body = json.dumps(provider.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/realms/regie/certs"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
