from __future__ import annotations

import click

from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx


@click.group("keys")
def command() -> None:
    """Manage the master key that wraps the subjects' data keys."""


@command.command("rotate")
@json_option
@pass_ctx
@handle_errors
def rotate(ctx: Context, as_json: bool) -> None:
    """Re-wrap every data key under a new master key; events are not touched.

    The new key is written beside the old one first, the key store is re-wrapped in one
    transaction, and only then does the new key replace the old file. Interrupted, the
    command can simply be run again.

    \b
    Example:
      regie keys rotate
    """
    result = ctx.ledger().operations.rotate_master_key(ctx.acting())
    if as_json:
        emit_json(result)
    else:
        echo(f"Re-wrapped {result['rewrapped']} data keys; master key is now {result['key_id']}.")
