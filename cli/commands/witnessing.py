"""`regie audit witness ...`, `check-document` and `accept-rollback`: the log held
against checkpoints kept outside it (decision 0020)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx, table


@click.group("witness")
def witness() -> None:
    """Places outside the ledger that receive every new signed checkpoint."""


@witness.command("add")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A directory the witness keeps (a share of a partner, the privacy officer's).",
)
@json_option
@pass_ctx
@handle_errors
def witness_add(ctx: Context, name: str, directory: Path, as_json: bool) -> None:
    """Register a witness; it receives the newest checkpoint now and after every write.

    A failed delivery never blocks the ledger; `regie audit findings` reports it.

    \b
    Example:
      regie audit witness add privacy-officer --dir /mnt/fg/regie-checkpoints
    """
    from ledger import commands as c

    handle = c.actor_handle(name, "NAME")
    added = ctx.ledger().operations.add_witness(handle, directory, ctx.acting())
    if as_json:
        emit_json(added)
    else:
        echo(f"Witness {added['name']} registered: {added['location']}.")


@witness.command("list")
@json_option
@pass_ctx
@handle_errors
def witness_list(ctx: Context, as_json: bool) -> None:
    """List the registered witnesses.

    \b
    Example:
      regie audit witness list
    """
    rows = ctx.ledger().operations.witnesses(ctx.acting())
    if as_json:
        emit_json(rows)
    else:
        columns = ["name", "kind", "location"]
        table("Witnesses", columns, ((r["name"], r["kind"], r["location"]) for r in rows))


@click.command("check-document")
@click.argument("document")
@json_option
@pass_ctx
@handle_errors
def check_document(ctx: Context, document: str, as_json: bool) -> None:
    """Is the ledger still consistent with the checkpoint printed on a document?

    DOCUMENT is a file (a letter, a report) or the printed line itself, typed in; - reads
    standard input. Exit 1 when the ledger no longer extends a checkpoint found.

    \b
    Example:
      regie audit check-document brief-P-3f9a2c1d0b.txt
      regie audit check-document '1234-3f9a2c1d0b4e5f60718293a4b5c6d7e8-9b1c2d3e4f5a6b7c'
    """
    from ledger.domain import rules

    if document == "-":
        text = sys.stdin.read()
    elif Path(document).is_file():
        text = Path(document).read_bytes().decode("utf-8", errors="replace")
    else:
        text = document
    lines = ctx.ledger().operations.check_document(text, ctx.acting())
    if as_json:
        emit_json([{"result": line} for line in lines])
    else:
        for line in lines:
            echo(line)
    if any("NOT consistent" in line for line in lines):
        raise rules.DOCUMENT_DIVERGED.refuse()


@click.command("accept-rollback")
@click.option("--reason", required=True, help="Why the ledger was restored (e.g. the incident).")
@json_option
@pass_ctx
@handle_errors
def accept_rollback(ctx: Context, reason: str, as_json: bool) -> None:
    """Accept, on the record, that the ledger was restored to an older state.

    Only for a ledger that fell behind its high-water mark and still verifies in itself:
    the witnessed head and the reason are recorded, the mark is reset, and the ledger
    works again. Witnesses keep the newer checkpoint, so `verify --witnesses` still shows
    what was lost.

    \b
    Example:
      regie audit accept-rollback --reason 'Hersteld uit de back-up na schijfuitval'
    """
    from ledger import commands as c

    result = ctx.ledger().operations.accept_rollback(c.free_text(reason, "--reason"), ctx.acting())
    if as_json:
        emit_json(result)
    else:
        echo(
            f"Rollback accepted: checkpoint {result['witnessed']} was witnessed, the ledger "
            f"held {result['ledger']}; it is at {result['now']} now, and works again."
        )


COMMANDS = (witness, check_document, accept_rollback)
