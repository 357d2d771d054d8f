from __future__ import annotations

import click

from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx


@click.group("projections")
def command() -> None:
    """Maintain the read models built from the event log."""


@command.command("rebuild")
@json_option
@pass_ctx
@handle_errors
def rebuild(ctx: Context, as_json: bool) -> None:
    """Drop the read models and replay the whole event log into them.

    Safe at any time: the event log is the truth, the read models are derived.

    \b
    Example:
      regie projections rebuild
    """
    from rich.progress import Progress

    ledger = ctx.ledger()
    total = ledger.app.recorder.max_notification_id() or 0
    with Progress(transient=True, disable=as_json) as progress:
        task = progress.add_task("Replaying events", total=max(total, 1))
        position = ledger.operations.rebuild(
            ctx.acting(), lambda done, _total: progress.update(task, completed=done)
        )
    if as_json:
        emit_json({"replayed": position})
    else:
        echo(f"Rebuilt the read models from {position} events.")
