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

_BODY = click.option(
    "--body",
    required=True,
    help="Who decided: regulier-overleg, ketenoverleg, driehoek, driehoek-plus, regisseur.",
)
_REASON = click.option("--reason", required=True, help="Why (recorded with the decision).")
_ON = click.option("--decided-on", type=ISO_DATE, help="Date of the decision (default today).")


@click.group("step")
def command() -> None:
    """Move a case through the 7 steps: forward, back from 6, or end early."""


@command.command("advance")
@click.argument("case_ref")
@_BODY
@_REASON
@_ON
@click.option(
    "--merge-4-5",
    is_flag=True,
    help="From step 3, take steps 4 and 5 together (versnelling); needs a reason.",
)
@json_option
@pass_ctx
@handle_errors
def advance(
    ctx: Context,
    case_ref: str,
    body: str,
    reason: str,
    decided_on: Any,
    merge_4_5: bool,
    as_json: bool,
) -> None:
    """Move a case one step forward (or from 3 to 5 with --merge-4-5).

    \b
    Example:
      regie step advance JG-2026-001 --body ketenoverleg --reason 'Signalen bevestigd'
      regie step advance JG-2026-001 --merge-4-5 --body driehoek --reason 'Escalatie in de wijk'
    """
    from ledger import commands as c

    cmd = c.build(
        c.Advance,
        case=case_ref,
        body=body,
        reason=reason,
        decided_on=decided_on,
        merge_4_5=merge_4_5,
    )
    step = ctx.ledger().cases.advance(cmd, ctx.acting())
    _done(cmd.case, step, as_json)


@command.command("back")
@click.argument("case_ref")
@click.option(
    "--to",
    "to_step",
    type=click.Choice(["3", "5"]),
    required=True,
    help="Step to return to from step 6.",
)
@_BODY
@_REASON
@_ON
@json_option
@pass_ctx
@handle_errors
def back(
    ctx: Context,
    case_ref: str,
    to_step: str,
    body: str,
    reason: str,
    decided_on: Any,
    as_json: bool,
) -> None:
    """Go back from step 6 to step 3 (new picture) or step 5 (revise the plan).

    \b
    Example:
      regie step back JG-2026-001 --to 5 --body ketenoverleg --reason 'Nieuwe informatie'
    """
    from ledger import commands as c

    cmd = c.build(
        c.StepBack,
        case=case_ref,
        to_step=int(to_step),
        body=body,
        reason=reason,
        decided_on=decided_on,
    )
    step = ctx.ledger().cases.step_back(cmd, ctx.acting())
    _done(cmd.case, step, as_json)


@command.command("end")
@click.argument("case_ref")
@click.option(
    "--outcome",
    required=True,
    help="regulier-afgehandeld (after 1-3), gerichte-actie (2-3), "
    "urgentie-te-laag (3, or 4 after a decision not to prioritise).",
)
@_BODY
@_REASON
@_ON
@json_option
@pass_ctx
@handle_errors
def end(
    ctx: Context,
    case_ref: str,
    outcome: str,
    body: str,
    reason: str,
    decided_on: Any,
    as_json: bool,
) -> None:
    """End a case early, before the integral approach, with its outcome.

    \b
    Example:
      regie step end JG-2026-001 --outcome regulier-afgehandeld --body regulier-overleg \\
        --reason 'Extra toezicht volstaat'
    """
    from ledger import commands as c

    cmd = c.build(
        c.EndEarly,
        case=case_ref,
        outcome=outcome,
        body=body,
        reason=reason,
        decided_on=decided_on,
    )
    ctx.ledger().cases.end_early(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "status": "beeindigd", "outcome": cmd.outcome})
    else:
        echo(f"Ended case {cmd.case}: {cmd.outcome}.")


def _done(ref: str, step: int, as_json: bool) -> None:
    from ledger.cases.labels import step_label

    if as_json:
        emit_json({"case": ref, "step": step})
    else:
        echo(f"{ref} is now at step {step_label(step)}.")


@command.command("info")
@click.argument("case_ref")
@json_option
@pass_ctx
@handle_errors
def info(ctx: Context, case_ref: str, as_json: bool) -> None:
    """What each partner is expected to bring in the case's current step (informatiematrix).

    \b
    Example:
      regie step info JG-2026-001
    """

    shown = ctx.ledger().checklists.step_info(case_ref, ctx.acting())
    if as_json:
        emit_json(shown)
        return
    table(
        f"{shown['case']}, stap {shown['step']}: wie brengt wat in",
        ["partner", "brengt in", "bron"],
        ((e["organisation"], e["brings"], e["source"]) for e in shown["expected"]),
    )
