from __future__ import annotations

from typing import Any

import click

from cli.common import (
    ISO_DATE,
    Context,
    echo,
    emit_json,
    handle_errors,
    json_option,
    pass_ctx,
    table,
)


@click.group("token")
def command() -> None:
    """Issue, list and revoke the API tokens actors use with `regie serve`."""


@command.command("issue")
@click.argument("actor_id")
@click.option("--expires", type=ISO_DATE, help="Last day the token is valid (default: never).")
@json_option
@pass_ctx
@handle_errors
def issue(ctx: Context, actor_id: str, expires: Any, as_json: bool) -> None:
    """Issue an API token for an actor; it is printed once and stored only as a hash.

    \b
    Example:
      regie token issue regisseur --expires 2027-06-30
    """
    from ledger import commands as c
    from ledger.tokens import commands as tc

    cmd = c.build(tc.IssueToken, actor=actor_id, expires_on=expires)
    issued = ctx.ledger().tokens.issue(cmd, ctx.acting())
    if as_json:
        emit_json(
            {
                "token_id": issued.token_id,
                "actor": issued.actor,
                "issued_on": issued.issued_on,
                "expires_on": issued.expires_on,
                "token": issued.secret,
            }
        )
        return
    until = f"until {issued.expires_on}" if issued.expires_on else "without expiry"
    echo(
        f"Issued token {issued.token_id} for {issued.actor}, {until}. It is shown only now; "
        "give it to the actor as REGIE_TOKEN:"
    )
    click.echo(issued.secret)


@command.command("list")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, as_json: bool) -> None:
    """List API tokens: id, actor, issued, expires, revoked (never the secret).

    \b
    Example:
      regie token list --json
    """
    rows = ctx.ledger().tokens.tokens(ctx.acting())
    if as_json:
        emit_json(rows)
        return
    table(
        "API tokens",
        ["id", "actor", "issued", "expires", "revoked", "status"],
        (
            (
                r["token_id"],
                r["actor"],
                r["issued_on"],
                r["expires_on"] or "never",
                r["revoked_on"] or "",
                r["status"],
            )
            for r in rows
        ),
    )


@command.command("revoke")
@click.argument("token_id")
@click.option("--reason", default="", help="Why the token may no longer be used.")
@json_option
@pass_ctx
@handle_errors
def revoke(ctx: Context, token_id: str, reason: str, as_json: bool) -> None:
    """Revoke an API token: every later request with it is refused.

    \b
    Example:
      regie token revoke tok_3f9a2c1d5e6b --reason 'laptop kwijt'
    """
    from ledger import commands as c
    from ledger.tokens import commands as tc

    cmd = c.build(tc.RevokeToken, token_id=token_id, reason=reason)
    ctx.ledger().tokens.revoke(cmd, ctx.acting())
    if as_json:
        emit_json({"token_id": cmd.token_id, "revoked": True})
    else:
        echo(f"Revoked token {cmd.token_id}.")
