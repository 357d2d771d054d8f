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


@click.group("signal")
def command() -> None:
    """Record and list signals about group behaviour (group level only, no names)."""


@command.command("add")
@click.argument("case_ref")
@click.option("--kind", required=True, help="overlast, schoolverzuim, online-oproep, ... (policy).")
@click.option("--location", required=True, help="Where the behaviour was seen.")
@click.option("--source-org", required=True, help="Organisation that reported it.")
@click.option("--source-role", required=True, help="Role of the reporter, e.g. wijkagent.")
@click.option("--text", required=True, help="What was observed, at group level: no names.")
@click.option("--observed-on", type=ISO_DATE, help="Date observed (default today).")
@json_option
@pass_ctx
@handle_errors
def add(
    ctx: Context,
    case_ref: str,
    kind: str,
    location: str,
    source_org: str,
    source_role: str,
    text: str,
    observed_on: Any,
    as_json: bool,
) -> None:
    """Record a signal on a case. Signals can be added at any step of an open case.

    \b
    Example:
      regie signal add JG-2026-001 --kind overlast --location Stationsplein \\
        --source-org politie --source-role wijkagent \\
        --text 'Groep van ca. 10 jongeren, intimiderend gedrag bij de ingang'
    """
    from ledger import commands as c

    cmd = c.build(
        c.RecordSignal,
        case=case_ref,
        observed_on=observed_on,
        kind=kind,
        location=location,
        source_org=source_org,
        source_role=source_role,
        text=text,
    )
    number = ctx.ledger().cases.record_signal(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "signal": number})
    else:
        echo(f"Recorded signal S{number} on {cmd.case}.")


@command.command("list")
@click.argument("case_ref", required=False)
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, case_ref: str | None, as_json: bool) -> None:
    """List signals, of one case or of all cases.

    \b
    Example:
      regie signal list JG-2026-001
    """
    rows = ctx.ledger().cases.signals(ctx.acting(), case_ref)
    if as_json:
        emit_json(rows)
        return
    table(
        "Signals",
        ["case", "#", "observed", "kind", "location", "source", "text"],
        (
            (
                r["ref"],
                f"S{r['number']}",
                r["observed_on"],
                r["kind"],
                r["location"],
                f"{r['source_org']} ({r['source_role']})",
                r["text"],
            )
            for r in rows
        ),
    )
