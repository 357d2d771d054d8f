from __future__ import annotations

import click

from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx


@click.command("init")
@json_option
@pass_ctx
@handle_errors
def command(ctx: Context, as_json: bool) -> None:
    """Create the ledger's store (idempotent: safe to run again).

    \b
    Example:
      regie init
      REGIE_DATABASE_URL=postgresql+psycopg://regie@db/regie regie init
    """
    from ledger.config import safe_url

    ledger = ctx.ledger(require_initialised=False)
    created = ledger.initialise()
    result = {
        "database": safe_url(ctx.settings.database_url),
        "created": created,
        "first_key_fingerprint": ledger.audit_log.first_key_fingerprint(),
    }
    if as_json:
        emit_json(result)
    elif created:
        echo(f"Ledger created at {result['database']}.")
        echo("Next: register the first actor (an administrator), e.g.")
        echo("  regie actor add beheer --name 'Beheerder' --org gemeente --role administrator")
        echo(
            f"Keep this outside this machine: the fingerprint of the ledger's first signing "
            f"key is {result['first_key_fingerprint']} (`regie audit verify --first-key`)."
        )
    else:
        echo(f"Ledger at {result['database']} already exists; nothing to do.")
