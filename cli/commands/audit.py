from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from cli.common import (
    ISO_DATE,
    Context,
    csv_option,
    echo,
    emit_json,
    emit_rows,
    handle_errors,
    json_option,
    pass_ctx,
    table,
)


@click.group("audit")
def command() -> None:
    """The privacy officer's audit, and proof of the ledger's integrity."""


_FROM = click.option("--from", "since", type=ISO_DATE, help="From this date.")
_TO = click.option("--to", "until", type=ISO_DATE, help="Up to and including this date.")


@command.command("who-saw")
@click.argument("subject")
@_FROM
@_TO
@json_option
@csv_option
@pass_ctx
@handle_errors
def who_saw(
    ctx: Context, subject: str, since: Any, until: Any, as_json: bool, as_csv: bool
) -> None:
    """Every access to and every share about a subject, in time order.

    \b
    Example:
      regie audit who-saw P-3f9a2c1d0b --from 2026-01-01 --csv > toegang.csv
    """
    ledger = ctx.reader()
    rows = ledger.privacy.who_saw(subject, ctx.acting(), since, until)
    emit_rows(
        rows,
        as_json,
        as_csv,
        f"Wie zag {subject}",
        [
            ("at", "wanneer"),
            ("kind", "soort"),
            ("action", "actie"),
            ("actor", "wie"),
            ("organisation", "organisatie"),
            ("role", "rol"),
            ("purpose", "doel"),
            ("basis", "grondslag"),
            ("recipients", "ontvangers"),
            ("outcome", "uitkomst"),
        ],
    )


@command.command("actor")
@click.argument("actor_id")
@_FROM
@_TO
@json_option
@csv_option
@pass_ctx
@handle_errors
def actor(ctx: Context, actor_id: str, since: Any, until: Any, as_json: bool, as_csv: bool) -> None:
    """Everything one user accessed or shared.

    \b
    Example:
      regie audit actor r.devries --from 2026-11-01
    """
    ledger = ctx.reader()
    rows = ledger.privacy.actor(actor_id.lower(), ctx.acting(), since, until)
    emit_rows(
        rows,
        as_json,
        as_csv,
        f"Activiteit van {actor_id}",
        [
            ("at", "wanneer"),
            ("kind", "soort"),
            ("command", "opdracht"),
            ("subject", "betrokkene"),
            ("case", "case"),
            ("purpose", "doel"),
            ("recipients", "ontvangers"),
            ("outcome", "uitkomst"),
        ],
    )


