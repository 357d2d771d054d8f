from __future__ import annotations

import click

from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx


@click.group("keys")
def command() -> None:
    """Rotate the master key (data keys) and the checkpoint signing key."""


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


@command.command("rotate-signing")
@json_option
@pass_ctx
@handle_errors
def rotate_signing(ctx: Context, as_json: bool) -> None:
    """Switch to a new checkpoint signing key, recorded in the log under the old one.

    The rotation is an event whose checkpoint the old key signs, naming the new public
    key; every later checkpoint is signed by the new key, so `audit verify` follows the
    chain from the first key. Interrupted, the next command completes or undoes it.

    \b
    Example:
      regie keys rotate-signing
    """
    result = ctx.ledger().operations.rotate_signing_key(ctx.acting())
    if as_json:
        emit_json(result)
    else:
        echo(f"Signing key rotated: {result['old_key_id']} -> {result['new_key_id']}.")
