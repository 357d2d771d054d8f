from __future__ import annotations

from pathlib import Path
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

_FILE = click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="TOML with name, validity, purposes, parties and the sharing matrix "
    "(see ledger/examples/convenant.toml).",
)


def _read(path: Path) -> str:
    """The file's text: read here, so that a server can record a client's convenant."""
    from ledger.errors import BadInput

    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the convenant ({exc.strerror})") from exc


@click.group("convenant")
def command() -> None:
    """Record convenants: parties, legal bases, purposes and the sharing matrix."""


@command.command("add")
@click.argument("key")
@_FILE
@json_option
@pass_ctx
@handle_errors
def add(ctx: Context, key: str, path: Path, as_json: bool) -> None:
    """Record a new convenant (version 1) under a short key.

    \b
    Example:
      regie convenant add jga-voorbeeldstad --file ledger/examples/convenant.toml
    """
    toml = _read(path)
    convenant = ctx.ledger().sharing.add_convenant_toml(key, toml, ctx.acting(), str(path))
    if as_json:
        emit_json({"convenant": convenant.key, "version": 1})
    else:
        echo(f"Recorded convenant {convenant.key}, version 1. Next: `regie convenant sign`.")


@command.command("amend")
@click.argument("key")
@_FILE
@json_option
@pass_ctx
@handle_errors
def amend(ctx: Context, key: str, path: Path, as_json: bool) -> None:
    """Record a new version; earlier versions and their signatures stay on record.

    \b
    Example:
      regie convenant amend jga-voorbeeldstad --file convenant-2027.toml
    """
    toml = _read(path)
    version = ctx.ledger().sharing.amend_convenant_toml(key, toml, ctx.acting(), str(path))
    if as_json:
        emit_json({"convenant": key, "version": version})
    else:
        echo(f"Convenant {key} is now at version {version}; it needs new signatures.")


@command.command("sign")
@click.argument("key")
@click.option("--party", required=True, help="The signing organisation (a party).")
@click.option("--signer", required=True, help="Who signed for it (function or name).")
@click.option("--version", type=click.IntRange(min=1), help="Version signed (default: newest).")
@click.option("--on", "signed_on", type=ISO_DATE, help="Date signed (default today).")
@json_option
@pass_ctx
@handle_errors
def sign(
    ctx: Context,
    key: str,
    party: str,
    signer: str,
    version: int | None,
    signed_on: Any,
    as_json: bool,
) -> None:
    """Record a party's signature on a convenant version.

    \b
    Example:
      regie convenant sign jga-voorbeeldstad --party politie --signer 'Teamchef Centrum'
    """
    from ledger import commands as c

    cmd = c.build(
        c.SignConvenant,
        convenant=key,
        version=version,
        party=party,
        signer=signer,
        signed_on=signed_on,
    )
    number = ctx.ledger().sharing.sign_convenant(cmd, ctx.acting())
    if as_json:
        emit_json({"convenant": cmd.convenant, "version": number, "party": party})
    else:
        echo(f"{party} signed version {number} of convenant {cmd.convenant}.")


@command.command("show")
@click.argument("key")
@click.option("--version", type=click.IntRange(min=1), help="Version (default: newest).")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, key: str, version: int | None, as_json: bool) -> None:
    """Show a convenant version: parties and bases, their instruments, purposes, the matrix.

    \b
    Example:
      regie convenant show jga-voorbeeldstad --version 1
    """
    view = ctx.ledger().sharing.convenant_view(key, ctx.acting(), version)
    if as_json:
        emit_json(view)
        return
    echo(
        f"{view['name']} ({view['convenant']}, versie {view['version']} van "
        f"{view['versions']}); geldig {view['valid_from']} t/m {view['valid_until'] or '—'}"
    )
    signatures = view["signatures"]
    table(
        "Partijen",
        ["partij", "rol", "grondslag", "ondertekend"],
        (
            (
                p["organisation"],
                p["role"],
                "; ".join(p["legal_basis"]),
                (
                    f"{signatures[p['organisation']]['signed_on']} "
                    f"({signatures[p['organisation']]['signer']})"
                )
                if p["organisation"] in signatures
                else "nee",
            )
            for p in view["party"]
        ),
    )
    table(
        "Instrumenten",
        ["partij", "soort", "id", "datum", "versie", "reikwijdte"],
        (
            (p["organisation"], i["kind"], i["id"], i["date"], i["version"], i["scope"])
            for p in view["party"]
            for i in p.get("instrument", [])
        ),
    )
    table("Doelen", ["doel", "omschrijving"], ((p["key"], p["label"]) for p in view["purpose"]))
    table(
        "Deelmatrix",
        ["artikel", "van", "naar", "categorieën", "vanaf stap", "doelen"],
        (
            (
                r["article"],
                r["from"],
                ", ".join(r["to"]),
                ", ".join(r["categories"]),
                r["from_step"],
                ", ".join(r["purposes"]),
            )
            for r in view["share"]
        ),
    )


@command.command("list")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, as_json: bool) -> None:
    """List convenants with their newest version, validity and signatures.

    \b
    Example:
      regie convenant list
    """
    rows = ctx.ledger().sharing.convenants(ctx.acting())
    if as_json:
        emit_json(rows)
        return
    table(
        "Convenanten",
        ["convenant", "naam", "versie", "geldig van", "tot", "ondertekend door"],
        (
            (
                r["convenant"],
                r["name"],
                r["version"],
                r["valid_from"],
                r["valid_until"],
                ", ".join(r["signed_by"]),
            )
            for r in rows
        ),
    )
