"""Issue, list and revoke API tokens, and turn a presented token back into who acts.

Authentication is identity, not permission: it says who acts (refusing unknown, expired
and revoked tokens and deactivated actors) and records every failure in the access log;
what that actor may then do is for the gate of the service method the request reaches.
A server may also accept OpenID Connect tokens (JWTs) from the municipality's identity
provider (``ledger/tokens/oidc.py``, decision 0024): the same checks of the actor follow.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import select

from ledger.access.gate import AccessLog, Gate, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.domain import rules
from ledger.domain.access import DENIED
from ledger.domain.acting import Acting
from ledger.domain.token import Token, digest, token_key
from ledger.errors import Inconsistent, NotFound, Unauthorised
from ledger.projections.queries import Queries, Row
from ledger.projections.token_table import tokens
from ledger.tokens import commands as tc

if TYPE_CHECKING:
    from ledger.tokens.oidc import OidcVerifier

UNAUTHENTICATED = Acting(actor="(unauthenticated)", role="(none)", organisation="(none)")
"""Who a failed authentication is recorded as when no actor can be named: not a valid
actor id, so it can never be mistaken for (or registered as) a real actor."""

AUTHENTICATE = "server.authenticate"
"""The command a failed authentication is recorded under when the request named none."""

_TOKEN = re.compile(r"(tok_[0-9a-f]{12})\.[A-Za-z0-9_-]{43}")
_TOKEN_MAX = 100
_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
"""Three base64url parts: a JWS compact serialisation (an unsigned one has no third)."""
_ID_ATTEMPTS = 5


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is shown once, here, and stored nowhere."""

    token_id: str
    actor: str
    issued_on: str
    expires_on: str | None
    secret: str


class AuthenticationFailed(Unauthorised):
    """The presented token does not identify an actor who may act."""


@dataclass(frozen=True)
class JwtChecked:
    """What checking an OpenID Connect token's signature and claims found: the actor it
    names, or why it was refused (recorded when the command is authenticated)."""

    token: str
    actor: str | None
    refusal: str | None