@command.command("disclosures")
@click.option("--to", "to_org", help="Only provisions to this organisation.")
@click.option("--convenant", help="Only provisions under this convenant.")
@click.option("--from", "since", type=ISO_DATE, help="From this date.")
@click.option("--until", type=ISO_DATE, help="Up to and including this date.")
@json_option
@csv_option
@pass_ctx
@handle_errors
def disclosures(
    ctx: Context,
    to_org: str | None,
    convenant: str | None,
    since: Any,
    until: Any,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The register of provisions (verstrekkingen) that were made.

    \b
    Example:
      regie audit disclosures --to jongerenwerk --from 2026-01-01 --csv
    """
    ledger = ctx.reader()
    rows = ledger.privacy.disclosures(ctx.acting(), to_org, convenant, since, until)
    emit_rows(
        rows,
        as_json,
        as_csv,
        "Register van verstrekkingen",
        [
            ("decided_on", "datum"),
            ("case", "case"),
            ("from", "van"),
            ("to", "naar"),
            ("subjects", "personen"),
            ("categories", "categorieën"),
            ("purpose", "doel"),
            ("basis", "grondslag"),
            ("decided_by", "besloten door"),
        ],
    )


@command.command("findings")
@json_option
@csv_option
@pass_ctx
@handle_errors
def findings(ctx: Context, as_json: bool, as_csv: bool) -> None:
    """What needs the privacy officer's attention (thresholds in policies audit.toml).

    Refused shares, ad-hoc shares awaiting review, shares under an expired or unsigned
    convenant, accesses by users without a role on the case, bulk reads, and reads
    outside office hours.

    \b
    Example:
      regie audit findings --json
    """
    ledger = ctx.reader()
    rows = ledger.privacy.findings(ctx.acting())
    emit_rows(
        rows,
        as_json,
        as_csv,
        "Bevindingen",
        [
            ("on", "datum"),
            ("kind", "soort"),
            ("actor", "wie"),
            ("case", "case"),
            ("detail", "toelichting"),
        ],
    )


@command.command(
    "subject-report",
    # click would cut the summary at the first period, "AVG art."
    short_help="The answer to an inzageverzoek (AVG art. 15), in Dutch, as text or PDF.",
)
@click.argument("subject")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "pdf"]),
    default="txt",
    show_default=True,
    help="Text on screen, or a PDF file (needs --out).",
)
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to this file."
)
@json_option
@csv_option
@pass_ctx
@handle_errors
def subject_report(
    ctx: Context, subject: str, fmt: str, out: Path | None, as_json: bool, as_csv: bool
) -> None:
    """The answer to an inzageverzoek (AVG art. 15), in Dutch, as text or PDF.

    \b
    Example:
      regie audit subject-report P-3f9a2c1d0b --format pdf --out inzage.pdf
    """
    from ledger.documents import subject_report_text, to_pdf
    from ledger.errors import BadInput

    if fmt == "pdf" and out is None:
        raise BadInput("a PDF needs --out FILE")
    ledger = ctx.reader()
    report = ledger.privacy.subject_report(subject, ctx.acting())
    if as_json:
        emit_json(report)
        return
    if as_csv:
        emit_rows(report["shares"], False, True, "", [])
        return
    text = subject_report_text(report)
    if out is None:
        click.echo(text.rstrip())  # a document as written, not rewrapped like a message
        return
    if fmt == "pdf":
        out.write_bytes(to_pdf(text, f"Inzage {report['subject']}"))
    else:
        out.write_text(text, encoding="utf-8")
    echo(f"Wrote the report to {out}.")


@command.command("checkpoint")
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
    ledger = ctx.reader()
    if list_all:
        heads = ledger.audit_log.checkpoints()
        if as_json:
            emit_json([h.to_json() for h in heads])
        else:
            table(
                "Checkpoints",
                ["tree size", "root hash", "time"],
                ((h.tree_size, h.root_hash.hex(), h.timestamp) for h in heads),
            )
        return
    head = ledger.audit_log.checkpoint()
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
        if export_path is not None:
            echo(f"Exported to {export_path}.")


@command.command("verify")
@json_option
@pass_ctx
@handle_errors
def verify(ctx: Context, as_json: bool) -> None:
    """Recompute the Merkle tree from the stored events and check every checkpoint.

    Exit 1 with the first bad position when anything was changed, removed, reordered or
    inserted behind the ledger's back.

    \b
    Example:
      regie audit verify
    """
    from rich.progress import Progress

    ledger = ctx.reader()
    # Not in a pipe either: there it would only leave an empty line behind.
    with Progress(transient=True, disable=as_json or not sys.stdout.isatty()) as progress:
        task = progress.add_task("Verifying the log", total=None)
        report = ledger.audit_log.verify(
            lambda done, total: progress.update(task, completed=done, total=total)
        )
    if as_json:
        emit_json(
            {
                "verified": True,
                "events": report.events,
                "checkpoints": report.checkpoints,
                "root_hash": report.root_hash,
            }
        )
    else:
        echo(f"OK: {report.events} events and {report.checkpoints} signed checkpoints verify.")
        echo(f"Root hash: {report.root_hash}")


@command.command("prove")
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
    ledger = ctx.reader()
    _emit(ledger.audit_log.prove(event, with_event), out)


@command.command("consistency")
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
    """Emit an RFC 9162 consistency proof between the checkpoints of sizes OLD and NEW.

    \b
    Example:
      regie audit consistency 120 245 --out consistency.json
    (The output is always JSON; --json is accepted for uniformity.)
    """
    ledger = ctx.reader()
    _emit(ledger.audit_log.consistency(old, new), out)


@command.command("check-proof")
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
