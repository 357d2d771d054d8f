"""An OpenID Connect bearer token (a JWT from the municipality's identity provider) turned
into the actor it names, by PyJWT (decision 0024).

Only the signature and the claims are checked here; whether that actor exists, is active
and holds the role asked for is :meth:`ledger.tokens.service.Tokens.authenticate`'s, the
same checks as for an API token. Messages never repeat the token, and name no value from
it that could be personal data (the actor claim's value only when it is an actor id).
"""

from __future__ import annotations

import re

import jwt
from jwt import PyJWK

from ledger.commands import HANDLE_PATTERN
from ledger.errors import Unauthorised
from ledger.tokens.jwks import KeySource, key_source
from ledger.tokens.oidc_settings import OidcSettings

JWT_MAX = 8192
"""Longer than any identity provider's access token; longer ones are refused unread."""
LEEWAY_SECONDS = 60
"""Clock difference allowed between the identity provider and this server (exp, nbf, iat)."""
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud")
_ALG = re.compile(r"^[A-Za-z0-9]{1,16}$")
_KID_MAX = 256


class OidcRefused(Unauthorised):
    """The OpenID Connect token does not say who acts."""


def _refused(problem: str) -> OidcRefused:
    return OidcRefused(f"the OpenID Connect token {problem}")


class OidcVerifier:
    """Checks tokens of one issuer, for one audience, against the issuer's public keys."""

    def __init__(self, settings: OidcSettings, keys: KeySource | None = None) -> None:
        self.settings = settings
        self.keys = keys if keys is not None else key_source(settings.jwks)

    def actor(self, token: str) -> str:
        """The actor id the token's actor claim names, once signature and claims hold."""
        if len(token) > JWT_MAX:
            raise _refused(f"is longer than {JWT_MAX} characters")
        key = self._key(token)
        settings = self.settings
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(settings.algorithms),
                audience=settings.audience,
                issuer=settings.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS), "enforce_minimum_key_length": True},
            )
        except jwt.InvalidSignatureError:
            raise _refused("has a signature that does not verify") from None
        except jwt.ExpiredSignatureError:
            raise _refused("has expired; sign in again") from None
        except jwt.ImmatureSignatureError:
            raise _refused("is not valid yet (nbf or iat lies ahead)") from None
        except jwt.InvalidAudienceError:
            raise _refused(f"is not meant for this server (audience {settings.audience})") from None
        except jwt.InvalidIssuerError:
            raise _refused(f"was not issued by {settings.issuer}") from None
        except jwt.MissingRequiredClaimError as exc:
            raise _refused(f"lacks the claim '{exc.claim}'") from None
        except jwt.InvalidAlgorithmError:
            raise _refused("is signed with an algorithm its key is not for") from None
        except jwt.InvalidKeyError:
            raise _refused("is signed with a key too short to trust") from None
        except jwt.PyJWTError:
            raise _refused("is not valid") from None  # the library's reason may quote it
        return self._handle(claims)

    def _key(self, token: str) -> PyJWK:
        """The key the token's header names, once its algorithm is one we accept."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _refused("is not a well-formed JWT") from None
        alg, kid = header.get("alg"), header.get("kid")
        accepted = self.settings.algorithms
        if alg not in accepted:
            shown = f"'{alg}'" if isinstance(alg, str) and _ALG.fullmatch(alg) else "an algorithm"
            raise _refused(
                f"is signed with {shown}, which this server does not accept "
                f"(accepted: {', '.join(accepted)})"
            )
        if not isinstance(kid, str) or not kid or len(kid) > _KID_MAX:
            raise _refused("names no signing key (kid) in its header")
        return self.keys.key(kid)

    def _handle(self, claims: dict[str, object]) -> str:
        claim = self.settings.actor_claim
        value = claims.get(claim)
        if not isinstance(value, str) or not value.strip():
            raise _refused(f"carries no '{claim}' claim naming the actor")
        handle = value.strip().lower()
        if not re.fullmatch(HANDLE_PATTERN, handle):
            raise _refused(f"has a '{claim}' claim that is not an actor id (value not repeated)")
        return handle

    def problem(self) -> str | None:
        """What keeps tokens from being checked right now (the key set), if anything."""
        return self.keys.problem()