class Tokens:
    def __init__(self, app: Regie, gate: Gate, queries: Queries, access_log: AccessLog) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self.access_log = access_log
        self.oidc: OidcVerifier | None = None
        """Set by a server that accepts OpenID Connect tokens (``regie serve``)."""
        self.failed: Callable[[Acting, str, str], bool] = self._log_failure
        """Set by bootstrap: logs a failed authentication, bounded a day (decision 0044)."""

    @gated("token.issue")
    def issue(self, cmd: tc.IssueToken, by: Acting) -> IssuedToken:
        actor = self.app.actor(cmd.actor)
        if not actor.active:
            raise rules.ACTOR_ACTIVE.refuse(f"actor {actor.handle} is deactivated")
        today = self.app.clock().isoformat()
        expires = cmd.expires_on.isoformat() if cmd.expires_on else None
        token_id = self._new_id()
        secret = f"{token_id}.{secrets.token_urlsafe(32)}"
        token = Token.issue(token_id, actor.handle, secret, today, expires, by)
        self.app.commit(token)
        return IssuedToken(token_id, actor.handle, today, expires, secret)

    def _new_id(self) -> str:
        for _ in range(_ID_ATTEMPTS):
            candidate = f"tok_{secrets.token_hex(6)}"
            if token_key(candidate) not in self.app.repository:
                return candidate
        raise Inconsistent("could not draw an unused token id; run the command again")

    @gated("token.list")
    def tokens(self, by: Acting) -> list[Row]:
        today = self.app.clock().isoformat()
        rows = self.queries.rows(select(tokens).order_by(tokens.c.issued_at, tokens.c.token_id))
        for row in rows:
            row.pop("token_key")
            row["status"] = (
                "revoked"
                if row["revoked_on"]
                else "expired"
                if row["expires_on"] and today > row["expires_on"]
                else "active"
            )
        return rows

    @gated("token.revoke")
    def revoke(self, cmd: tc.RevokeToken, by: Acting) -> None:
        token = self._token(cmd.token_id)
        if token is None:
            raise NotFound(f"there is no token {cmd.token_id}; see `regie token list`")
        token.revoke(cmd.reason, self.app.clock().isoformat(), by)
        self.app.commit(token)

    def _token(self, token_id: str) -> Token | None:
        try:
            aggregate: object = self.app.repository.get(token_key(token_id))
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, Token) else None

    # -- authentication ---------------------------------------------------------------

    def check_jwt(self, presented: str | None) -> JwtChecked | None:
        """The signature and claims of an OpenID Connect token, checked without touching
        the ledger: the server does this before queueing the command for its writer, so
        that a slow fetch of the identity provider's keys holds up nobody else. None when
        ``presented`` is no JWT or this server takes none."""
        if not presented or self.oidc is None or not _JWT.fullmatch(presented):
            return None
        try:
            return JwtChecked(presented, self.oidc.actor(presented), None)
        except Unauthorised as exc:  # OidcRefused, or the keys unknown or unavailable
            return JwtChecked(presented, None, exc.message)

    def authenticate(
        self,
        presented: str | None,
        role: str | None,
        command: str,
        checked: JwtChecked | None = None,
    ) -> Acting:
        """The actor a bearer token stands for, acting in ``role`` (default: their first).

        Every failure is recorded as a denial of ``command`` before it is raised: under
        the token's actor when the token is genuine, else as :data:`UNAUTHENTICATED`
        (with the token's public id, if it had one). The secret is never recorded.
        """
        if not presented:
            raise self._fail(
                UNAUTHENTICATED,
                command,
                "no API token: send `Authorization: Bearer <token>` (an administrator "
                "issues one with `regie token issue`)",
            )
        if _JWT.fullmatch(presented):
            if checked is None or checked.token != presented:
                checked = self.check_jwt(presented)
            return self._authenticate_jwt(checked, role, command)
        match = _TOKEN.fullmatch(presented) if len(presented) <= _TOKEN_MAX else None
        token = self._token(match.group(1)) if match else None
        if token is None or not hmac.compare_digest(token.digest, digest(presented)):
            named = f" ({match.group(1)})" if match else ""
            raise self._fail(UNAUTHENTICATED, command, f"unknown API token{named}")
        # The owner is read only to name them in a denial: a valid token costs one read.
        if token.revoked:
            raise self._fail(self._owner(token), command, f"API token {token.token_id} was revoked")
        if token.expired(self.app.clock().isoformat()):
            raise self._fail(
                self._owner(token),
                command,
                f"API token {token.token_id} expired on {token.expires_on}",
            )
        try:
            return self.app.acting(token.actor, role)
        except Unauthorised as exc:
            raise self._fail(self._owner(token), command, exc.message) from None

    def _authenticate_jwt(
        self, checked: JwtChecked | None, role: str | None, command: str
    ) -> Acting:
        """An OpenID Connect token: its signature and claims, then the same checks of its
        actor as for an API token. A failure before the actor is known is recorded as
        :data:`UNAUTHENTICATED`; after, under the actor the token names."""
        if checked is None:
            raise self._fail(
                UNAUTHENTICATED,
                command,
                "unknown API token (this server accepts no OpenID Connect tokens)",
            )
        handle = checked.actor
        if handle is None:
            raise self._fail(UNAUTHENTICATED, command, checked.refusal or "token refused")
        try:
            return self.app.acting(handle, role)
        except Unauthorised as exc:
            raise self._fail(self._named(handle), command, exc.message) from None

    def _owner(self, token: Token) -> Acting:
        """The token's actor as a denial names them (even when deactivated)."""
        return self._named(token.actor)

    def _named(self, handle: str) -> Acting:
        """An actor as a denial names them (even when deactivated; unknown: unnamed)."""
        try:
            return self.app.actor(handle).acting_as(None)
        except NotFound:
            return UNAUTHENTICATED

    def _fail(self, by: Acting, command: str, reason: str) -> AuthenticationFailed:
        self.failed(by, command, reason)
        return AuthenticationFailed(reason)

    def _log_failure(self, by: Acting, command: str, reason: str) -> bool:
        self.access_log.record(by, command, "read", [], DEFAULT_PURPOSE, DENIED, None, reason)
        return True
