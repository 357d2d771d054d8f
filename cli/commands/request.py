"""`regie request`: the register of the data subject's rights requests (AVG art. 15-21)."""

from __future__ import annotations

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
)

COLUMNS = [
    ("request", "verzoek"),
    ("subject", "betrokkene"),
    ("kind", "soort"),
    ("received_on", "ontvangen"),
    ("deadline", "termijn"),
    ("status", "status"),
    ("outcome", "besluit"),
    ("decided_on", "besloten op"),
]


@click.group("request")
def command() -> None:
    """Data subjects' rights requests: their deadlines, extensions and decisions.

    Kinds: inzage, rectificatie, wissing, beperking, bezwaar (policy: rights.toml).
    """


@command.command("open")
@click.argument("subject")
@click.option("--kind", required=True, help="inzage, rectificatie, wissing, beperking, bezwaar.")
@click.option("--received-on", required=True, type=ISO_DATE, help="The day it was received.")
@click.option("--note", help="A note on the request (sealed).")
@json_option
@pass_ctx
@handle_errors
def open_(
    ctx: Context, subject: str, kind: str, received_on: Any, note: str | None, as_json: bool
) -> None:
    """Register a request, due one calendar month after its receipt.

    The deadline follows AVG article 12(3). While the request is pending a legal hold
    protects the subject from retention runs; deciding the request lifts it.

    \b
    Example:
      regie request open P-3f9a2c1d0b --kind inzage --received-on 2026-11-02
    """
    from ledger import commands as c
    from ledger.rights.commands import OpenRequest

    cmd = c.build(OpenRequest, subject=subject, kind=kind, received_on=received_on, note=note)
    opened = ctx.ledger().rights.open(cmd, ctx.acting())
    if as_json:
        emit_json(opened)
    else:
        echo(
            f"Registered request {opened['request']} of {opened['subject']}, due "
            f"{opened['deadline']}; a legal hold protects the subject until it is decided."
        )


@command.command("extend")
@click.argument("request")
@click.option("--reason", required=True, help="Why more time is needed (sealed).")
@click.option("--on", "extended_on", type=ISO_DATE, help="Date of the extension (default today).")
@json_option
@pass_ctx
@handle_errors
def extend(ctx: Context, request: str, reason: str, extended_on: Any, as_json: bool) -> None:
    """Extend the deadline once, by two months, within the first month.

    \b
    Example:
      regie request extend V-3f9a2c1d --reason 'Gegevens bij drie partners opvragen'
    """
    from ledger import commands as c
    from ledger.rights.commands import ExtendRequest

    cmd = c.build(ExtendRequest, request=request, reason=reason, extended_on=extended_on)
    extended = ctx.ledger().rights.extend(cmd, ctx.acting())
    if as_json:
        emit_json(extended)
    else:
        echo(f"Extended request {extended['request']}; now due {extended['deadline']}.")


@command.command("decide")
@click.argument("request")
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(["toegewezen", "deels", "afgewezen"]),
    help="Granted, partly granted, or refused.",
)
@click.option("--reason", required=True, help="The motivation (sealed).")
@click.option("--on", "decided_on", type=ISO_DATE, help="Date of the decision (default today).")
@json_option
@pass_ctx
@handle_errors
def decide(
    ctx: Context, request: str, outcome: str, reason: str, decided_on: Any, as_json: bool
) -> None:
    """Record the decision on a request; its legal hold is lifted.

    \b
    Example:
      regie request decide V-3f9a2c1d --outcome toegewezen --reason 'Overzicht verstrekt'
    """
    from ledger import commands as c
    from ledger.rights.commands import DecideRequest

    cmd = c.build(
        DecideRequest, request=request, outcome=outcome, reason=reason, decided_on=decided_on
    )
    decided = ctx.ledger().rights.decide(cmd, ctx.acting())
    if as_json:
        emit_json(decided)
    else:
        late = " (after its deadline)" if decided["late"] else ""
        echo(f"Decided request {decided['request']}: {decided['outcome']}{late}.")


@command.command("list")
@click.option("--open", "pending_only", is_flag=True, help="Only requests not yet decided.")
@click.option("--overdue", "overdue_only", is_flag=True, help="Only requests past their deadline.")
@json_option
@csv_option
@pass_ctx
@handle_errors
def list_(
    ctx: Context, pending_only: bool, overdue_only: bool, as_json: bool, as_csv: bool
) -> None:
    """The register of rights requests, with deadlines and decisions.

    \b
    Example:
      regie request list --open
      regie request list --overdue --csv > te-laat.csv
    """
    rows = ctx.ledger().rights.listing(ctx.acting(), pending_only, overdue_only)
    emit_rows(rows, as_json, as_csv, "Verzoeken van betrokkenen", COLUMNS)


@command.command("show")
@click.argument("request")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, request: str, as_json: bool) -> None:
    """One request with its note and the reasons for extension and decision.

    \b
    Example:
      regie request show V-3f9a2c1d
    """
    shown = ctx.ledger().rights.show(request, ctx.acting())
    if as_json:
        emit_json(shown)
        return
    for key, label in COLUMNS:
        echo(f"{label}: {shown[key] if shown[key] is not None else '-'}")
    echo(f"artikel: {shown['article']}")
    for name, text in shown["texts"].items():
        echo(f"{name}: {text}")
