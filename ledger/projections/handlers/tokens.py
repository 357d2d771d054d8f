"""API tokens: issued and revoked, for `regie token list`."""

from __future__ import annotations

from ledger.domain.token import Token
from ledger.projections.handlers.common import Handler, stamp
from ledger.projections.token_table import tokens
from ledger.projections.workspace import Workspace


def token_issued(ws: Workspace, e: Token.Issued) -> None:
    ws.put(
        tokens,
        {
            "token_key": str(e.originator_id),
            "token_id": e.token_id,
            "actor": e.actor,
            "issued_on": e.issued_on,
            "expires_on": e.expires_on,
            "issued_by": e.by["actor"],
            "issued_at": stamp(e),
            "revoked_on": None,
            "revoked_by": None,
            "revoke_reason": None,
        },
    )


def token_revoked(ws: Workspace, e: Token.Revoked) -> None:
    row = ws.require(tokens, str(e.originator_id))
    row.update(revoked_on=e.on, revoked_by=e.by["actor"], revoke_reason=e.reason)
    ws.touch(tokens, row)


HANDLERS: dict[type, Handler] = {
    Token.Issued: token_issued,
    Token.Revoked: token_revoked,
}
