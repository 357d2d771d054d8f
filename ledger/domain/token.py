"""API tokens: the server's proof of who acts, issued to an actor and revoked as events.

Only a digest of the secret is ever stored; the public id names the token in listings,
revocations and the access log.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

_NAMESPACE = uuid5(NAMESPACE_URL, "https://regie.invalid/token")
TOKEN_ID = re.compile(r"^tok_[0-9a-f]{12}$")
"""A token's public id: ``tok_`` and 12 hex digits (collisions are checked on issue)."""


def token_key(token_id: str) -> UUID:
    return uuid5(_NAMESPACE, token_id)


def digest(secret: str) -> str:
    """SHA-256 of the whole token: enough for 256 random bits (decision 0021), no salt needed."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Token(Aggregate):
    class Issued(Aggregate.Created):
        class_version = 1

        token_id: str
        actor: str
        digest: str
        issued_on: str
        expires_on: str | None
        by: dict[str, Any]

    @event(Issued)
    def __init__(
        self,
        token_id: str,
        actor: str,
        digest: str,
        issued_on: str,
        expires_on: str | None,
        by: dict[str, Any],
    ) -> None:
        self.token_id = token_id
        self.actor = actor
        self.digest = digest
        self.issued_on = issued_on
        self.expires_on = expires_on
        self.revoked = False

    @classmethod
    def issue(
        cls, token_id: str, actor: str, secret: str, today: str, expires_on: str | None, by: Acting
    ) -> Token:
        """A new token for ``actor``; only the digest of ``secret`` goes into the event."""
        if expires_on is not None and expires_on < today:
            raise rules.TOKEN_EXPIRY.refuse(
                f"the token would expire on {expires_on}, before today ({today})"
            )
        return cls(
            token_id=token_id,
            actor=actor,
            digest=digest(secret),
            issued_on=today,
            expires_on=expires_on,
            by=by.record(),
        )

    @classmethod
    def create_id(cls, token_id: str, **_: Any) -> UUID:
        return token_key(token_id)

    class Revoked(Aggregate.Event):
        class_version = 1

        reason: str
        on: str
        by: dict[str, Any]

        def apply(self, token: Token) -> None:
            token.revoked = True

    def revoke(self, reason: str, on: str, by: Acting) -> None:
        if self.revoked:
            raise rules.TOKEN_REVOKED.refuse(f"token {self.token_id} was already revoked")
        self.trigger_event(self.Revoked, reason=reason, on=on, by=by.record())

    def expired(self, today: str) -> bool:
        """Valid through its expiry day, by the ledger's clock."""
        return self.expires_on is not None and today > self.expires_on
