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
    key_values,
    pass_ctx,
)


@click.group("decision")
def command() -> None:
    """Record the step-4 decision: prioritise the group or not, or extra analysis."""


@command.command("record")
@click.argument("case_ref")
@click.option(
    "--prioritised",
    "outcome",
    flag_value="geprioriteerd",
    help="Take the group on; name all five items with --item.",
)
@click.option(
    "--not-prioritised",
    "outcome",
    flag_value="niet-geprioriteerd",
    help="Do not take the group on; needs --motivation.",
)
@click.option(
    "--extra-analysis",
    "outcome",
    flag_value="extra-analyse",
    help="Ask for a motivated extra analysis first; needs --motivation.",
)
@click.option(
    "--item",
    "items",
    multiple=True,
    metavar="KEY=TEXT",
    help="doelen-en-kaders, sturing, informeermomenten, strafrechtelijk-traject, "
    "externe-communicatie; repeat per item.",
)
@click.option("--motivation", default="", help="Why (required unless prioritised).")
@click.option("--body", required=True, help="Deciding meeting, e.g. ketenoverleg or driehoek.")
@click.option("--decided-on", type=ISO_DATE, help="Date of the decision (default today).")
@json_option
@pass_ctx
@handle_errors
def record(
    ctx: Context,
    case_ref: str,
    outcome: str | None,
    items: tuple[str, ...],
    motivation: str,
    body: str,
    decided_on: Any,
    as_json: bool,
) -> None:
    """Record the decision of the ketenoverleg or driehoek at step 4.

    \b
    Example:
      regie decision record JG-2026-001 --prioritised --body driehoek \\
        --item doelen-en-kaders='Overlast halveren binnen 6 maanden; max 200 uur' \\
        --item sturing='Driehoek; escalatie via burgemeester' \\
        --item informeermomenten='Maandelijks in het ketenoverleg' \\
        --item strafrechtelijk-traject='Geen lopend onderzoek' \\
        --item externe-communicatie='Woordvoerder gemeente'
    """
    from ledger import commands as c

    if outcome is None:
        raise click.UsageError(
            "say which decision: --prioritised, --not-prioritised or --extra-analysis"
        )
    cmd = c.build(
        c.RecordDecision,
        case=case_ref,
        outcome=outcome,
        items=key_values(items, "--item"),
        motivation=motivation,
        body=body,
        decided_on=decided_on,
    )
    number = ctx.ledger().cases.record_decision(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "decision": number, "outcome": cmd.outcome})
    else:
        echo(f"Recorded decision {number} on {cmd.case}: {cmd.outcome}.")
