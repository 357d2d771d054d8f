"""The integrity half of `regie audit`: checkpoints, verification and RFC 9162 proofs.

Kept apart from the privacy officer's reports (cli/commands/audit.py), which add these
commands to the same group.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx, table


@click.command("checkpoint")
@click.option(
    "--export",
    "export_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the newest signed checkpoint (with the public key) to this file.",
)
@click.option("--list", "list_all", is_flag=True, help="List every stored checkpoint.")
@json_option
@pass_ctx
@handle_errors
def checkpoint(ctx: Context, export_path: Path | None, list_all: bool, as_json: bool) -> None:
    """Show or export the newest signed checkpoint: size, root hash, time, signature.

    Publish exported checkpoints outside the ledger (e-mail them to the privacy officer,
    archive them): anyone can later check that the log still extends them.

    \b
    Example:
      regie audit checkpoint --export checkpoint-2026-11-22.json
      regie audit checkpoint --list
    """
    ledger = ctx.ledger()
    if list_all:
        heads = ledger.operations.checkpoints(ctx.acting())
        if as_json:
            emit_json([h.to_json() for h in heads])
        else:
            table(
                "Checkpoints",
                ["tree size", "root hash", "time"],
                ((h.tree_size, h.root_hash.hex(), h.timestamp) for h in heads),
            )
        return
    head = ledger.operations.checkpoint(ctx.acting())
    if export_path is not None:
        export_path.write_text(json.dumps(head, indent=2) + "\n", encoding="utf-8")
    if as_json:
        emit_json(head)
    else:
        # One fact a line: the hash and the origin would push one line past 80 columns.
        echo(f"Tree size {head['tree_size']}")
        echo(f"Root hash {head['root_hash']}")
        echo(f"Signed    {head['timestamp']} by key {head['key_id']}")
        echo(f"Origin    {head['origin']}")
        echo(head["printed"])
        if export_path is not None:
            echo(f"Exported to {export_path}.")


@click.command("verify")
@click.option(
    "--against",
    "against",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An exported checkpoint, or a directory of them, kept outside the ledger.",
)
@click.option("--witnesses", is_flag=True, help="Also hold the ledger against every witness.")
@click.option(
    "--first-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The ledger's first public signing key, kept elsewhere (default: the key dir's).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Check the signature of every checkpoint, not only the newest and a sample.",
)
@json_option
@pass_ctx
@handle_errors
def verify(
    ctx: Context,
    against: tuple[Path, ...],
    witnesses: bool,
    first_key: Path | None,
    full: bool,
    as_json: bool,
) -> None:
    """Recompute the log, check its checkpoints, hold it against its witnesses.

    Every event's leaf, every checkpoint's root and stored frontier and every stored
    subtree hash are recomputed, always. Signatures: the newest checkpoint's (its root
    commits to every event and every earlier root), the first, both sides of each key
    rotation, the high-water mark's, and 256 others drawn at random each run (all of
    them when there are no more); --full checks every one, about 8,000 a second.

    Exit 1, naming what and where, when anything was changed, removed, reordered or
    inserted behind the ledger's back, and when the ledger is behind or diverges from
    its high-water mark, an exported checkpoint (--against) or a witness (--witnesses).

    \b
    Example:
      regie audit verify
      regie audit verify --full
      regie audit verify --against checkpoint.json --witnesses
    """
    from rich.progress import Progress

    ledger = ctx.ledger()
    # Not in a pipe either: there it would only leave an empty line behind.
    with Progress(transient=True, disable=as_json or not sys.stdout.isatty()) as progress:
        task = progress.add_task("Verifying the log", total=None)
        report = ledger.operations.verify(
            ctx.acting(),
            lambda done, total: progress.update(task, completed=done, total=total),
            against,
            witnesses,
            first_key,
            full=full,
        )
    if as_json:
        emit_json(
            {
                "verified": True,
                "events": report.events,
                "checkpoints": report.checkpoints,
                "signatures_checked": report.signatures,
                "root_hash": report.root_hash,
            }
        )
    else:
        echo(f"OK: {report.events} events and {report.checkpoints} signed checkpoints verify.")
        if report.signatures < report.checkpoints:
            echo(
                f"Signatures checked: {report.signatures} (newest, rotations, a random "
                "sample; --full for all)."
            )
        echo(f"Root hash: {report.root_hash}")


@click.command("prove")
@click.argument("event", type=click.IntRange(min=1))
@click.option(
    "--with-event",
    is_flag=True,
    help="Include the stored (sealed) event bytes, so the leaf hash can be recomputed.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the proof to this file instead of standard output.",
)
@pass_ctx
@handle_errors
def prove(ctx: Context, event: int, with_event: bool, out: Path | None) -> None:
    """Emit an RFC 9162 inclusion proof (JSON) for the event at position EVENT.

    The proof carries the signed checkpoint, so it can be checked without the database.

    \b
    Example:
      regie audit prove 42 --out proof-42.json
      regie audit check-proof proof-42.json --public-key signing.pub
    (The output is always JSON; --json is accepted for uniformity.)
    """
    ledger = ctx.ledger()
    _emit(ledger.operations.prove(event, ctx.acting(), with_event), out)


@click.command("consistency")
@click.argument("old", type=click.IntRange(min=0))
@click.argument("new", type=click.IntRange(min=1))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the proof to this file instead of standard output.",
)
@pass_ctx
@handle_errors
def consistency(ctx: Context, old: int, new: int, out: Path | None) -> None:
    """Emit an RFC 9162 consistency proof between checkpoints OLD and NEW.

    \b
    Example:
      regie audit consistency 120 245 --out consistency.json
    (The output is always JSON; --json is accepted for uniformity.)
    """
    ledger = ctx.ledger()
    _emit(ledger.operations.consistency(old, new, ctx.acting()), out)


@click.command("check-proof")
@click.argument("proof_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The ledger's Ed25519 public key (signing.pub, PEM or hex).",
)
@json_option
@handle_errors
def check_proof(proof_file: Path, public_key: Path, as_json: bool) -> None:
    """Check an inclusion or consistency proof offline: no database needed.

    \b
    Example:
      regie audit check-proof proof-42.json \\
        --public-key ~/.local/share/regie/regie.sqlite.keys/signing.pub
    """
    from ledger.audit.service import check_proof_file
    from ledger.errors import BadInput

    try:
        proof = json.loads(proof_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"{proof_file}: not a readable JSON proof ({exc})") from exc
    message = check_proof_file(proof, public_key)
    if as_json:
        emit_json({"valid": True, "statement": message})
    else:
        echo(f"Valid: {message}.")


def _emit(document: dict[str, object], out: Path | None) -> None:
    text = json.dumps(document, indent=2)
    if out is None:
        click.echo(text)  # JSON: never rewrapped
    else:
        out.write_text(text + "\n", encoding="utf-8")
        echo(f"Wrote {document['type']} proof to {out}.")


# --json for uniformity with every other command: proofs are JSON already.
for _cmd in (prove, consistency):
    _cmd.params.append(
        click.Option(
            ["--json", "as_json"],
            is_flag=True,
            expose_value=False,
            help="Print machine-readable JSON (always the case here).",
        )
    )


COMMANDS = (checkpoint, verify, prove, consistency, check_proof)
